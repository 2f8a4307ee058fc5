package dev.tagger.tools;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the image build runs (tagger.sh --warmup) loads both native libraries and reports them. */
class EngineWarmupTest {

    @Test
    void warmUpLoadsPyTorchAndTheTokenizer() throws Exception {
        String report = EngineWarmup.run();

        assertThat(report)
                .contains("engine PyTorch 2.7.1")
                .contains("DJL 0.36.0")
                .contains("tokenizer ok (4 tokens)")
                .contains("engine cache ");
    }
}
