package dev.tagger.api;

import dev.tagger.serving.Classifier;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** POST /classify's answer: the model that answered and one result per text, in request order. */
@Schema(name = "ClassifyResponse", description = "One result per text, in request order")
public record ClassifyResponse(ModelRef model, List<Classifier.TextResult> results) {

    /** Which model answered: every text of a request is answered by the same one. */
    @Schema(name = "ModelRef", description = "The model that answered")
    public record ModelRef(
            String id,
            @Schema(description = "A digest of the weights, thresholds and labels") String version) {
    }

    static ClassifyResponse of(Classifier.Classification c) {
        return new ClassifyResponse(new ModelRef(c.modelId(), c.modelVersion()), c.results());
    }
}
