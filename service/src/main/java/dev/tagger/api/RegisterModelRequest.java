package dev.tagger.api;

import dev.tagger.io.Json;
import dev.tagger.model.format.ModelImporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * POST /models with a JSON body: a checkpoint directory on the server and the import options, read field by field
 * so that every refusal names its field. Uploads carry the same options in the query string
 * ({@link #parseThresholds} reads their {@code thresholds}).
 */
public record RegisterModelRequest(String id, Path dir, ModelImporter.Options options) {

    /**
     * The body's JSON shape, for the OpenAPI description only: {@link #parse} reads the JSON itself so that each
     * refusal names its field.
     */
    @Schema(name = "RegisterModelRequest", description = "A Hugging Face checkpoint (or TorchScript model) in a "
            + "directory on the server", example = "{\"id\": \"my-bert\", \"path\": \"/models/my-bert\", "
            + "\"threshold\": 0.4, \"thresholds\": {\"anger\": 0.6}}")
    public record Body(
            @Schema(description = "The new model's id: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with . _ or -",
                    requiredMode = Schema.RequiredMode.REQUIRED) String id,
            @Schema(description = "The checkpoint directory on the server, inside tagger.models.import-root "
                    + "(relative to it, or absolute): config.json, model.safetensors, tokenizer.json; or model.pt for "
                    + "TorchScript, with tagger.models.allow-torchscript", requiredMode = Schema.RequiredMode.REQUIRED)
            String path,
            @JsonProperty("problem_type_override") @Schema(description = "multi_label_classification, to import a "
                    + "checkpoint whose config says otherwise") String problemTypeOverride,
            @Schema(description = "One threshold for every label (default 0.5)", minimum = "0", maximum = "1")
            Float threshold,
            @Schema(description = "Thresholds per label, over 'threshold'") Map<String, Float> thresholds) {
    }

    /** Reads the body; {@code folder} turns the "path" field into the checkpoint folder, or refuses it. */
    static RegisterModelRequest parse(JsonNode body, Function<String, Path> folder) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "the body must be a JSON object with \"id\" and \"path\"");
        }
        String id = text(body, "id");
        String path = text(body, "path");
        if (path == null || path.isBlank()) {
            throw ApiException.invalid("path", "\"path\" (a checkpoint directory on the server) is required; "
                    + "to upload the files, POST a zip or tar.gz instead");
        }
        Path dir = folder.apply(path);
        Map<String, Float> thresholds = new LinkedHashMap<>();
        JsonNode th = body.path("thresholds");
        if (!th.isMissingNode() && !th.isNull()) {
            if (!th.isObject()) {
                throw ApiException.invalid("thresholds", "\"thresholds\" must be an object {label: threshold}");
            }
            for (Map.Entry<String, JsonNode> e : th.properties()) {
                thresholds.put(e.getKey(), number(e.getValue(), "thresholds." + e.getKey()));
            }
        }
        JsonNode global = body.path("threshold");
        Float threshold = global.isMissingNode() || global.isNull() ? null : number(global, "threshold");
        return new RegisterModelRequest(id, dir, new ModelImporter.Options(text(body, "problem_type_override"),
                threshold, thresholds, dir.toString()));
    }

    /** The {@code thresholds} query parameter of an upload: a JSON object {label: threshold}. */
    static Map<String, Float> parseThresholds(String json) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (RuntimeException e) {
            throw ApiException.invalid("thresholds", "\"thresholds\" must be a JSON object {label: threshold}");
        }
        if (!n.isObject()) {
            throw ApiException.invalid("thresholds", "\"thresholds\" must be a JSON object {label: threshold}");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            out.put(e.getKey(), number(e.getValue(), "thresholds." + e.getKey()));
        }
        return out;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a string");
        }
        return n.asString();
    }

    private static Float number(JsonNode n, String field) {
        if (!n.isNumber()) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a number in [0, 1]");
        }
        return (float) n.asDouble();
    }
}
