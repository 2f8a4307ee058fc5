package dev.tagger.model.nn;

import dev.tagger.TestData;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.format.BaseModels;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encoder run in parts (what a trainer with frozen lower layers does) equals the encoder run whole. */
class BertEncoderLayersTest {

    @Test
    void embeddingsThenLowerLayersThenUpperLayersGiveTheWholeForwardPass() {
        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             TextTokenizer tokenizer = new TextTokenizer(base.tokenizerJson(), 128)) {
            BertEncoder encoder = BertEncoder.create(base.config(), base.weights(), m);
            List<TokenizedText> batch = TestData.SENTENCES.stream().map(tokenizer::tokenize).toList();
            TaggerModel.Inputs in = TaggerModel.inputs(m, batch);
            float[] whole = encoder.forward(in.ids(), in.maskIfPadded(), in.typeIds(), false).toFloatArray();
            NDArray lower = encoder.forwardLayers(encoder.embed(in.ids(), in.typeIds(), false), in.maskIfPadded(),
                    0, 3, false);
            float[] parts = encoder.forwardLayers(lower, in.maskIfPadded(), 3, 6, false).toFloatArray();
            assertThat(parts).containsExactly(whole);
            assertThatThrownBy(() -> encoder.forwardLayers(lower, null, 4, 7, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        }
    }
}
