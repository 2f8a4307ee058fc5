package dev.tagger.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default bundle as the ONNX peer reads it from the service's class path. */
class BundleFilesTest {

    @Test
    void theDefaultBundleHasTheLabelsTheHeadAndTheTokenizer() throws IOException {
        BundleFiles b = BundleFiles.load(BundleFiles.DEFAULT);

        assertThat(b.labels()).hasSize(28).startsWith("admiration", "amusement").contains("neutral")
                .doesNotHaveDuplicates();
        assertThat(b.pooling()).isEqualTo("mean");
        assertThat(b.normalize()).isTrue();
        assertThat(b.maxTokens()).isEqualTo(128);
        assertThat(b.weight().shape()).containsExactly(28, 384);
        assertThat(b.bias().shape()).containsExactly(28);
        assertThat(new String(b.tokenizerJson(), StandardCharsets.UTF_8)).startsWith("{").contains("\"vocab\"");
        // the built-in model fine-tunes the top three layers: 16 tensors each, named as the base names them
        assertThat(b.encoder()).hasSize(48).allSatisfy((name, t) -> assertThat(name).matches("encoder\\.layer\\.[345]\\..+"));
        assertThat(b.encoder().get("encoder.layer.5.intermediate.dense.weight").shape()).containsExactly(1536, 384);
        assertThat(b.withoutEncoder().encoder()).isEmpty();
    }

    @Test
    void aMissingResourceIsNamed() {
        assertThatThrownBy(() -> BundleFiles.load("/models/no-such-model/")).isInstanceOf(IOException.class)
                .hasMessageContaining("/models/no-such-model/config.json");
    }
}
