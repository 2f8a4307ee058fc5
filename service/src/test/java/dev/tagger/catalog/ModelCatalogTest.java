package dev.tagger.catalog;

import dev.tagger.io.Json;
import dev.tagger.model.BertConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog's deploy and delete rules, over a repository in memory and a server that only remembers. */
class ModelCatalogTest {

    @TempDir
    Path tmp;

    private final Map<String, ModelBundle> stored = new HashMap<>();
    private final List<ModelRepository.ServedVersion> pointer = new ArrayList<>();
    private String servedNow;
    private Set<String> usedByJobs = Set.of();
    private ModelCatalog catalog;

    private static ModelBundle toy(String id) {
        return new ModelBundle(id, "v-" + id, new BertConfig(10, 4, 1, 1, 8, 16, 2, 1e-12f, 0.1f, 0.1f),
                List.of("a", "b"), new float[] {0.5f, 0.5f}, Pooling.MEAN, true, 16, null,
                new WeightSet(ClassificationHead.initialWeights(4, 2, 7)), "{}".getBytes(StandardCharsets.UTF_8),
                Json.MAPPER.createObjectNode());
    }

    /** Bundles in a map: the rules must not depend on how they are stored. */
    private final class MemoryRepository implements ModelRepository {
        @Override
        public List<ModelBundleIO.Summary> list() {
            return stored.keySet().stream().map(this::summary).toList();
        }

        @Override
        public Optional<ModelBundleIO.Summary> find(String id) {
            return stored.containsKey(id) ? Optional.of(summary(id)) : Optional.empty();
        }

        private ModelBundleIO.Summary summary(String id) {
            ModelBundle b = stored.get(id);
            return new ModelBundleIO.Summary(id, b.version(), null, b.labels(), b.thresholds(), 1, 16,
                    Json.MAPPER.createObjectNode(), false);
        }

        @Override
        public ModelBundle load(String id) {
            ModelBundle b = stored.get(id);
            if (b == null) {
                throw new ModelNotFoundException(id);
            }
            return b;
        }

        @Override
        public ModelBundle add(ModelBundle bundle) {
            stored.put(bundle.id(), bundle);
            return bundle;
        }

        @Override
        public long sizeInBytes(String id) {
            return 1;
        }

        @Override
        public boolean delete(String id) {
            return stored.remove(id) != null;
        }

        @Override
        public Optional<ServedVersion> served() {
            return pointer.isEmpty() ? Optional.empty() : Optional.of(pointer.get(pointer.size() - 1));
        }

        @Override
        public void markServed(ServedVersion served) {
            pointer.add(served);
        }
    }

    @BeforeEach
    void setUp() {
        ModelBundleIO.write(toy("default-model"), tmp.resolve("default"), BaseModels::builtin);
        ModelVersions versions = new ModelVersions(new MemoryRepository(),
                new DefaultModel("default-model", ModelBundleIO.directory(tmp.resolve("default"))));
        ModelServer server = new ModelServer() {
            @Override
            public ModelBundle serve(ModelBundle bundle) {
                servedNow = bundle.id();
                return bundle;
            }

            @Override
            public String servedId() {
                return servedNow;
            }
        };
        ModelUsers jobs = id -> usedByJobs.contains(id)
                ? Optional.of("model '" + id + "' is the base of a queued or running training job") : Optional.empty();
        catalog = new ModelCatalog(versions, server, List.of(jobs));
    }

    @Test
    void deployServesTheModelAndMovesThePointer() {
        catalog.add(toy("m-1"));
        assertThat(catalog.servingId()).as("nothing deployed: the default").isEqualTo("default-model");

        catalog.deploy("m-1");

        assertThat(servedNow).isEqualTo("m-1");
        assertThat(pointer).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("m-1");
            assertThat(p.version()).isEqualTo("v-m-1");
            assertThat(p.deployedAt()).isNotNull();
        });
        assertThat(catalog.servingId()).isEqualTo("m-1");
        assertThatThrownBy(() -> catalog.deploy("nope")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void theServedTheDefaultAndAJobsBaseAreNeverDeleted() {
        catalog.add(toy("m-1"));
        catalog.add(toy("m-2"));
        catalog.deploy("m-1");
        usedByJobs = Set.of("m-2");

        assertThatThrownBy(() -> catalog.delete("m-1")).isInstanceOf(ModelInUseException.class)
                .hasMessageContaining("being served");
        assertThatThrownBy(() -> catalog.delete("default-model")).isInstanceOf(ModelInUseException.class)
                .hasMessageContaining("default model");
        assertThatThrownBy(() -> catalog.delete("m-2")).isInstanceOf(ModelInUseException.class)
                .hasMessage("model 'm-2' is the base of a queued or running training job");
        assertThatThrownBy(() -> catalog.delete("nope")).isInstanceOf(ModelNotFoundException.class);
        assertThat(stored).containsKeys("m-1", "m-2");

        usedByJobs = Set.of();
        catalog.delete("m-2");
        assertThat(stored).doesNotContainKey("m-2");
        assertThat(catalog.find("m-2")).isEmpty();
    }

    @Test
    void idsThatCouldNameAPathAreNotIds() {
        assertThat(ModelCatalog.validId("model-abc_1.2")).isTrue();
        assertThat(ModelCatalog.validId(".hidden")).isFalse();
        assertThat(ModelCatalog.validId("../x")).isFalse();
        assertThat(ModelCatalog.validId("a".repeat(65))).isFalse();
        assertThat(catalog.find("../default")).isEmpty();
    }
}
