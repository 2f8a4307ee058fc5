package dev.tagger.api;

import dev.tagger.model.format.ModelBundleIO;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** GET /models/{id}: the summary's fields, then the thresholds, the token limit and the whole model card. */
@Schema(name = "ModelDetail", description = "A stored model version with its thresholds and model card",
        example = ModelDetail.EXAMPLE)
public record ModelDetail(
        @JsonUnwrapped ModelSummary summary,
        @Schema(description = "Each label's threshold, in the model's label order") Map<String, Float> thresholds,
        @JsonProperty("max_tokens") @Schema(description = "Token limit; longer texts are truncated") int maxTokens,
        @Schema(description = "The model card as stored: data, settings, metrics, date", type = "object")
        JsonNode card) {

    static final String EXAMPLE = "{\"id\": \"my-bert\", \"version\": \"3a7962488ef6\", \"base\": null, "
            + "\"default\": false, \"serving\": false, \"created\": \"2026-12-02T03:19:07.177561564Z\", "
            + "\"trained_part\": \"registered\", \"job\": null, \"labels\": [\"joy\", \"anger\", \"surprise\"], "
            + "\"validation_macro_f1\": null, \"thresholds\": {\"joy\": 0.4, \"anger\": 0.6, \"surprise\": 0.4}, "
            + "\"max_tokens\": 64, \"card\": {\"created\": \"2026-12-02T03:19:07.177561564Z\", "
            + "\"trained_part\": \"registered\", \"registered\": {\"source\": \"/models/my-bert\"}}}";

    static ModelDetail of(ModelBundleIO.Summary s, boolean isDefault, String servingId) {
        Map<String, Float> thresholds = new LinkedHashMap<>();
        for (int i = 0; i < s.labels().size(); i++) {
            thresholds.put(s.labels().get(i), s.thresholds()[i]);
        }
        return new ModelDetail(ModelSummary.of(s, isDefault, servingId), thresholds, s.maxTokens(), s.card());
    }
}
