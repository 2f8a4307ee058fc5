package dev.tagger.model.nn;

import dev.tagger.TestData;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.text.TokenizedText;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.format.BaseModels;
import dev.tagger.text.TextTokenizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Our DJL encoder against ONNX Runtime running the original graph: the independent reference. */
class EncoderParityTest {

    static OrtEnvironment env;
    static OrtSession session;
    static NDManager manager;
    static BertEncoder encoder;
    static TextTokenizer tokenizer;
    static ClassificationHead head;
    static ScriptedEncoder scriptedFp32;
    static ScriptedEncoder scriptedInt8;

    @BeforeAll
    static void setUp() throws Exception {
        TorchEngine.start();
        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        manager = NDManager.newBaseManager(Device.cpu());
        encoder = BertEncoder.create(base.config(), base.weights(), manager);
        tokenizer = new TextTokenizer(base.tokenizerJson(), 128);
        // A random 28-label head: these tests compare encoder outputs, the head only has to be there.
        head = ClassificationHead.create(new WeightSet(ClassificationHead.initialWeights(384, 28, 7)), 384, 28,
                Pooling.MEAN, true, 0f, manager);
        scriptedFp32 = ScriptedEncoder.compile(encoder, head, ScriptedEncoder.Precision.FP32, List.of(), manager);
        scriptedInt8 = ScriptedEncoder.compile(encoder, head, ScriptedEncoder.Precision.INT8,
                texts().stream().map(tokenizer::tokenize).toList(), manager);
        env = OrtEnvironment.getEnvironment();
        try (InputStream in = BaseModels.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            session = env.createSession(in.readAllBytes(), new OrtSession.SessionOptions());
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        session.close();
        scriptedFp32.close();
        scriptedInt8.close();
        encoder.close();
        manager.close();
        tokenizer.close();
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>(TestData.SENTENCES);
        if (java.nio.file.Files.isRegularFile(TestData.goEmotions().resolve("dev.tsv"))) {
            texts.addAll(TestData.devTexts(24));
        }
        return texts;
    }

    /** ONNX Runtime's last_hidden_state for a padded batch, [batch][seq][hidden]. */
    static float[][][] reference(List<TokenizedText> batch) throws Exception {
        int b = batch.size();
        int s = batch.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        long[][] ids = new long[b][s];
        long[][] mask = new long[b][s];
        long[][] types = new long[b][s];
        for (int i = 0; i < b; i++) {
            TokenizedText t = batch.get(i);
            for (int j = 0; j < t.length(); j++) {
                ids[i][j] = t.ids()[j];
                mask[i][j] = 1;
                types[i][j] = t.typeIds()[j];
            }
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
             OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor t = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
            return (float[][][]) r.get(0).getValue();
        }
    }

    static float[] ours(List<TokenizedText> batch) {
        try (NDManager m = manager.newSubManager()) {
            TaggerModel.Inputs in = TaggerModel.inputs(m, batch);
            NDArray out = encoder.forward(in.ids(), in.maskIfPadded(), in.typeIds(), false);
            return out.toFloatArray();
        }
    }

    /** The scripted encoder's packed output: [total tokens * hidden]. */
    static float[] scripted(ScriptedEncoder e, List<TokenizedText> batch) {
        try (NDManager m = manager.newSubManager()) {
            return e.forward(m, batch).toFloatArray();
        }
    }

    static double maxDiffOnRealTokens(List<TokenizedText> batch) throws Exception {
        float[][][] ref = reference(batch);
        float[] got = ours(batch);
        int s = ref[0].length;
        int h = ref[0][0].length;
        double max = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < batch.get(i).length(); j++) {
                for (int k = 0; k < h; k++) {
                    max = Math.max(max, Math.abs(ref[i][j][k] - got[(i * s + j) * h + k]));
                }
            }
        }
        return max;
    }

    /** Max |difference| and the smallest per-token cosine similarity of packed output against ORT's. */
    static double[] packedAgainstReference(List<TokenizedText> batch, float[] packed) throws Exception {
        float[][][] ref = reference(batch);
        int h = ref[0][0].length;
        double max = 0;
        double minCos = 1;
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < batch.get(i).length(); j++, row++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int k = 0; k < h; k++) {
                    float a = ref[i][j][k];
                    float b = packed[row * h + k];
                    max = Math.max(max, Math.abs(a - b));
                    dot += a * b;
                    na += a * a;
                    nb += b * b;
                }
                minCos = Math.min(minCos, dot / Math.sqrt(na * nb));
            }
        }
        assertThat(row * h).as("one output row per real token").isEqualTo(packed.length);
        return new double[] {max, minCos};
    }

    @Test
    void scriptedEncoderMatchesOnnxRuntimeOnAPackedBatch() throws Exception {
        List<TokenizedText> batch = texts().stream().map(tokenizer::tokenize).toList();
        assertThat(packedAgainstReference(batch, scripted(scriptedFp32, batch))[0]).isLessThanOrEqualTo(1e-4);
        TokenizedText one = batch.get(3);
        assertThat(packedAgainstReference(List.of(one), scripted(scriptedFp32, List.of(one)))[0])
                .isLessThanOrEqualTo(1e-4);
    }

    @Test
    void int8EncoderStaysCloseToOnnxRuntime() throws Exception {
        List<TokenizedText> batch = texts().stream().map(tokenizer::tokenize).toList();
        double[] d = packedAgainstReference(batch, scripted(scriptedInt8, batch));
        // int8 weights and activations: close in direction for every token, not equal.
        assertThat(d[1]).as("smallest per-token cosine similarity").isGreaterThan(0.98);
        assertThat(d[0]).as("max |difference|").isGreaterThan(1e-4).isLessThan(1.0);
    }

    @Test
    void int8ResultOfATextDoesNotDependOnItsBatch() {
        List<TokenizedText> batch = texts().stream().map(tokenizer::tokenize).toList();
        float[] together = scripted(scriptedInt8, batch);
        int offset = 0;
        for (TokenizedText t : batch) {
            float[] alone = scripted(scriptedInt8, List.of(t));
            float[] slice = java.util.Arrays.copyOfRange(together, offset, offset + alone.length);
            double max = 0;
            for (int k = 0; k < alone.length; k++) {
                max = Math.max(max, Math.abs(alone[k] - slice[k]));
            }
            assertThat(max).as("text at offset %d alone vs in the batch", offset).isLessThanOrEqualTo(1e-5);
            offset += alone.length;
        }
        assertThat(offset).isEqualTo(together.length);
    }

    @Test
    void eachTextAloneMatchesOnnxRuntime() throws Exception {
        List<String> texts = texts();
        assertThat(texts).hasSizeGreaterThanOrEqualTo(10);
        for (String text : texts) {
            assertThat(maxDiffOnRealTokens(List.of(tokenizer.tokenize(text))))
                    .as("max |difference| of last_hidden_state for %s", text)
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void paddedBatchOfMixedLengthsMatchesOnnxRuntime() throws Exception {
        List<TokenizedText> batch = texts().stream().map(tokenizer::tokenize).toList();
        int shortest = batch.stream().mapToInt(TokenizedText::length).min().orElseThrow();
        int longest = batch.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        assertThat(longest).as("the batch really pads").isGreaterThan(shortest + 5);
        assertThat(maxDiffOnRealTokens(batch)).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void tokenizerGivesTheKnownIds() {
        assertThat(tokenizer.tokenize("I love this, thank you!").ids())
                .containsExactly(101, 1045, 2293, 2023, 1010, 4067, 2017, 999, 102);
    }

    @Test
    void longTextsAreCutToTheLimitKeepingSep() {
        TokenizedText t = tokenizer.tokenize("word ".repeat(500));
        assertThat(t.truncated()).isTrue();
        assertThat(t.length()).isEqualTo(128);
        assertThat(t.ids()[0]).isEqualTo(101);
        assertThat(t.ids()[127]).isEqualTo(102);
        assertThat(tokenizer.tokenize("short text").truncated()).isFalse();
    }
}
