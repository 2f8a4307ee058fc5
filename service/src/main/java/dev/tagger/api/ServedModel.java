package dev.tagger.api;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.format.ModelImporter;
import dev.tagger.serving.ServingModel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** GET /models/current and the answer to a deploy: the model being served and where it runs. */
@Schema(name = "ServedModel", description = "The model being served", example = ServedModel.EXAMPLE)
public record ServedModel(
        String id,
        @Schema(description = "A digest of the weights, thresholds and labels") String version,
        @Schema(description = "The base model it was trained from; null for a registered model") String base,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The language the model reads, from its card (English for the built-in model); texts "
                + "mostly outside its vocabulary are flagged out_of_vocabulary. Absent when the card does not say")
        String language,
        @JsonProperty("problem_type") @Schema(description = "Always multi_label_classification: one sigmoid per label")
        String problemType,
        List<String> labels,
        @Schema(description = "Each label's threshold, in the model's label order") Map<String, Float> thresholds,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "\"torchscript\" for a TorchScript model; absent otherwise") String format,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "mean, cls or pooler; absent for a TorchScript model") String pooling,
        @JsonProperty("max_tokens") @Schema(description = "Token limit; longer texts are truncated") int maxTokens,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Encoder and classifier parameters; absent for a TorchScript model") Long parameters,
        @Schema(description = "The devices it runs on") List<String> devices,
        @Schema(description = "Each device's precision: int8, fp32, or module for TorchScript")
        Map<String, String> precision,
        @Schema(description = "The model card as stored: data, settings, metrics, date", type = "object")
        JsonNode card) {

    static final String EXAMPLE = "{\"id\": \"goemotions-minilm\", \"version\": \"338883d25cdb\", "
            + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"language\": \"English\", \"problem_type\": \"multi_label_classification\", "
            + "\"labels\": [\"admiration\", \"amusement\", \"...\"], \"thresholds\": {\"admiration\": 0.24, "
            + "\"...\": 0.5}, \"pooling\": \"mean\", \"max_tokens\": 128, \"parameters\": 22576156, "
            + "\"devices\": [\"cpu()\"], \"precision\": {\"cpu()\": \"int8\"}, "
            + "\"card\": {\"trained_part\": \"head\", \"metrics\": {\"validation\": {\"macro_f1\": 0.4037}}}}";

    static ServedModel of(ServingModel served) {
        ModelBundle b = served.bundle();
        boolean ts = b.isTorchScript();
        Long parameters = ts ? null
                : b.config().parameterCount() + (long) b.labels().size() * (b.config().hiddenSize() + 1);
        String language = b.card() != null && b.card().path("language").isString()
                ? b.card().path("language").asString() : null;
        return new ServedModel(b.id(), b.version(), b.base(), language, ModelImporter.MULTI_LABEL, b.labels(), b.thresholdMap(),
                ts ? ModelBundleIO.TORCHSCRIPT : null, ts ? null : b.pooling().key(), b.maxTokens(), parameters,
                served.devices().stream().map(Object::toString).toList(), served.precisions(), b.card());
    }
}
