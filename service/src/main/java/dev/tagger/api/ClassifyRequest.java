package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.LongText;
import dev.tagger.serving.Classifier;
import dev.tagger.text.TextCheck;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * POST /classify's body, validated field by field so that every refusal names the field:
 * {@code {"texts": [...]}} or {@code {"text": "..."}}, optional {@code threshold}, {@code top_k},
 * {@code all_scores}, {@code long_text}, {@code aggregation}, {@code window}, {@code stride}. Unknown fields are refused rather
 * than silently ignored (a typo in "threshold" would otherwise change nothing without a word). A text must be
 * valid Unicode, have something to read and at most {@code tagger.api.max-text-chars} characters.
 *
 * @param single whether the body gave one {@code text} (refusals then name "text", else "texts[i]")
 */
public record ClassifyRequest(List<String> texts, Classifier.Options options, boolean single) {

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
                    + "predicted labels' (false).", defaultValue = "true") Boolean allScores,
            @JsonProperty("long_text") @Schema(description = "Texts longer than the model's max_tokens: 'truncate' "
                    + "reads the first max_tokens, 'chunk' reads all of it in overlapping windows (at most "
                    + "tagger.api.max-windows, 16). Default: the model's (truncate unless its config says otherwise).",
                    allowableValues = {"truncate", "chunk"}) String longText,
            @Schema(description = "With chunk: each label's probability is the windows' highest ('max') or their "
                    + "mean.", allowableValues = {"max", "mean"}, defaultValue = "max") String aggregation,
            @Schema(description = "With chunk: tokens per window, [CLS]/[SEP] included (default: the model's "
                    + "max_tokens).", minimum = "3") Integer window,
            @Schema(description = "With chunk: tokens shared by consecutive windows (default: a quarter window).",
                    minimum = "0") Integer stride) {
    }

    private static final Set<String> FIELDS = Set.of("text", "texts", "threshold", "top_k", "all_scores", "long_text",
            "aggregation", "window", "stride");

    /** The field that holds text {@code i}. */
    public String field(int i) {
        return single ? "text" : "texts[" + i + "]";
    }

    public static ClassifyRequest parse(JsonNode body, TaggerProperties.Api limits) {
        int maxTexts = limits.maxTexts();
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
            out.add(readable(text, "text", limits.maxTextChars()));
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
                out.add(readable(texts.get(i), "texts[" + i + "]", limits.maxTextChars()));
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
            // canConvertToInt first: asInt() of a number past the long range (2^63) throws instead of answering.
            if (!k.isIntegralNumber() || !k.canConvertToInt() || k.asInt() < 1) {
                throw ApiException.invalid("top_k", "'top_k' must be an integer from 1 to " + Integer.MAX_VALUE, 1);
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
        LongText.Mode longText = choice(body, "long_text", LongText.Mode::parse);
        LongText.Aggregation aggregation = choice(body, "aggregation", LongText.Aggregation::parse);
        return new ClassifyRequest(out, new Classifier.Options(threshold, topK, allScores, longText, aggregation,
                tokens(body, "window", 3), tokens(body, "stride", 0), limits.maxWindows()), text != null);
    }

    private static Integer tokens(JsonNode body, String field, int least) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < least) {
            throw ApiException.invalid(field, "'" + field + "' must be a whole number of tokens, from " + least + " to "
                    + Integer.MAX_VALUE, least);
        }
        return n.asInt();
    }

    private static <T> T choice(JsonNode body, String field, Function<String, T> parse) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            if (n.isString()) {
                return parse.apply(n.asString());
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "'" + field + "': " + e.getMessage());
        }
        throw ApiException.invalid(field, "'" + field + "' must be a string");
    }

    private static String readable(JsonNode n, String field, int maxChars) {
        if (n == null || !n.isString()) {
            throw ApiException.invalid(field, "'" + field + "' must be a string");
        }
        String s = n.asString();
        // Counted before anything else looks at the text: nothing below may see more than the limit.
        if (s.length() > maxChars && s.codePointCount(0, s.length()) > maxChars) {
            throw ApiException.invalid(field, "'" + field + "' has " + s.codePointCount(0, s.length())
                    + " characters; at most " + maxChars + " are allowed (tagger.api.max-text-chars)", maxChars);
        }
        String problem = TextCheck.problem(s);
        if (problem != null) {
            throw ApiException.invalid(field, "'" + field + "' " + problem);
        }
        return s;
    }
}
