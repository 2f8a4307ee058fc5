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

/**
 * The benchmark's correctness check is only as good as its peer: ONNX Runtime plus the peer's own pooling, head and
 * sigmoid must give the service's fp32 answers, alone and in padded batches.
 */
class OrtPeerTest {

    private static final List<String> TEXTS = List.of("I love this, thank you!", "This is the worst service I have "
            + "ever had.", "ok", "Honestly I expected more from this team, very disappointing season and the coach "
            + "should go.");

    static OrtPeer peer;
    static TaggerModel model;

    @BeforeAll
    static void setUp() throws Exception {
        TorchEngine.start();
        peer = new OrtPeer(BundleFiles.load(BundleFiles.DEFAULT), 1);
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "peer-test");
        model = TaggerModel.load(bundle, Device.cpu());
    }

    @AfterAll
    static void tearDown() throws Exception {
        peer.close();
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
    void paddingInABatchDoesNotChangeAnAnswer() throws Exception {
        List<TokenizedText> tokens = TEXTS.stream().map(peer::tokenize).toList();
        float[][] batched = peer.probabilities(tokens);

        for (int i = 0; i < TEXTS.size(); i++) {
            float[] alone = peer.probabilities(List.of(tokens.get(i)))[0];
            assertThat(OrtPeer.maxAbsDiff(batched[i], alone)).as("text %d", i).isLessThanOrEqualTo(Report.BATCHING_LIMIT);
        }
    }

    @Test
    void maxAbsDiffIsTheLargestDifferenceOfAnyLabel() {
        assertThat(OrtPeer.maxAbsDiff(new float[] {0.5f, 0.25f, 1f}, new float[] {0.5f, 0.75f, 0.875f})).isEqualTo(0.5);
        assertThat(OrtPeer.maxAbsDiff(new float[] {0.5f}, new float[] {0.5f})).isZero();
    }
}
