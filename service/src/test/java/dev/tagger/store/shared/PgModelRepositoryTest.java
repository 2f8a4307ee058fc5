package dev.tagger.store.shared;

import dev.tagger.catalog.DefaultModel;
import dev.tagger.catalog.ModelRepository;
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

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model versions in a real PostgreSQL and S3: what the file store does (FileModelRepositoryTest), seen from two
 * replicas with caches of their own, and the served-version pointer they share.
 */
class PgModelRepositoryTest {

    @TempDir
    Path tmp;

    private HikariDataSource ds;
    private S3Blobs blobsA;
    private S3Blobs blobsB;

    @BeforeEach
    void open() {
        ds = SharedStores.database();
        String bucket = "t-models-" + System.nanoTime();
        blobsA = new S3Blobs(SharedStores.s3(bucket), tmp.resolve("cache-a"));
        blobsA.ensureBucket();
        blobsB = new S3Blobs(SharedStores.s3(bucket), tmp.resolve("cache-b"));
    }

    @AfterEach
    void close() {
        blobsA.close();
        blobsB.close();
        ds.close();
    }

    private static ModelBundle toy(String id, String created, float threshold) {
        List<String> labels = List.of("a", "b");
        ObjectNode card = JsonMapper.builder().build().createObjectNode().put("created", created);
        float[] thresholds = new float[labels.size()];
        Arrays.fill(thresholds, threshold);
        return new ModelBundle(id, "unwritten", new BertConfig(10, 4, 1, 1, 8, 16, 2, 1e-12f, 0.1f, 0.1f), labels,
                thresholds, Pooling.MEAN, true, 16, null, new WeightSet(ClassificationHead.initialWeights(4, 2, 7)),
                "{}".getBytes(StandardCharsets.UTF_8), card);
    }

    private ModelVersions versions(S3Blobs blobs) {
        Path def = tmp.resolve("default");
        if (!Files.exists(def)) {
            ModelBundleIO.write(toy("default-model", "2020-01-01T00:00:00Z", 0.5f), def, BaseModels::builtin);
        }
        return new ModelVersions(new PgModelRepository(ds, blobs),
                new DefaultModel("default-model", ModelBundleIO.directory(def)));
    }

    @Test
    void aModelAddedOnOneReplicaIsListedAndLoadedOnAnotherNewestFirst() {
        ModelVersions a = versions(blobsA);
        ModelVersions b = versions(blobsB);
        ModelBundle older = a.add(toy("m-older", "2025-01-01T00:00:00Z", 0.4f));
        a.add(toy("m-newer", "2025-02-01T00:00:00Z", 0.6f));

        assertThat(b.list()).extracting(ModelBundleIO.Summary::id).containsExactly("default-model", "m-newer",
                "m-older");
        ModelBundleIO.Summary s = b.find("m-older").orElseThrow();
        assertThat(s.version()).isEqualTo(older.version()).hasSize(12);
        assertThat(s.labels()).containsExactly("a", "b");
        ModelBundle loaded = b.load("m-older");
        assertThat(loaded.version()).isEqualTo(older.version());
        assertThat(loaded.thresholdMap().get("a")).isEqualTo(0.4f);
        assertThat(tmp.resolve("cache-b/bundles/m-older/" + older.version())).isDirectory();
        assertThat(b.sizeOnDisk("m-older")).isPositive();
        assertThatThrownBy(() -> a.add(toy("m-older", "2025-03-01T00:00:00Z", 0.3f)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTorchScriptBundleKeepsItsModuleAcrossReplicas() throws Exception {
        ModelVersions a = versions(blobsA);
        ModelVersions b = versions(blobsB);
        Path src = TinyBert.fixture("tiny-bert-torchscript");
        ModelBundle ts = new ModelBundle("ts", "unwritten", null, List.of(TinyBert.LABELS),
                new float[] {0.5f, 0.6f, 0.5f}, null, false, 64, null, new WeightSet(Map.of()),
                Files.readAllBytes(src.resolve("tokenizer.json")), JsonMapper.builder().build().createObjectNode(), src);
        ModelBundle stored = a.add(ts);

        ModelBundle back = b.load("ts");

        assertThat(back.isTorchScript()).isTrue();
        assertThat(back.version()).isEqualTo(stored.version());
        assertThat(back.module().resolve("model.pt")).hasSameBinaryContentAs(src.resolve("model.pt"));
        assertThat(back.module()).startsWith(tmp.resolve("cache-b"));
    }

    @Test
    void theServedPointerIsSharedAndDeletingRemovesTheModelEverywhere() {
        ModelVersions a = versions(blobsA);
        ModelVersions b = versions(blobsB);
        ModelBundle m = a.add(toy("m-1", "2025-01-01T00:00:00Z", 0.5f));
        assertThat(b.servingId()).isEqualTo("default-model");

        a.markServing(m.id(), m.version());

        assertThat(b.servingId()).isEqualTo("m-1");
        assertThat(b.loadServing().id()).isEqualTo("m-1");
        ModelRepository.ServedVersion served = new PgModelRepository(ds, blobsB).served().orElseThrow();
        assertThat(served.version()).isEqualTo(m.version());
        assertThat(served.deployedAt()).isBefore(Instant.now().plusSeconds(1));

        b.load("m-1");
        assertThat(a.delete("m-1")).isTrue();
        assertThat(a.delete("m-1")).isFalse();
        assertThat(b.delete("default-model")).isFalse();
        assertThat(b.find("m-1")).isEmpty();
        assertThatThrownBy(() -> b.load("m-1")).isInstanceOf(ModelNotFoundException.class);
        assertThat(b.find("../x")).isEmpty();
    }
}
