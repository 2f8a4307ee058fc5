package dev.tagger.api;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.serving.ServingModel;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            mediaType = "application/json", schema = @Schema(type = "object"),
            examples = @ExampleObject(value = "{\"id\": \"goemotions-minilm\", \"version\": \"8a08e8c0646e\", "
                    + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"problem_type\": \"multi_label_classification\", "
                    + "\"labels\": [\"admiration\", \"amusement\", \"...\"], \"thresholds\": {\"admiration\": 0.24, "
                    + "\"...\": 0.5}, \"pooling\": \"mean\", \"max_tokens\": 128, \"devices\": [\"cpu()\"], "
                    + "\"precision\": {\"cpu()\": \"int8\"}, "
                    + "\"card\": {}}")))
    @ApiResponse(responseCode = "503", description = "No model is loaded yet (Retry-After)", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping("/models/current")
    public Map<String, Object> current() {
        ServingModel m = pool.current();
        if (m == null) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.NOT_READY,
                    pool.loadError() != null ? "no model is loaded: " + pool.loadError() : "the model is still loading", 5);
        }
        return describe(m);
    }

    /** Every model: the default one first, then the trained ones, newest first. */
    @GetMapping("/models")
    public Map<String, Object> list() {
        String serving = registry.servingId();
        List<Map<String, Object>> items = registry.list().stream().map(s -> summary(s, serving, false)).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("serving", serving);
        out.put("items", items);
        return out;
    }

    @GetMapping("/models/{id}")
    public Map<String, Object> get(@PathVariable("id") String id) {
        return summary(find(id), registry.servingId(), true);
    }

    @PostMapping("/models/{id}/deploy")
    public Map<String, Object> deploy(@PathVariable("id") String id) {
        find(id);
        registry.deploy(id);
        return current();
    }

    @DeleteMapping("/models/{id}")
    public ResponseEntity<Void> delete(@PathVariable("id") String id) {
        find(id);
        registry.delete(id);
        return ResponseEntity.noContent().build();
    }

    private ModelBundleIO.Summary find(String id) {
        return registry.find(id).orElseThrow(() -> ApiException.notFound("no model with id '" + id + "'"));
    }

    private Map<String, Object> summary(ModelBundleIO.Summary s, String serving, boolean withCard) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("version", s.version());
        out.put("base", s.base());
        out.put("default", registry.isDefault(s.id()));
        out.put("serving", s.id().equals(serving));
        if (s.torchScript()) {
            out.put("format", ModelBundleIO.TORCHSCRIPT);
        }
        JsonNode card = s.card();
        out.put("created", card.path("created").asString(null));
        out.put("trained_part", card.path("trained_part").asString(null));
        out.put("job", card.path("job").asString(null));
        out.put("labels", s.labels());
        JsonNode f1 = card.at("/metrics/validation/macro_f1");
        out.put("validation_macro_f1", f1.isNumber() ? f1.asDouble() : null);
        if (withCard) {
            Map<String, Float> thresholds = new LinkedHashMap<>();
            for (int i = 0; i < s.labels().size(); i++) {
                thresholds.put(s.labels().get(i), s.thresholds()[i]);
            }
            out.put("thresholds", thresholds);
            out.put("max_tokens", s.maxTokens());
            out.put("card", card);
        }
        return out;
    }

    private static Map<String, Object> describe(ServingModel served) {
        ModelBundle b = served.bundle();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", b.id());
        out.put("version", b.version());
        out.put("base", b.base());
        out.put("problem_type", "multi_label_classification");
        out.put("labels", b.labels());
        out.put("thresholds", b.thresholdMap());
        if (b.isTorchScript()) {
            out.put("format", ModelBundleIO.TORCHSCRIPT);
        } else {
            out.put("pooling", b.pooling().key());
        }
        out.put("max_tokens", b.maxTokens());
        if (!b.isTorchScript()) {
            out.put("parameters", b.config().parameterCount() + (long) b.labels().size() * (b.config().hiddenSize() + 1));
        }
        out.put("devices", served.devices().stream().map(Object::toString).toList());
        out.put("precision", served.precisions());
        out.put("card", b.card());
        return out;
    }
}
