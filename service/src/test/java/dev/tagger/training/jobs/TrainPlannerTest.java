package dev.tagger.training.jobs;

import dev.tagger.catalog.DefaultModel;
import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelServer;
import dev.tagger.catalog.ModelVersions;
import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.store.local.FileDatasetRepository;
import dev.tagger.datasets.DatasetUploads;
import dev.tagger.datasets.Example;
import dev.tagger.model.BertConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.TinyBert;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.store.local.FileModelRepository;
import dev.tagger.io.Json;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planner: every default filled in from the base and the data, every reference checked, nothing stored. */
class TrainPlannerTest {

    @TempDir
    Path tmp;

    private DatasetRepository datasets;
    private ModelCatalog models;
    private TrainPlanner planner;

    @BeforeEach
    void setUp() throws Exception {
        datasets = new FileDatasetRepository(tmp.resolve("store"));
        ModelBundleIO.write(toy("default-model", 2, 128), tmp.resolve("default"), BaseModels::builtin);
        ModelVersions versions = new ModelVersions(new FileModelRepository(tmp.resolve("store")),
                new DefaultModel("default-model", ModelBundleIO.directory(tmp.resolve("default"))));
        ModelServer server = new ModelServer() {
            @Override
            public ModelBundle serve(ModelBundle bundle) {
                return bundle;
            }

            @Override
            public String servedId() {
                return null;
            }
        };
        models = new ModelCatalog(versions, server, List.of());
        planner = new TrainPlanner(datasets, models);
    }

    /** A stored-model stand-in: only its summary (layers, token limit, labels) matters to the planner. */
    private static ModelBundle toy(String id, int layers, int maxTokens) {
        return new ModelBundle(id, "unwritten", new BertConfig(10, 4, layers, 1, 8, 16, 2, 1e-12f, 0.1f, 0.1f),
                List.of("a", "b"), new float[] {0.5f, 0.5f}, Pooling.MEAN, true, maxTokens, null,
                new WeightSet(ClassificationHead.initialWeights(4, 2, 7)), "{}".getBytes(StandardCharsets.UTF_8),
                Json.MAPPER.createObjectNode());
    }

    private static List<Example> examples(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i % 2 == 0 ? Example.of("thanks " + i, "thanks") : Example.of("broken " + i, "complaint"));
        }
        return out;
    }

    private static TrainRequest inline(List<Example> examples) {
        return new TrainRequest(null, null, null, null, null, examples, null, null);
    }

    private String upload(String jsonl) throws Exception {
        return new DatasetUploads(datasets).save("d", DatasetFormat.JSONL, new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8)),
                null, DatasetLimits.DEFAULTS).dataset().id();
    }

    private void refused(TrainRequest r, String field, String message) {
        assertThatThrownBy(() -> planner.plan(r)).isInstanceOfSatisfying(InvalidJobException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void aRequestWithOnlyExamplesGetsEveryDefault() {
        TrainPlanner.Plan plan = planner.plan(inline(examples(50)));

        TrainSpec s = plan.spec();
        assertThat(s.base()).isEqualTo(BaseModels.MINILM);
        assertThat(s.deploy()).isEqualTo(DeployPolicy.NEVER);
        assertThat(s.labels()).as("the labels seen, sorted").containsExactly("complaint", "thanks");
        assertThat(s.trainingData()).isEqualTo(new TrainSpec.TrainingData(null, 50));
        assertThat(s.validationData()).isEqualTo(new TrainSpec.ValidationData(null, 0.2));
        // 40 of the 50 examples train: a head, 40 epochs on small data, batches for ~25 steps an epoch (at least 8)
        assertThat(s.parameters()).isEqualTo(TrainSpec.Parameters.defaults(TrainMode.HEAD, 128, 40));
        assertThat(s.parameters().batchSize()).isEqualTo(8);
        assertThat(s.parameters().epochs()).isEqualTo(40);
        assertThat(plan.examples()).isEqualTo(examples(50));
    }

    @Test
    void givenValuesWinAndTheModeIsTyped() {
        TrainRequest.Parameters given = new TrainRequest.Parameters("top_layers:2", 2, null, 0.002f, null, 64, null,
                null, null, null, 7L, null);
        TrainRequest r = new TrainRequest("mine", null, DeployPolicy.ALWAYS, List.of("thanks", "complaint", "other"),
                null, examples(10), new TrainRequest.Validation(null, 0.5), given);

        TrainSpec s = planner.plan(r).spec();

        assertThat(s.name()).isEqualTo("mine");
        assertThat(s.deploy()).isEqualTo(DeployPolicy.ALWAYS);
        assertThat(s.labels()).containsExactly("thanks", "complaint", "other");
        TrainSpec.Parameters p = s.parameters();
        assertThat(p.train()).isEqualTo(new TrainMode(2));
        assertThat(p.epochs()).isEqualTo(2);
        assertThat(p.headLearningRate()).isEqualTo(0.002f);
        assertThat(p.maxTokens()).isEqualTo(64);
        assertThat(p.seed()).isEqualTo(7L);
        TrainSpec.Parameters d = TrainSpec.Parameters.defaults(new TrainMode(2), 128, 5);
        assertThat(p.learningRate()).isEqualTo(d.learningRate());
        assertThat(p.batchSize()).isEqualTo(d.batchSize());
        assertThat(p.dropout()).isEqualTo(d.dropout());
    }

    @Test
    void datasetsGiveTheRowCountAndTheirLabels() throws Exception {
        String train = upload("{\"text\": \"a\", \"labels\": [\"x\"]}\n{\"text\": \"b\", \"labels\": []}\n"
                + "{\"text\": \"c\", \"labels\": [\"x\"]}\n");
        String validation = upload("{\"text\": \"d\", \"labels\": [\"y\"]}\n");

        TrainSpec s = planner.plan(new TrainRequest(null, null, null, null, train, null,
                new TrainRequest.Validation(validation, null), null)).spec();

        assertThat(s.trainingData()).isEqualTo(new TrainSpec.TrainingData(train, null));
        assertThat(s.validationData()).isEqualTo(new TrainSpec.ValidationData(validation, null));
        assertThat(s.labels()).containsExactly("x", "y");
        assertThat(s.parameters()).isEqualTo(TrainSpec.Parameters.defaults(TrainMode.HEAD, 128, 3));
    }

    @Test
    void aStoredBaseGivesItsLayersAndTokenLimit() {
        models.add(toy("small", 1, 16));

        TrainSpec s = planner.plan(new TrainRequest(null, "small", null, null, null, examples(10), null,
                new TrainRequest.Parameters("all", null, null, null, null, null, null, null, null, null, null,
                        null))).spec();

        assertThat(s.base()).isEqualTo("small");
        assertThat(s.parameters().maxTokens()).isEqualTo(16);
        assertThat(s.parameters().train()).isEqualTo(TrainMode.ALL);
        refused(new TrainRequest(null, "small", null, null, null, examples(10), null,
                new TrainRequest.Parameters("top_layers:2", null, null, null, null, null, null, null, null, null,
                        null, null)), "parameters.train", "from 1 to 1");
    }

    @Test
    void badReferencesAreRefusedNamingTheField() throws Exception {
        refused(new TrainRequest(null, "no-such-model", null, null, null, examples(4), null, null), "base",
                "no stored model 'no-such-model'");
        refused(new TrainRequest(null, null, null, null, "nope", null, null, null), "training_data.dataset_id",
                "no stored dataset with id 'nope'");
        refused(new TrainRequest(null, null, null, null, "../etc", null, null, null), "training_data.dataset_id",
                "invalid dataset id");
        refused(new TrainRequest(null, null, null, null, null, examples(4), new TrainRequest.Validation("nope", null),
                null), "validation_data.dataset_id", "no stored dataset");
        refused(new TrainRequest(null, null, null, null, null, examples(4), null,
                new TrainRequest.Parameters("top_layers:7", null, null, null, null, null, null, null, null, null,
                        null, null)), "parameters.train", "from 1 to 6");
        refused(new TrainRequest(null, null, null, null, null, examples(4), null,
                new TrainRequest.Parameters("encoder", null, null, null, null, null, null, null, null, null,
                        null, null)), "parameters.train", "head, top_layers:N or all");

        String dataset = upload("{\"text\": \"a\", \"labels\": [\"x\"]}\n{\"text\": \"b\", \"labels\": [\"z\"]}\n");
        refused(new TrainRequest(null, null, null, List.of("x"), dataset, null, null, null),
                "training_data.dataset_id", "[z]");

        // The same checks, one field at a time, for a parser that reports faults in the order it reads them.
        assertThatThrownBy(() -> planner.checkBase("no-such-model")).isInstanceOfSatisfying(
                InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("base"));
        assertThatThrownBy(() -> planner.checkDataset(dataset, List.of("x"), "validation_data.dataset_id"))
                .isInstanceOfSatisfying(InvalidJobException.class,
                        e -> assertThat(e.field()).isEqualTo("validation_data.dataset_id"));
        planner.checkBase(BaseModels.MINILM);
        planner.checkDataset(dataset, null, "training_data.dataset_id");
    }

    @Test
    void aTorchScriptModelCannotBeABase() throws Exception {
        Path src = TinyBert.fixture("tiny-bert-torchscript");
        models.add(new ModelBundle("ts", "unwritten", null, List.of(TinyBert.LABELS), new float[] {0.5f, 0.5f, 0.5f},
                null, false, 64, null, new WeightSet(Map.of()), Files.readAllBytes(src.resolve("tokenizer.json")),
                Json.MAPPER.createObjectNode(), src));

        refused(new TrainRequest(null, "ts", null, null, null, examples(4), null, null), "base", "TorchScript");
    }

    @Test
    void dataThatCannotMakeAJobIsRefused() {
        refused(inline(examples(1)), "training_data", "at least 2 training examples");
        refused(inline(List.of(Example.of("a"), Example.of("b"))), "labels", "the data has no labels");
    }
}
