package dev.tagger.model.format;

import dev.tagger.model.ModelFormatException;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.TinyBert;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registering the tiny BERT checkpoint (save_pretrained's layout, made by make_tiny_bert.py): the pooler path
 * against the script's independent plain-torch reference, ignored and missing tensors, problem types.
 */
class ModelImporterTest {

    static final ModelImporter.Options PLAIN = new ModelImporter.Options(null, null, null, "test");

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        TorchEngine.start();
    }

    static float[][] probabilities(ModelBundle b, List<String> texts) {
        try (TaggerModel m = TaggerModel.load(b, Device.cpu())) {
            List<TokenizedText> t = texts.stream().map(m.tokenizer()::tokenize).toList();
            return m.probabilities(t);
        }
    }

    @Test
    void theCheckpointMatchesTheIndependentTorchReference() {
        ModelImporter.Result r = ModelImporter.prepare(TinyBert.hfDir(), "tiny", PLAIN);
        ModelBundle b = r.bundle();
        assertThat(b.labels()).containsExactly(TinyBert.LABELS);
        assertThat(b.pooling()).isEqualTo(Pooling.POOLER);
        assertThat(b.thresholds()).containsOnly(0.5f);
        assertThat(r.ignoredTensors()).isEmpty();
        assertThat(r.probe()).containsOnlyKeys(TinyBert.LABELS);
        assertThat(r.parameters()).isEqualTo(b.config().parameterCount() + 32L * 32 + 32 + 3L * 32 + 3);

        JsonNode ref = TinyBert.reference();
        List<String> texts = new ArrayList<>();
        ref.get("items").forEach(i -> texts.add(i.get("text").asString()));
        try (TaggerModel m = TaggerModel.load(b, Device.cpu())) {
            for (int i = 0; i < texts.size(); i++) {
                long[] ids = m.tokenizer().tokenize(texts.get(i)).ids();
                long[] expected = new long[ref.at("/items/" + i + "/ids").size()];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = ref.at("/items/" + i + "/ids/" + k).asLong();
                }
                assertThat(ids).as("token ids of '%s'", texts.get(i)).containsExactly(expected);
            }
        }
        // Batched (padded) and one at a time both match the reference.
        float[][] batch = probabilities(b, texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = probabilities(b, List.of(texts.get(i)))[0];
            for (int k = 0; k < 3; k++) {
                double want = ref.at("/items/" + i + "/probabilities/" + k).asDouble();
                assertThat((double) batch[i][k]).as("text %d label %d", i, k).isCloseTo(want, org.assertj.core.data.Offset.offset(2e-6));
                assertThat((double) alone[k]).isCloseTo(want, org.assertj.core.data.Offset.offset(2e-6));
            }
        }
    }

    @Test
    void namesWithoutTheBertPrefixAndUnusedTensorsAreAcceptedAndReported() throws Exception {
        Path dir = TinyBert.copy(tmp.resolve("stripped"), t -> {
            Map<String, TinyBert.Raw> out = new LinkedHashMap<>();
            t.forEach((k, v) -> out.put(k.startsWith("bert.") ? k.substring(5) : k, v));
            out.put("embeddings.position_ids", TinyBert.positionIds(64));
            out.put("cls.predictions.bias", TinyBert.f32(0.1f, 40));
            return out;
        }, c -> c);
        ModelImporter.Result r = ModelImporter.prepare(dir, "stripped", PLAIN);
        assertThat(r.ignoredTensors()).containsExactlyInAnyOrder("embeddings.position_ids", "cls.predictions.bias");
        assertThat(r.bundle().weights().asMap()).doesNotContainKeys("embeddings.position_ids", "cls.predictions.bias");
        List<String> texts = List.of("wow, what a surprise", "okay");
        float[][] want = probabilities(ModelImporter.prepare(TinyBert.hfDir(), "tiny", PLAIN).bundle(), texts);
        assertThat(probabilities(r.bundle(), texts)).isDeepEqualTo(want);
    }

    @Test
    void withoutPoolerTensorsThePoolerIsIgnoredAndClsPools() throws Exception {
        Path dir = TinyBert.copy(tmp.resolve("nopooler"), t -> {
            t.remove("bert.pooler.dense.weight");
            t.remove("bert.pooler.dense.bias");
            return t;
        }, c -> c);
        assertThat(ModelImporter.prepare(dir, "nopooler", PLAIN).bundle().pooling()).isEqualTo(Pooling.CLS);
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        Path dir = TinyBert.copy(tmp.resolve("missing"), t -> {
            t.remove("bert.encoder.layer.1.output.dense.weight");
            return t;
        }, c -> c);
        assertThatThrownBy(() -> ModelImporter.prepare(dir, "missing", PLAIN))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("encoder.layer.1.output.dense.weight").hasMessageContaining("[32, 64]");
    }

    @Test
    void aMisShapedTensorIsNamedWithBothShapes() throws Exception {
        Path dir = TinyBert.copy(tmp.resolve("misshaped"), t -> {
            t.put("classifier.weight", TinyBert.f32(0.01f, 4, 32));
            return t;
        }, c -> c);
        assertThatThrownBy(() -> ModelImporter.prepare(dir, "misshaped", PLAIN))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("classifier.weight").hasMessageContaining("[4, 32]").hasMessageContaining("[3, 32]");
    }

    @Test
    void singleLabelHeadsAreRefusedUnlessOverridden() throws Exception {
        Path single = TinyBert.copy(tmp.resolve("single"), t -> t, c -> c.put("problem_type", "single_label_classification"));
        assertThatThrownBy(() -> ModelImporter.prepare(single, "single", PLAIN))
                .hasMessageContaining("single_label_classification").hasMessageContaining("problem_type_override")
                .hasMessageContaining("never applies softmax");
        Path unset = TinyBert.copy(tmp.resolve("unset"), t -> t, c -> {
            c.remove("problem_type");
            return c;
        });
        assertThatThrownBy(() -> ModelImporter.prepare(unset, "unset", PLAIN)).hasMessageContaining("unset");
        ModelImporter.Options override = new ModelImporter.Options("multi_label_classification", 0.3f,
                Map.of("anger", 0.7f), "test");
        ModelImporter.Result r = ModelImporter.prepare(single, "single", override);
        assertThat(r.bundle().thresholds()).containsExactly(0.3f, 0.7f, 0.3f);
        assertThat(r.bundle().card().at("/registered/problem_type_override").asString()).isEqualTo("multi_label_classification");
        assertThatThrownBy(() -> ModelImporter.prepare(single, "single",
                new ModelImporter.Options("single_label_classification", null, null, "test")))
                .hasMessageContaining("problem_type_override must be");
        assertThatThrownBy(() -> ModelImporter.prepare(TinyBert.hfDir(), "t",
                new ModelImporter.Options(null, null, Map.of("fear", 0.2f), "test")))
                .hasMessageContaining("'fear'");
    }

    @Test
    void otherArchitecturesAreRefusedWithWhatIsSupported() throws Exception {
        Path distil = TinyBert.copy(tmp.resolve("distil"), t -> t, c -> c.put("model_type", "distilbert"));
        assertThatThrownBy(() -> ModelImporter.prepare(distil, "distil", PLAIN))
                .hasMessageContaining("'distilbert'").hasMessageContaining("supported: bert");
        Path roberta = TinyBert.copy(tmp.resolve("roberta"), t -> t, c -> c.put("model_type", "roberta"));
        assertThatThrownBy(() -> ModelImporter.prepare(roberta, "roberta", PLAIN)).hasMessageContaining("'roberta'");
        Path tokens = TinyBert.copy(tmp.resolve("tokcls"), t -> t, c -> {
            c.putArray("architectures").add("BertForTokenClassification");
            return c;
        });
        assertThatThrownBy(() -> ModelImporter.prepare(tokens, "tokcls", PLAIN))
                .hasMessageContaining("BertForTokenClassification").hasMessageContaining("supported");
    }

    @Test
    void aTorchScriptDirectoryIsValidatedWithItsLabelsFromLabelsJsonOrConfigJson() throws Exception {
        ModelImporter.Result r = ModelImporter.prepare(TinyBert.fixture("tiny-bert-torchscript"), "ts", PLAIN);
        assertThat(r.bundle().isTorchScript()).isTrue();
        assertThat(r.bundle().labels()).containsExactly(TinyBert.LABELS);
        assertThat(r.probe()).hasSize(3);
        assertThat(r.bundle().card().at("/registered/format").asString()).isEqualTo("torchscript");

        Path src = TinyBert.fixture("tiny-bert-torchscript");
        Path dir = Files.createDirectories(tmp.resolve("ts-config"));
        Files.copy(src.resolve("model.pt"), dir.resolve("model.pt"));
        assertThatThrownBy(() -> ModelImporter.prepare(dir, "ts", PLAIN)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("labels.json");
        Files.writeString(dir.resolve("config.json"), "{\"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}}");
        assertThatThrownBy(() -> ModelImporter.prepare(dir, "ts", PLAIN)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
        Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("thresholds.json"), "{\"b\": 0.3}");
        ModelBundle b = ModelImporter.prepare(dir, "ts", PLAIN).bundle();
        assertThat(b.labels()).containsExactly("a", "b", "c");
        assertThat(b.thresholdMap().get("b")).isEqualTo(0.3f);

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelImporter.prepare(empty, "empty", PLAIN)).hasMessageContaining("no config.json");
    }
}
