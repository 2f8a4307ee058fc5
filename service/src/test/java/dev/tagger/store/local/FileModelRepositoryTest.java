package dev.tagger.store.local;

import dev.tagger.catalog.DefaultModel;
import dev.tagger.catalog.ModelVersions;
import dev.tagger.model.BertConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.Pooling;
import dev.tagger.model.TinyBert;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model versions kept in files: the default model beside the stored ones, and the served-version pointer. */
class FileModelRepositoryTest {

    @TempDir
    Path tmp;

    /** A self-contained toy bundle: only the files matter here, not whether it runs. */
    private static ModelBundle toy(String id, String created) {
        List<String> labels = List.of("a", "b");
        ObjectNode card = JsonMapper.builder().build().createObjectNode().put("created", created);
        float[] thresholds = new float[labels.size()];
        Arrays.fill(thresholds, 0.5f);
        return new ModelBundle(id, "unwritten", new BertConfig(10, 4, 1, 1, 8, 16, 2, 1e-12f, 0.1f, 0.1f), labels,
                thresholds, Pooling.MEAN, true, 16, null, new WeightSet(ClassificationHead.initialWeights(4, 2, 7)),
                "{}".getBytes(StandardCharsets.UTF_8), card);
    }

    private ModelVersions open() {
        return new ModelVersions(new FileModelRepository(tmp.resolve("store")),
                new DefaultModel("default-model", ModelBundleIO.directory(tmp.resolve("default"))));
    }

    private ModelVersions withDefault() {
        ModelBundleIO.write(toy("default-model", "2020-01-01T00:00:00Z"), tmp.resolve("default"), BaseModels::builtin);
        return open();
    }

    @Test
    void listsTheDefaultModelFirstThenTrainedModelsNewestFirst() {
        ModelVersions store = withDefault();
        ModelBundle older = store.add(toy("m-older", "2025-01-01T00:00:00Z"));
        store.add(toy("m-newer", "2025-02-01T00:00:00Z"));

        assertThat(store.list()).extracting(ModelBundleIO.Summary::id)
                .containsExactly("default-model", "m-newer", "m-older");
        ModelBundleIO.Summary s = store.find("m-older").orElseThrow();
        assertThat(s.version()).isEqualTo(older.version()).hasSize(12);
        assertThat(s.labels()).containsExactly("a", "b");
        assertThat(s.layers()).isEqualTo(1);
        assertThat(store.load("m-older").version()).isEqualTo(older.version());
    }

    @Test
    void aTorchScriptBundleKeepsItsModuleAndReadsBackFromTheStore() throws Exception {
        ModelVersions store = withDefault();
        Path src = TinyBert.fixture("tiny-bert-torchscript");
        List<String> labels = List.of(TinyBert.LABELS);
        ModelBundle ts = new ModelBundle("ts", "unwritten", null, labels, new float[] {0.5f, 0.6f, 0.5f}, null, false,
                64, null, new WeightSet(java.util.Map.of()), Files.readAllBytes(src.resolve("tokenizer.json")),
                JsonMapper.builder().build().createObjectNode(), src);
        ModelBundle stored = store.add(ts);
        Path dir = tmp.resolve("store/models/ts");
        assertThat(stored.module()).isEqualTo(dir);
        assertThat(dir.resolve("model.pt")).hasSameBinaryContentAs(src.resolve("model.pt"));
        assertThat(dir.resolve("model.safetensors")).doesNotExist();

        ModelBundle back = store.load("ts");
        assertThat(back.isTorchScript()).isTrue();
        assertThat(back.module()).isEqualTo(dir);
        assertThat(back.version()).isEqualTo(stored.version());
        assertThat(back.labels()).isEqualTo(labels);
        assertThat(back.thresholdMap().get("anger")).isEqualTo(0.6f);
        assertThat(back.maxTokens()).isEqualTo(64);
        assertThat(store.find("ts").orElseThrow().torchScript()).isTrue();
        assertThat(store.find("default-model").orElseThrow().torchScript()).isFalse();
    }

    @Test
    void aHalfWrittenBundleIsNeverListedAndIsRemovedAtStart() throws Exception {
        withDefault();
        Path half = Files.createDirectories(tmp.resolve("store/models/.m-half.tmp-1234"));
        Files.writeString(half.resolve(ModelBundleIO.CONFIG), "{");
        Path leftover = tmp.resolve("store/.serving.json.tmp-99");
        Files.writeString(leftover, "{");

        ModelVersions store = open();

        assertThat(store.list()).extracting(ModelBundleIO.Summary::id).containsExactly("default-model");
        assertThat(half).doesNotExist();
        assertThat(leftover).doesNotExist();
        assertThat(store.find(".m-half.tmp-1234")).isEmpty();
        assertThat(store.find("../default")).isEmpty();
    }

    @Test
    void theDeployedModelIsServedAgainAfterARestart() {
        ModelVersions store = withDefault();
        ModelBundle m = store.add(toy("m-1", "2025-01-01T00:00:00Z"));
        assertThat(store.servingId()).isEqualTo("default-model");

        store.markServing(m.id(), m.version());

        ModelVersions restarted = open();
        assertThat(restarted.servingId()).isEqualTo("m-1");
        assertThat(restarted.loadServing().id()).isEqualTo("m-1");
        FileModelRepository files = new FileModelRepository(tmp.resolve("store"));
        assertThat(files.served().orElseThrow().version()).isEqualTo(m.version());
        assertThat(files.served().orElseThrow().deployedAt()).isNotNull();
    }

    @Test
    void aDeployedModelThatCannotBeReadFallsBackToTheDefault() throws Exception {
        ModelVersions store = withDefault();
        ModelBundle m = store.add(toy("m-1", "2025-01-01T00:00:00Z"));
        store.markServing(m.id(), m.version());
        Files.writeString(tmp.resolve("store/models/m-1/" + ModelBundleIO.WEIGHTS), "not safetensors");

        assertThat(open().loadServing().id()).isEqualTo("default-model");

        Files.writeString(tmp.resolve("store/serving.json"), "{ not json");
        assertThat(open().loadServing().id()).isEqualTo("default-model");
        assertThat(new FileModelRepository(tmp.resolve("store")).served()).isEmpty();
    }

    @Test
    void deletingRemovesAStoredModelButNeverTheDefault() {
        ModelVersions store = withDefault();
        store.add(toy("m-1", "2025-01-01T00:00:00Z"));

        assertThat(store.delete("m-1")).isTrue();
        assertThat(store.delete("m-1")).isFalse();
        assertThat(store.delete("default-model")).isFalse();
        assertThat(store.find("m-1")).isEmpty();
        assertThat(tmp.resolve("store/models/m-1")).doesNotExist();
        assertThatThrownBy(() -> store.load("m-1")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> store.add(toy("default-model", "x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
