package dev.tagger.api;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.serving.ServingModel;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Model versions: GET /models/current (what is served), GET /models, GET /models/{id},
 * POST /models/{id}/deploy (swap the served model; requests in flight finish on the old one) and
 * DELETE /models/{id} (refused with 409 for the served model, the default one and the base of an active job).
 */
@RestController
@Tag(name = "models", description = "The models: which one is served")
public class ModelsController {

    private final PredictorPool pool;
    private final ModelCatalog registry;

    public ModelsController(PredictorPool pool, ModelCatalog registry) {
        this.pool = pool;
        this.registry = registry;
    }

    @Operation(summary = "The served model", description = "id, version, base, labels, per-label thresholds, pooling, "
            + "token limit, devices and the model card (data, settings, validation metrics). Needs a classify or admin key.")
    @ApiResponse(responseCode = "200", description = "The model being served", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ServedModel.class)))
    @ApiResponse(responseCode = "503", description = "No model is loaded yet (Retry-After)")
    @GetMapping("/models/current")
    public ServedModel current() {
        ServingModel m = pool.current();
        if (m == null) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.NOT_READY,
                    pool.loadError() != null ? "no model is loaded: " + pool.loadError() : "the model is still loading", 5);
        }
        return ServedModel.of(m);
    }

    @Operation(summary = "Every model", description = "The default model first, then the trained and registered ones, "
            + "newest first. Needs a classify or admin key.")
    @ApiResponse(responseCode = "200", description = "The stored models", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ModelList.class)))
    @GetMapping("/models")
    public ModelList list() {
        String serving = registry.servingId();
        return new ModelList(serving, registry.list().stream()
                .map(s -> ModelSummary.of(s, registry.isDefault(s.id()), serving)).toList());
    }

    @Operation(summary = "One model", description = "Its summary, thresholds, token limit and model card. Needs a "
            + "classify or admin key.")
    @ApiResponse(responseCode = "200", description = "The model", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ModelDetail.class)))
    @ApiResponse(responseCode = "404", description = "No model has this id")
    @GetMapping("/models/{id}")
    public ModelDetail get(@PathVariable("id") String id) {
        ModelBundleIO.Summary s = find(id);
        return ModelDetail.of(s, registry.isDefault(s.id()), registry.servingId());
    }

    @Operation(summary = "Serve a model", description = "Loads and warms the model, then swaps it in: requests "
            + "admitted before the swap finish on the old model, later ones use the new one. Kept across restarts. "
            + "Needs the admin key.")
    @ApiResponse(responseCode = "200", description = "The model now served, as GET /models/current describes it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ServedModel.class)))
    @ApiResponse(responseCode = "403", description = "The key is not an admin key")
    @ApiResponse(responseCode = "404", description = "No model has this id")
    @ApiResponse(responseCode = "422", description = "The stored model cannot be loaded")
    @PostMapping("/models/{id}/deploy")
    public ServedModel deploy(@PathVariable("id") String id) {
        find(id);
        registry.deploy(id);
        return current();
    }

    @Operation(summary = "Delete a model", description = "Refused for the served model, the default model and the "
            + "base of a queued or running training job. Needs the admin key.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "403", description = "The key is not an admin key")
    @ApiResponse(responseCode = "404", description = "No model has this id")
    @ApiResponse(responseCode = "409", description = "The model is served, is the default model, or is the base of "
            + "a queued or running training job")
    @DeleteMapping("/models/{id}")
    public ResponseEntity<Void> delete(@PathVariable("id") String id) {
        find(id);
        registry.delete(id);
        return ResponseEntity.noContent().build();
    }

    private ModelBundleIO.Summary find(String id) {
        return registry.find(id).orElseThrow(() -> ApiException.notFound("no model with id '" + id + "'"));
    }
}
