package dev.tagger.model.format;

import dev.tagger.model.HostTensor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in MiniLM's ONNX graph read as Hugging Face names, and those names traced back to the graph's own. */
class OnnxWeightsTest {

    private static Map<String, HostTensor> weights;
    private static Map<String, String> onnxNames;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream a = open(); InputStream b = open()) {
            weights = OnnxWeights.read(a);
            onnxNames = OnnxWeights.onnxNames(b);
        }
    }

    private static InputStream open() {
        InputStream in = OnnxWeightsTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx");
        assertThat(in).as("the langchain4j MiniLM artifact on the test class path").isNotNull();
        return in;
    }

    @Test
    void linearWeightsAreNamedByTheirModuleAndReturnedInTorchLayout() {
        assertThat(weights.get("encoder.layer.0.attention.self.query.weight").shape()).containsExactly(384, 384);
        assertThat(weights.get("encoder.layer.5.intermediate.dense.weight").shape()).containsExactly(1536, 384);
        assertThat(weights.get("encoder.layer.5.output.dense.weight").shape()).containsExactly(384, 1536);
        assertThat(weights.get("embeddings.word_embeddings.weight").shape()).containsExactly(30522, 384);
    }

    @Test
    void everyNameLeadsBackToOneInitializerOfTheGraph() {
        assertThat(onnxNames.keySet()).isEqualTo(weights.keySet());
        assertThat(onnxNames.values()).doesNotHaveDuplicates();
        String query = onnxNames.get("encoder.layer.3.attention.self.query.weight");
        assertThat(query).startsWith("onnx::MatMul");
        assertThat(OnnxWeights.isTransposed(query)).isTrue();
        // biases and layer norms keep the graph's name and layout
        assertThat(onnxNames.get("encoder.layer.3.attention.self.query.bias"))
                .isEqualTo("encoder.layer.3.attention.self.query.bias");
        assertThat(OnnxWeights.isTransposed("encoder.layer.3.output.LayerNorm.weight")).isFalse();
        long linear = onnxNames.values().stream().filter(OnnxWeights::isTransposed).count();
        assertThat(linear).as("six linear layers in each of six blocks").isEqualTo(36);
    }

    @Test
    void aMatMulNodeNameBecomesTheModulePath() {
        assertThat(OnnxWeights.linearWeightName("/encoder/layer.3/attention/self/query/MatMul"))
                .isEqualTo("encoder.layer.3.attention.self.query.weight");
        assertThatThrownBy(() -> OnnxWeights.linearWeightName("MatMul")).hasMessageContaining("no module path");
    }
}
