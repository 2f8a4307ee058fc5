package dev.tagger.model.nn;

import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelFormatException;
import dev.tagger.model.TinyBert;

import ai.djl.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The tiny BERT traced by make_tiny_bert.py with torch 1.13 loads in DJL's libtorch and gives the script's
 * reference probabilities, batched and one at a time.
 */
class TorchScriptModelTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        TorchEngine.start();
    }

    @Test
    void theTracedModuleMatchesTheReference() throws IOException {
        JsonNode ref = TinyBert.reference();
        List<String> texts = new ArrayList<>();
        ref.get("items").forEach(i -> texts.add(i.get("text").asString()));
        try (TorchScriptModel m = load(TinyBert.fixture("tiny-bert-torchscript"))) {
            assertThat(m.labels()).containsExactly(TinyBert.LABELS);
            float[][] batch = m.probabilities(texts.stream().map(m.tokenizer()::tokenize).toList());
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = m.probabilities(List.of(m.tokenizer().tokenize(texts.get(i))))[0];
                for (int k = 0; k < 3; k++) {
                    double want = ref.at("/items/" + i + "/probabilities/" + k).asDouble();
                    assertThat((double) batch[i][k]).isCloseTo(want, within(2e-6));
                    assertThat((double) alone[k]).isCloseTo(want, within(2e-6));
                }
            }
        }
    }

    @Test
    void aLabelCountThatDoesNotMatchTheOutputIsRefused() throws Exception {
        Path src = TinyBert.fixture("tiny-bert-torchscript");
        Path dir = Files.createDirectories(tmp.resolve("ts"));
        Files.copy(src.resolve("model.pt"), dir.resolve("model.pt"));
        Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("labels.json"), "[\"a\", \"b\"]");
        try (TorchScriptModel m = load(dir)) {
            assertThatThrownBy(() -> m.probabilities(List.of(m.tokenizer().tokenize("okay"))))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected [1, 2]");
        }
        Files.writeString(dir.resolve("model.pt"), "not a module");
        assertThatThrownBy(() -> load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cannot load the TorchScript module");
    }

    /** A fixture folder as registration reads it: labels.json and tokenizer.json next to model.pt. */
    private static TorchScriptModel load(Path dir) throws IOException {
        List<String> labels = new ArrayList<>();
        JsonMapper.builder().build().readTree(Files.readAllBytes(dir.resolve("labels.json")))
                .forEach(n -> labels.add(n.asString()));
        return TorchScriptModel.load(dir, labels, Files.readAllBytes(dir.resolve("tokenizer.json")), Device.cpu(), 64);
    }
}
