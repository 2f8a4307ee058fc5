package dev.tagger.api;

import dev.tagger.serving.Classifier;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /classify's body, validated field by field so that every refusal names the field:
 * {@code {"texts": [...]}} or {@code {"text": "..."}}, optional {@code threshold}, {@code top_k},
 * {@code all_scores}. Unknown fields are refused rather than silently ignored (a typo in
 * "threshold" would otherwise change nothing without a word).
 */
public record ClassifyRequest(List<String> texts, Classifier.Options options) {

    /**
     * The body's JSON shape, for the OpenAPI description only: {@link #parse} reads the JSON itself so that each
     * refusal names its field.
     */
    @Schema(name = "ClassifyRequest", description = "Give either 'text' or 'texts'; unknown fields are refused (422).")
    public record Body(
            @Schema(description = "One text.") String text,
            @Schema(description = "1 to tagger.api.max-texts (64) non-blank texts, answered in the same order.")
            List<String> texts,
            @Schema(description = "One threshold for every label instead of the model's per-label thresholds.",
                    minimum = "0", maximum = "1") Double threshold,
            @JsonProperty("top_k") @Schema(description = "Keep at most this many predicted labels.", minimum = "1")
            Integer topK,
            @JsonProperty("all_scores") @Schema(description = "Every label's probability (true), or only the "
                    + "predicted labels' (false).", defaultValue = "true") Boolean allScores) {
    }

    private static final Set<String> FIELDS = Set.of("text", "texts", "threshold", "top_k", "all_scores");

    public static ClassifyRequest parse(JsonNode body, int maxTexts) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "the request body must be a JSON object such as {\"texts\": [\"...\"]}");
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                throw ApiException.invalid(e.getKey(), "unknown field '" + e.getKey() + "'; accepted: " + new java.util.TreeSet<>(FIELDS));
            }
        }
        JsonNode text = body.get("text");
        JsonNode texts = body.get("texts");
        if (text != null && texts != null) {
            throw ApiException.invalid("texts", "give either 'text' or 'texts', not both");
        }
        List<String> out = new ArrayList<>();
        if (text != null) {
            out.add(nonBlank(text, "text"));
        } else if (texts != null) {
            if (!texts.isArray()) {
                throw ApiException.invalid("texts", "'texts' must be an array of strings");
            }
            if (texts.isEmpty()) {
                throw ApiException.invalid("texts", "'texts' must hold at least one text", 1);
            }
            if (texts.size() > maxTexts) {
                throw ApiException.invalid("texts", "'texts' holds " + texts.size() + " texts; at most " + maxTexts
                        + " are allowed per request", maxTexts);
            }
            for (int i = 0; i < texts.size(); i++) {
                out.add(nonBlank(texts.get(i), "texts[" + i + "]"));
            }
        } else {
            throw ApiException.invalid("texts", "the body needs 'texts' (an array of strings) or 'text' (a string)");
        }
        Float threshold = null;
        JsonNode th = body.get("threshold");
        if (th != null && !th.isNull()) {
            if (!th.isNumber() || th.asDouble() < 0 || th.asDouble() > 1) {
                throw ApiException.invalid("threshold", "'threshold' must be a number from 0 to 1", "[0, 1]");
            }
            threshold = (float) th.asDouble();
        }
        Integer topK = null;
        JsonNode k = body.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || k.asLong() < 1 || k.asLong() > Integer.MAX_VALUE) {
                throw ApiException.invalid("top_k", "'top_k' must be a positive integer", 1);
            }
            topK = k.asInt();
        }
        boolean allScores = true;
        JsonNode all = body.get("all_scores");
        if (all != null && !all.isNull()) {
            if (!all.isBoolean()) {
                throw ApiException.invalid("all_scores", "'all_scores' must be true or false");
            }
            allScores = all.asBoolean();
        }
        return new ClassifyRequest(out, new Classifier.Options(threshold, topK, allScores));
    }

    private static String nonBlank(JsonNode n, String field) {
        if (n == null || !n.isString()) {
            throw ApiException.invalid(field, "'" + field + "' must be a string");
        }
        String s = n.asString();
        if (s.isBlank()) {
            throw ApiException.invalid(field, "'" + field + "' is empty or blank; send at least one non-space character");
        }
        return s;
    }
}
