package dev.tagger.api;

import dev.tagger.model.format.ModelBundleIO;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;

/** One model version as GET /models lists it; GET /models/{id} adds to it ({@link ModelDetail}). */
@Schema(name = "ModelSummary", description = "A stored model version", example = ModelSummary.EXAMPLE)
public record ModelSummary(
        @Schema(description = "The model's id") String id,
        @Schema(description = "A digest of the weights, thresholds and labels") String version,
        @Schema(description = "The base model it was trained from; null for a registered model") String base,
        @JsonProperty("default") @Schema(description = "Whether it is the default model (never deleted)")
        boolean defaultModel,
        @Schema(description = "Whether it is the model being served") boolean serving,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "\"torchscript\" for a TorchScript model; absent for Tagger's own bundles")
        String format,
        @Schema(description = "When it was trained or registered (ISO-8601)") String created,
        @JsonProperty("trained_part") @Schema(description = "What training changed: head, top_layers:N, all, "
                + "or registered") String trainedPart,
        @Schema(description = "The training job that made it, if any") String job,
        @Schema(description = "The labels, in the model's order") List<String> labels,
        @JsonProperty("validation_macro_f1") @Schema(description = "Macro-F1 on its validation split, if known")
        Double validationMacroF1) {

    static final String EXAMPLE = "{\"id\": \"goemotions-minilm\", \"version\": \"338883d25cdb\", "
            + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"default\": true, \"serving\": true, "
            + "\"created\": \"2026-11-28T04:30:55.378541503Z\", \"trained_part\": \"head\", \"job\": null, "
            + "\"labels\": [\"admiration\", \"amusement\", \"...\"], \"validation_macro_f1\": 0.4037}";

    static ModelSummary of(ModelBundleIO.Summary s, boolean isDefault, String servingId) {
        JsonNode card = s.card();
        JsonNode f1 = card.at("/metrics/validation/macro_f1");
        return new ModelSummary(s.id(), s.version(), s.base(), isDefault, s.id().equals(servingId),
                s.torchScript() ? ModelBundleIO.TORCHSCRIPT : null, card.path("created").asString(null),
                card.path("trained_part").asString(null), card.path("job").asString(null), s.labels(),
                f1.isNumber() ? f1.asDouble() : null);
    }
}
