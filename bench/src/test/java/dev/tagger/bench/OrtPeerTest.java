package dev.tagger.bench;

import dev.tagger.catalog.CatalogConfig;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The benchmark's correctness check is only as good as its peer: ONNX Runtime, with the bundle's fine-tuned layers
 * swapped into the graph, plus the peer's own pooling, head and sigmoid must give the service's fp32 answers, alone
 * and in padded batches. The int8 export is a peer for speed: it runs the base encoder, to embeddings close to the
 * fp32 export's base encoder.
 */
class OrtPeerTest {

    private static final List<String> TEXTS = List.of("I love this, thank you!", "This is the worst service I have "
            + "ever had.", "ok", "Honestly I expected more from this team, very disappointing season and the coach "
            + "should go.");

    static OrtPeer peer;
    static OrtPeer base;
    static OrtPeer int8;
    static TaggerModel model;

    @BeforeAll
    static void setUp() throws Exception {
        TorchEngine.start();
        peer = new OrtPeer(BundleFiles.load(BundleFiles.DEFAULT), OrtPeer.Export.FP32, 1);
        base = new OrtPeer(BundleFiles.load(BundleFiles.DEFAULT).withoutEncoder(), OrtPeer.Export.FP32, 1);
        int8 = new OrtPeer(BundleFiles.load(BundleFiles.DEFAULT), OrtPeer.Export.INT8, 1);
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "peer-test");
        model = TaggerModel.load(bundle, Device.cpu());
    }

    @AfterAll
    static void tearDown() throws Exception {
        peer.close();
        base.close();
        int8.close();
        model.close();
    }

    @Test
    void thePeerGivesTheServicesFp32Probabilities() throws Exception {
        List<TokenizedText> tokens = TEXTS.stream().map(peer::tokenize).toList();
        float[][] expected = model.probabilities(TEXTS.stream().map(model.tokenizer()::tokenize).toList());

        for (int i = 0; i < TEXTS.size(); i++) {
            float[] alone = peer.probabilities(List.of(tokens.get(i)))[0];
            assertThat(alone).hasSize(28);
            assertThat(OrtPeer.maxAbsDiff(alone, expected[i])).as("text %d", i).isLessThanOrEqualTo(Report.ORT_LIMIT);
        }
    }

    @Test
    void theFineTunedLayersReachTheGraph() throws Exception {
        assertThat(peer.mirrorsBundle()).isTrue();
        assertThat(base.mirrorsBundle()).isTrue();
        assertThat(int8.mirrorsBundle()).isFalse();
        List<TokenizedText> tokens = TEXTS.stream().map(peer::tokenize).toList();
        OrtPeer.Output tuned = peer.run(tokens);
        OrtPeer.Output untuned = base.run(tokens);
        for (int i = 0; i < TEXTS.size(); i++) {
            // the same head on the base encoder answers differently: the override is not a no-op
            assertThat(OrtPeer.maxAbsDiff(tuned.probabilities()[i], untuned.probabilities()[i])).as("text %d", i)
                    .isGreaterThan(0.01);
            assertThat(OrtPeer.cosine(tuned.embeddings()[i], untuned.embeddings()[i])).isLessThan(0.999);
        }
    }

    @Test
    void paddingInABatchDoesNotChangeAnAnswer() throws Exception {
        List<TokenizedText> tokens = TEXTS.stream().map(peer::tokenize).toList();
        float[][] batched = peer.probabilities(tokens);

        for (int i = 0; i < TEXTS.size(); i++) {
            float[] alone = peer.probabilities(List.of(tokens.get(i)))[0];
            assertThat(OrtPeer.maxAbsDiff(batched[i], alone)).as("text %d", i).isLessThanOrEqualTo(Report.BATCHING_LIMIT);
        }
    }

    @Test
    void theInt8ExportRunsTheSameTextsToEmbeddingsCloseToFp32() throws Exception {
        assertThat(int8.export().onnx).isEqualTo("/all-minilm-l6-v2-q.onnx");
        // its own jar's tokenizer.json, which is the service's byte for byte
        assertThat(int8.serviceTokenizer()).isTrue();
        assertThat(peer.serviceTokenizer()).isTrue();

        List<TokenizedText> tokens = TEXTS.stream().map(int8::tokenize).toList();
        OrtPeer.Output fp32 = base.run(tokens);
        OrtPeer.Output q = int8.run(tokens);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(q.embeddings()[i]).hasSize(384);
            assertThat(OrtPeer.cosine(q.embeddings()[i], q.embeddings()[i])).isCloseTo(1.0, within(1e-6));
            double cos = OrtPeer.cosine(q.embeddings()[i], fp32.embeddings()[i]);
            assertThat(cos).as("text %d", i).isGreaterThan(0.95).isLessThan(1.0);
            assertThat(q.probabilities()[i]).hasSize(28);
        }
    }

    @Test
    void anExportIsNamedByItsPrecision() {
        assertThat(OrtPeer.Export.of("INT8")).isEqualTo(OrtPeer.Export.INT8);
        assertThat(OrtPeer.Export.FP32.label()).isEqualTo("fp32");
        assertThatThrownBy(() -> OrtPeer.Export.of("fp16")).hasMessageContaining("fp32 or int8");
    }

    @Test
    void cosineIsTheAngleNotTheLength() {
        assertThat(OrtPeer.cosine(new float[] {1, 0}, new float[] {3, 0})).isEqualTo(1.0);
        assertThat(OrtPeer.cosine(new float[] {1, 0}, new float[] {0, 2})).isZero();
        assertThat(OrtPeer.cosine(new float[] {3, 4}, new float[] {4, 3})).isCloseTo(0.96, within(1e-12));
        assertThat(OrtPeer.cosine(new float[] {0, 0}, new float[] {1, 1})).isZero();
    }

    @Test
    void maxAbsDiffIsTheLargestDifferenceOfAnyLabel() {
        assertThat(OrtPeer.maxAbsDiff(new float[] {0.5f, 0.25f, 1f}, new float[] {0.5f, 0.75f, 0.875f})).isEqualTo(0.5);
        assertThat(OrtPeer.maxAbsDiff(new float[] {0.5f}, new float[] {0.5f})).isZero();
    }
}
