package dev.tagger.api;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetReport;
import dev.tagger.training.jobs.TrainMode;
import dev.tagger.catalog.ModelCatalog;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.Example;
import dev.tagger.model.BertConfig;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.TrainSpec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * POST /train-jobs's body, validated field by field (every refusal names the field, e.g.
 * {@code parameters.epochs}) and resolved against the stored datasets and models, with every default filled in:
 * <pre>
 * {
 *   "name": "optional description",
 *   "training_data":   {"dataset_id": "..."} | {"examples": [{"text": "...", "labels": ["..."]}, ...]},
 *   "validation_data": {"dataset_id": "..."} | {"split": 0.2}                      (default: split 0.2)
 *   "labels": ["...", ...]                                    (default: the labels found in the data)
 *   "base": "builtin:all-MiniLM-L6-v2" | "&lt;model id&gt;"          (default: the built-in MiniLM)
 *   "parameters": {"train": "head" | "top_layers:N" | "all", "epochs", "learning_rate", "head_learning_rate",
 *                  "batch_size", "max_tokens", "warmup_ratio", "weight_decay", "dropout", "clip_norm", "seed",
 *                  "min_positives"}
 *   "deploy": "never" | "if_better" | "always"                (default: never)
 * }
 * </pre>
 *
 * @param spec     the resolved job
 * @param examples the examples sent inline, validated, or null for a stored dataset
 */
public record TrainJobRequest(TrainSpec spec, List<Example> examples) {

    private static final Set<String> FIELDS = Set.of("name", "training_data", "validation_data", "labels", "base",
            "parameters", "deploy");
    private static final Set<String> PARAMETERS = Set.of("train", "epochs", "learning_rate", "head_learning_rate",
            "batch_size", "max_tokens", "warmup_ratio", "weight_decay", "dropout", "clip_norm", "seed",
            "min_positives");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double DEFAULT_SPLIT = 0.2;
    private static final int DEFAULT_MAX_TOKENS = 128;

    /** What the parser needs to know about the service. */
    public record Context(DatasetRepository datasets, ModelCatalog models, DatasetLimits limits, int maxInlineExamples) {
    }

    public static TrainJobRequest parse(JsonNode body, Context ctx) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "the request body must be a JSON object with at least 'training_data'");
        }
        onlyKnown(body, FIELDS, "");
        String name = null;
        if (present(body, "name")) {
            name = string(body.get("name"), "name");
            if (name.length() > 200) {
                throw ApiException.invalid("name", "'name' is longer than 200 characters", 200);
            }
        }

        String base = present(body, "base") ? string(body.get("base"), "base") : BaseModels.MINILM;
        int layers;
        int maxTokens;
        if (BaseModels.isBuiltin(base)) {
            layers = BertConfig.MINILM_L6.numLayers();
            maxTokens = DEFAULT_MAX_TOKENS;
        } else {
            Optional<ModelBundleIO.Summary> model = ctx.models().find(base);
            if (model.isEmpty()) {
                throw ApiException.invalid("base", "no model '" + base + "'; use " + BaseModels.MINILM
                        + " or the id of a model listed by GET /models");
            }
            if (model.get().torchScript()) {
                throw ApiException.invalid("base", "model '" + base + "' is a TorchScript module: it can be served but "
                        + "not trained from (its weights exist only inside model.pt); use " + BaseModels.MINILM
                        + " or a Tagger or Hugging Face model");
            }
            layers = model.get().layers() > 0 ? model.get().layers() : BertConfig.MINILM_L6.numLayers();
            maxTokens = model.get().maxTokens() > 0 ? model.get().maxTokens() : DEFAULT_MAX_TOKENS;
        }
        DeployPolicy deploy = DeployPolicy.NEVER;
        if (present(body, "deploy")) {
            try {
                deploy = DeployPolicy.parse(string(body.get("deploy"), "deploy"));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("deploy", e.getMessage());
            }
        }
        List<String> givenLabels = present(body, "labels") ? labels(body.get("labels"), ctx.limits()) : null;

        // Training data: a stored dataset, or examples validated exactly like an uploaded JSONL file.
        JsonNode td = body.get("training_data");
        if (td == null || !td.isObject()) {
            throw ApiException.invalid("training_data", "'training_data' must be {\"dataset_id\": \"...\"} or "
                    + "{\"examples\": [{\"text\": \"...\", \"labels\": [\"...\"]}, ...]}");
        }
        onlyKnown(td, Set.of("dataset_id", "examples"), "training_data.");
        if (present(td, "dataset_id") == present(td, "examples")) {
            throw ApiException.invalid("training_data", "give exactly one of 'dataset_id' and 'examples'");
        }
        List<Example> examples = null;
        TrainSpec.TrainingData trainingData;
        List<String> dataLabels;
        long trainingRows;
        if (present(td, "dataset_id")) {
            DatasetInfo info = dataset(ctx, td.get("dataset_id"), "training_data.dataset_id");
            trainingData = new TrainSpec.TrainingData(info.id(), null);
            dataLabels = info.labels();
            trainingRows = info.rows();
            checkLabelsCover(givenLabels, info, "training_data.dataset_id");
        } else {
            DatasetReport report = inline(td.get("examples"), givenLabels, ctx);
            examples = report.examples();
            trainingData = new TrainSpec.TrainingData(null, examples.size());
            dataLabels = report.labels();
            trainingRows = examples.size();
        }

        JsonNode vd = body.get("validation_data");
        TrainSpec.ValidationData validationData;
        Set<String> labels = new LinkedHashSet<>(dataLabels);
        if (vd == null || vd.isNull()) {
            validationData = new TrainSpec.ValidationData(null, DEFAULT_SPLIT);
        } else {
            if (!vd.isObject()) {
                throw ApiException.invalid("validation_data",
                        "'validation_data' must be {\"dataset_id\": \"...\"} or {\"split\": 0.2}");
            }
            onlyKnown(vd, Set.of("dataset_id", "split"), "validation_data.");
            if (present(vd, "dataset_id") == present(vd, "split")) {
                throw ApiException.invalid("validation_data", "give exactly one of 'dataset_id' and 'split'");
            }
            if (present(vd, "dataset_id")) {
                DatasetInfo info = dataset(ctx, vd.get("dataset_id"), "validation_data.dataset_id");
                checkLabelsCover(givenLabels, info, "validation_data.dataset_id");
                labels.addAll(info.labels());
                validationData = new TrainSpec.ValidationData(info.id(), null);
            } else {
                double split = check(vd.get("split"), "validation_data.split", 0, false, 1, false);
                validationData = new TrainSpec.ValidationData(null, split);
            }
        }
        if (validationData.split() != null && trainingRows < 2) {
            throw ApiException.invalid("training_data", "a validation split needs at least 2 training examples; "
                    + "give more, or a validation dataset", 2);
        }
        long trainExamples = validationData.split() != null
                ? Math.round(trainingRows * (1 - validationData.split())) : trainingRows;
        TrainSpec.Parameters parameters = parameters(body.get("parameters"), layers, maxTokens, trainExamples);
        List<String> finalLabels = givenLabels != null ? givenLabels : List.copyOf(labels);
        if (finalLabels.isEmpty()) {
            throw ApiException.invalid("labels", "the data has no labels: label some examples or give 'labels'");
        }
        return new TrainJobRequest(new TrainSpec(name, trainingData, validationData, finalLabels, base, parameters,
                deploy), examples);
    }

    private static TrainSpec.Parameters parameters(JsonNode p, int layers, int baseMaxTokens, long trainExamples) {
        if (p != null && !p.isNull() && !p.isObject()) {
            throw ApiException.invalid("parameters", "'parameters' must be an object");
        }
        JsonNode params = p == null || p.isNull() ? JSON.createObjectNode() : p;
        onlyKnown(params, PARAMETERS, "parameters.");
        TrainMode mode = TrainMode.HEAD;
        if (present(params, "train")) {
            try {
                mode = TrainMode.parse(string(params.get("train"), "parameters.train"), layers);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("parameters.train", e.getMessage());
            }
        }
        TrainSpec.Parameters d = TrainSpec.Parameters.defaults(mode, baseMaxTokens, trainExamples);
        return new TrainSpec.Parameters(mode.toString(),
                (int) integer(params, "epochs", d.epochs(), 1, 1000),
                (float) decimal(params, "learning_rate", d.learningRate(), 0, false, 1, true),
                (float) decimal(params, "head_learning_rate", d.headLearningRate(), 0, false, 1, true),
                (int) integer(params, "batch_size", d.batchSize(), 1, 4096),
                (int) integer(params, "max_tokens", d.maxTokens(), 8, BertConfig.MINILM_L6.maxPositions()),
                (float) decimal(params, "warmup_ratio", d.warmupRatio(), 0, true, 1, false),
                (float) decimal(params, "weight_decay", d.weightDecay(), 0, true, 1, true),
                (float) decimal(params, "dropout", d.dropout(), 0, true, 1, false),
                (float) decimal(params, "clip_norm", d.clipNorm(), 0, true, 1000, true),
                integer(params, "seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE),
                (int) integer(params, "min_positives", d.minPositives(), 1, 1_000_000));
    }

    private static List<String> labels(JsonNode n, DatasetLimits limits) {
        if (!n.isArray() || n.isEmpty()) {
            throw ApiException.invalid("labels", "'labels' must be a non-empty array of label names");
        }
        if (n.size() > limits.maxLabels()) {
            throw ApiException.invalid("labels", "'labels' has " + n.size() + " names; at most " + limits.maxLabels()
                    + " are allowed", limits.maxLabels());
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String l = string(n.get(i), "labels[" + i + "]").strip();
            if (l.isEmpty() || l.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.invalid("labels[" + i + "]", "a label name must be non-blank text without control characters");
            }
            if (!out.add(l)) {
                throw ApiException.invalid("labels[" + i + "]", "label '" + l + "' is listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static DatasetInfo dataset(Context ctx, JsonNode idNode, String field) {
        String id = string(idNode, field);
        try {
            return ctx.datasets().find(DatasetRepository.checkId(id)).orElseThrow(() -> ApiException.invalid(field,
                    "no dataset with id '" + id + "'; upload one with POST /datasets"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "no dataset with id '" + id + "'; " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkLabelsCover(List<String> given, DatasetInfo info, String field) {
        if (given == null) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        info.stats().labelCounts().forEach((l, n) -> {
            if (n > 0 && !given.contains(l)) {
                missing.add(l);
            }
        });
        if (!missing.isEmpty()) {
            throw ApiException.invalid(field, "dataset " + info.id() + " uses labels that are not in 'labels': "
                    + missing);
        }
    }

    /** Validates inline examples with the dataset parser (same rules as an upload); errors name the example. */
    private static DatasetReport inline(JsonNode examples, List<String> labels, Context ctx) {
        if (examples == null || !examples.isArray() || examples.isEmpty()) {
            throw ApiException.invalid("training_data.examples", "'examples' must be a non-empty array of "
                    + "{\"text\": \"...\", \"labels\": [\"...\"]}");
        }
        if (examples.size() > ctx.maxInlineExamples()) {
            throw ApiException.invalid("training_data.examples", "'examples' holds " + examples.size()
                    + " examples; at most " + ctx.maxInlineExamples() + " can be sent with a job: upload a dataset"
                    + " (POST /datasets) for more", ctx.maxInlineExamples());
        }
        ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
        for (JsonNode e : examples) {
            jsonl.writeBytes(JSON.writeValueAsBytes(e));
            jsonl.write('\n');
        }
        DatasetReport report;
        try {
            report = new DatasetParser(DatasetFormat.JSONL, labels, ctx.limits())
                    .parse(new ByteArrayInputStream(jsonl.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!report.ok()) {
            List<Map<String, Object>> errors = new ArrayList<>();
            for (DatasetProblem p : report.problems()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("field", exampleField(p));
                e.put("message", p.message());
                errors.add(e);
            }
            DatasetProblem first = report.problems().get(0);
            throw ApiException.invalid(exampleField(first), "the examples have " + report.problemCount()
                    + " problem(s); first: " + first.message())
                    .with("errors", errors).with("error_count", report.problemCount());
        }
        return report;
    }

    private static String exampleField(DatasetProblem p) {
        String at = p.line() > 0 ? "training_data.examples[" + (p.line() - 1) + "]" : "training_data.examples";
        return p.field() != null ? at + "." + p.field() : at;
    }

    // ---- small JSON validators that name the field ----

    private static boolean present(JsonNode n, String field) {
        return n.has(field) && !n.get(field).isNull();
    }

    private static void onlyKnown(JsonNode n, Set<String> known, String prefix) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!known.contains(e.getKey())) {
                throw ApiException.invalid(prefix + e.getKey(), "unknown field '" + prefix + e.getKey()
                        + "'; accepted: " + new TreeSet<>(known));
            }
        }
    }

    private static String string(JsonNode n, String field) {
        if (n == null || !n.isString() || n.asString().isBlank()) {
            throw ApiException.invalid(field, "'" + field + "' must be a non-blank string");
        }
        return n.asString();
    }

    private static long integer(JsonNode params, String name, long fallback, long min, long max) {
        JsonNode n = params.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String field = "parameters." + name;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer from " + min + " to " + max,
                    "[" + min + ", " + max + "]");
        }
        return n.asLong();
    }

    /** A parameter from {@code min} to {@code max}, each end included or not. */
    private static double decimal(JsonNode params, String name, double fallback, double min, boolean minIncluded,
                                  double max, boolean maxIncluded) {
        JsonNode n = params.get(name);
        return n == null || n.isNull() ? fallback : check(n, "parameters." + name, min, minIncluded, max, maxIncluded);
    }

    private static double check(JsonNode n, String field, double min, boolean minInclusive, double max,
                                boolean maxInclusive) {
        String range = (minInclusive ? "[" : "(") + min + ", " + max + (maxInclusive ? "]" : ")");
        if (n == null || !n.isNumber()) {
            throw ApiException.invalid(field, "'" + field + "' must be a number in " + range, range);
        }
        double v = n.asDouble();
        boolean ok = (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        if (!ok || Double.isNaN(v)) {
            throw ApiException.invalid(field, "'" + field + "' must be a number in " + range + ", got " + v, range);
        }
        return v;
    }
}
