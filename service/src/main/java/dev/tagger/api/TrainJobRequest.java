package dev.tagger.api;

import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.Example;
import dev.tagger.model.BertConfig;
import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.TrainPlanner;
import dev.tagger.training.jobs.TrainRequest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * POST /train-jobs's body, validated field by field: every refusal names the field (e.g. {@code parameters.epochs}).
 * What needs the stored models and datasets, and the defaults, are the planner's (training/jobs/TrainPlanner); the
 * base and the datasets are checked with it as soon as they are read, so that a body with several faults is refused
 * for the first one in this order: name, base, deploy, labels, training_data, validation_data, parameters.
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
 */
final class TrainJobRequest {

    private static final Set<String> FIELDS = Set.of("name", "training_data", "validation_data", "labels", "base",
            "parameters", "deploy");
    private static final Set<String> PARAMETERS = Set.of("train", "epochs", "learning_rate", "head_learning_rate",
            "batch_size", "max_tokens", "warmup_ratio", "weight_decay", "dropout", "clip_norm", "seed",
            "min_positives");

    private TrainJobRequest() {
    }

    /** The body's JSON shape, for the OpenAPI description only: {@link #parse} reads the JSON itself. */
    @Schema(name = "TrainJobRequest", description = "A training job. Only training_data is required; unknown fields "
            + "are refused (422).")
    record Body(@Schema(description = "A description for people", maxLength = 200) String name,
                @JsonProperty("training_data") @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
                TrainingData trainingData,
                @JsonProperty("validation_data") @Schema(description = "Default: a 0.2 split") ValidationData
                        validationData,
                @Schema(description = "The model's labels, in order; default: the labels found in the data")
                List<String> labels,
                @Schema(description = "builtin:all-MiniLM-L6-v2 (default) or the id of a stored model") String base,
                Parameters parameters,
                @Schema(allowableValues = {"never", "if_better", "always"}, defaultValue = "never") String deploy) {
    }

    @Schema(name = "TrainJobTrainingData", description = "Give exactly one of dataset_id and examples")
    record TrainingData(@JsonProperty("dataset_id") String datasetId,
                        @Schema(description = "At most tagger.training.max-inline-examples; checked as the rows of "
                                + "an uploaded JSONL dataset") List<ExampleBody> examples) {
    }

    @Schema(name = "TrainJobExample")
    record ExampleBody(String text, List<String> labels) {
    }

    @Schema(name = "TrainJobValidationData", description = "Give exactly one of dataset_id and split")
    record ValidationData(@JsonProperty("dataset_id") String datasetId,
                          @Schema(exclusiveMinimum = true, minimum = "0", exclusiveMaximum = true, maximum = "1")
                          Double split) {
    }

    @Schema(name = "TrainJobParameters", description = "Every parameter not given gets a default for the training "
            + "mode and the data size")
    record Parameters(@Schema(description = "head (default), top_layers:N or all") String train,
                      @Schema(minimum = "1", maximum = "1000") Integer epochs,
                      @JsonProperty("learning_rate") Float learningRate,
                      @JsonProperty("head_learning_rate") Float headLearningRate,
                      @JsonProperty("batch_size") @Schema(minimum = "1", maximum = "4096") Integer batchSize,
                      @JsonProperty("max_tokens") @Schema(minimum = "8", maximum = "512") Integer maxTokens,
                      @JsonProperty("warmup_ratio") Float warmupRatio,
                      @JsonProperty("weight_decay") Float weightDecay,
                      Float dropout,
                      @JsonProperty("clip_norm") Float clipNorm,
                      Long seed,
                      @JsonProperty("min_positives") @Schema(minimum = "1") Integer minPositives) {
    }

    static TrainRequest parse(JsonNode body, DatasetLimits limits, int maxInlineExamples, TrainPlanner planner) {
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
        String base = present(body, "base") ? string(body.get("base"), "base") : null;
        if (base != null) {
            planner.checkBase(base);
        }
        DeployPolicy deploy = null;
        if (present(body, "deploy")) {
            try {
                deploy = DeployPolicy.parse(string(body.get("deploy"), "deploy"));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("deploy", e.getMessage());
            }
        }
        List<String> labels = present(body, "labels") ? labels(body.get("labels"), limits) : null;

        JsonNode td = body.get("training_data");
        if (td == null || !td.isObject()) {
            throw ApiException.invalid("training_data", "'training_data' must be {\"dataset_id\": \"...\"} or "
                    + "{\"examples\": [{\"text\": \"...\", \"labels\": [\"...\"]}, ...]}");
        }
        onlyKnown(td, Set.of("dataset_id", "examples"), "training_data.");
        if (present(td, "dataset_id") == present(td, "examples")) {
            throw ApiException.invalid("training_data", "give exactly one of 'dataset_id' and 'examples'");
        }
        String trainingDataset = null;
        List<Example> examples = null;
        if (present(td, "dataset_id")) {
            trainingDataset = string(td.get("dataset_id"), "training_data.dataset_id");
            planner.checkDataset(trainingDataset, labels, "training_data.dataset_id");
        } else {
            examples = InlineExamples.validate(td.get("examples"), labels, limits, maxInlineExamples);
        }

        JsonNode vd = body.get("validation_data");
        TrainRequest.Validation validation = null;
        if (vd != null && !vd.isNull()) {
            if (!vd.isObject()) {
                throw ApiException.invalid("validation_data",
                        "'validation_data' must be {\"dataset_id\": \"...\"} or {\"split\": 0.2}");
            }
            onlyKnown(vd, Set.of("dataset_id", "split"), "validation_data.");
            if (present(vd, "dataset_id") == present(vd, "split")) {
                throw ApiException.invalid("validation_data", "give exactly one of 'dataset_id' and 'split'");
            }
            if (present(vd, "dataset_id")) {
                String id = string(vd.get("dataset_id"), "validation_data.dataset_id");
                planner.checkDataset(id, labels, "validation_data.dataset_id");
                validation = new TrainRequest.Validation(id, null);
            } else {
                validation = new TrainRequest.Validation(null, check(vd.get("split"), "validation_data.split", 0,
                        false, 1, false));
            }
        }
        return new TrainRequest(name, base, deploy, labels, trainingDataset, examples, validation,
                parameters(body.get("parameters")));
    }

    private static TrainRequest.Parameters parameters(JsonNode p) {
        if (p == null || p.isNull()) {
            return TrainRequest.Parameters.NONE;
        }
        if (!p.isObject()) {
            throw ApiException.invalid("parameters", "'parameters' must be an object");
        }
        onlyKnown(p, PARAMETERS, "parameters.");
        return new TrainRequest.Parameters(
                present(p, "train") ? string(p.get("train"), "parameters.train") : null,
                toInt(integer(p, "epochs", 1, 1000)),
                decimal(p, "learning_rate", 0, false, 1, true),
                decimal(p, "head_learning_rate", 0, false, 1, true),
                toInt(integer(p, "batch_size", 1, 4096)),
                toInt(integer(p, "max_tokens", 8, BertConfig.MINILM_L6.maxPositions())),
                decimal(p, "warmup_ratio", 0, true, 1, false),
                decimal(p, "weight_decay", 0, true, 1, true),
                decimal(p, "dropout", 0, true, 1, false),
                decimal(p, "clip_norm", 0, true, 1000, true),
                integer(p, "seed", Long.MIN_VALUE, Long.MAX_VALUE),
                toInt(integer(p, "min_positives", 1, 1_000_000)));
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

    private static Integer toInt(Long v) {
        return v == null ? null : v.intValue();
    }

    /** A parameter that is an integer from {@code min} to {@code max}, or null when not given. */
    private static Long integer(JsonNode params, String name, long min, long max) {
        JsonNode n = params.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        String field = "parameters." + name;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer from " + min + " to " + max,
                    "[" + min + ", " + max + "]");
        }
        return n.asLong();
    }

    /** A parameter from {@code min} to {@code max}, each end included or not; null when not given. */
    private static Float decimal(JsonNode params, String name, double min, boolean minIncluded, double max,
                                 boolean maxIncluded) {
        JsonNode n = params.get(name);
        return n == null || n.isNull() ? null
                : (float) check(n, "parameters." + name, min, minIncluded, max, maxIncluded);
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
