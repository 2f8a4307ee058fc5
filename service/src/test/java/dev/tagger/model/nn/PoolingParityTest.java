package dev.tagger.model.nn;

import dev.tagger.TestData;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.TinyBert;
import dev.tagger.model.format.ModelImporter;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every {@link Pooling}, with and without L2 normalisation, computes the same probabilities in the eager network
 * (encoder + {@link ClassificationHead#pool}, padded batch) and in the compiled serving module (fp32, packed
 * batch): the two implementations of each pooling cannot drift apart. Runs on the tiny BERT fixture, whose
 * checkpoint has the pooler's dense layer, so that POOLER is exercised too.
 */
class PoolingParityTest {

    static NDManager manager;
    static ModelBundle bundle;
    static BertEncoder encoder;
    static TextTokenizer tokenizer;
    static List<TokenizedText> batch;

    @BeforeAll
    static void setUp() {
        TorchEngine.start();
        bundle = ModelImporter.prepare(TinyBert.hfDir(), "tiny",
                new ModelImporter.Options(null, null, null, "test")).bundle();
        manager = NDManager.newBaseManager(Device.cpu());
        encoder = BertEncoder.create(bundle.config(), bundle.weights(), manager);
        tokenizer = new TextTokenizer(bundle.tokenizerJson(), bundle.maxTokens());
        batch = TestData.SENTENCES.stream().map(tokenizer::tokenize).toList();
    }

    @AfterAll
    static void tearDown() {
        encoder.close();
        manager.close();
        tokenizer.close();
    }

    static ClassificationHead head(Pooling pooling, boolean normalize) {
        return ClassificationHead.create(bundle.weights(), bundle.config().hiddenSize(), bundle.labels().size(),
                pooling, normalize, 0f, manager);
    }

    /** The eager path of {@link TaggerModel#probabilities} before serving: padded batch, mask, pool, classifier. */
    static float[] eager(ClassificationHead head) {
        try (NDManager m = manager.newSubManager()) {
            TaggerModel.Inputs in = TaggerModel.inputs(m, batch);
            NDArray hidden = encoder.forward(in.ids(), in.maskIfPadded(), in.typeIds(), false);
            return Activation.sigmoid(head.logits(head.pool(hidden, in.maskIfPadded()), false)).toFloatArray();
        }
    }

    static float[] scripted(ClassificationHead head) {
        try (ScriptedEncoder s = ScriptedEncoder.compile(encoder, head, ScriptedEncoder.Precision.FP32, List.of(),
                manager); NDManager m = manager.newSubManager()) {
            return s.probabilities(m, batch).toFloatArray();
        }
    }

    static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void eagerAndScriptedGiveTheSameProbabilities(Pooling pooling) {
        int shortest = batch.stream().mapToInt(TokenizedText::length).min().orElseThrow();
        int longest = batch.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        assertThat(longest).as("the eager batch really pads").isGreaterThan(shortest);
        for (boolean normalize : new boolean[] {false, true}) {
            try (ClassificationHead head = head(pooling, normalize)) {
                float[] eager = eager(head);
                assertThat(eager).hasSize(batch.size() * bundle.labels().size());
                assertThat(maxDiff(eager, scripted(head))).as("%s, normalize %s", pooling, normalize)
                        .isLessThanOrEqualTo(1e-5);
            }
        }
    }

    /** The features a head-only job trains on: the scripted pool() must be the eager pool, before any head. */
    @ParameterizedTest
    @EnumSource(Pooling.class)
    void eagerAndScriptedPoolTheSameVectors(Pooling pooling) {
        for (boolean normalize : new boolean[] {false, true}) {
            try (ClassificationHead head = head(pooling, normalize); NDManager m = manager.newSubManager();
                 ScriptedEncoder s = ScriptedEncoder.compile(encoder, head, ScriptedEncoder.Precision.FP32, List.of(),
                         manager)) {
                TaggerModel.Inputs in = TaggerModel.inputs(m, batch);
                float[] eager = head.pool(encoder.forward(in.ids(), in.maskIfPadded(), in.typeIds(), false),
                        in.maskIfPadded()).toFloatArray();
                float[] scripted = s.pooled(m, batch).toFloatArray();
                assertThat(scripted).hasSize(batch.size() * bundle.config().hiddenSize());
                assertThat(maxDiff(eager, scripted)).as("%s, normalize %s", pooling, normalize).isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void thePoolingsReallyDifferOnTheFixture() {
        Map<Pooling, float[]> out = new EnumMap<>(Pooling.class);
        for (Pooling p : Pooling.values()) {
            try (ClassificationHead head = head(p, false)) {
                out.put(p, scripted(head));
            }
        }
        List<Pooling> all = new ArrayList<>(out.keySet());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                assertThat(maxDiff(out.get(all.get(i)), out.get(all.get(j))))
                        .as("%s vs %s", all.get(i), all.get(j)).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void aSourceWithoutABranchForAPoolingIsRefused() {
        String source = "if ${POOLING} == ${POOLING_MEAN}:\n  pass\nif ${POOLING} == ${POOLING_CLS}:\n  pass\n";
        assertThatThrownBy(() -> ScriptedEncoder.withPoolings(source, Pooling.MEAN))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pooler");
        String all = source + "if ${POOLING} == ${POOLING_POOLER}:\n  pass\n";
        assertThat(ScriptedEncoder.withPoolings(all, Pooling.POOLER)).doesNotContain("${")
                .contains(Pooling.POOLER.scriptCode() + " == " + Pooling.POOLER.scriptCode());
    }
}
