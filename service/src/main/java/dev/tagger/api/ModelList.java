package dev.tagger.api;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** GET /models. */
@Schema(name = "ModelList", description = "Every stored model: the default one first, then the trained and "
        + "registered ones, newest first", example = "{\"serving\": \"goemotions-minilm\", \"items\": ["
        + ModelSummary.EXAMPLE + "]}")
public record ModelList(
        @Schema(description = "The id of the model being served") String serving,
        List<ModelSummary> items) {
}
