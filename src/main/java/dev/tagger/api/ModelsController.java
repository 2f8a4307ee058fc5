package dev.tagger.api;

import dev.tagger.inference.PredictorPool;
import dev.tagger.inference.ServiceUnavailableException;
import dev.tagger.inference.ServingModel;
import dev.tagger.model.ModelBundle;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/** What is being served: GET /models/current. */
@RestController
@Tag(name = "models", description = "The models: which one is served")
public class ModelsController {

    private final PredictorPool pool;

    public ModelsController(PredictorPool pool) {
        this.pool = pool;
    }

    @Operation(summary = "The served model", description = "id, version, base, labels, per-label thresholds, pooling, "
            + "token limit, devices and the model card (data, settings, validation metrics). Needs a classify or admin key.")
    @ApiResponse(responseCode = "200", description = "The model being served", content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"),
            examples = @ExampleObject(value = "{\"id\": \"goemotions-minilm\", \"version\": \"8a08e8c0646e\", "
                    + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"problem_type\": \"multi_label_classification\", "
                    + "\"labels\": [\"admiration\", \"amusement\", \"...\"], \"thresholds\": {\"admiration\": 0.24, "
                    + "\"...\": 0.5}, \"pooling\": \"mean\", \"max_tokens\": 128, \"devices\": [\"cpu()\"], "
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
        return describe(m.bundle(), m.devices().stream().map(Object::toString).toList());
    }

    static Map<String, Object> describe(ModelBundle b, Object devices) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", b.id());
        out.put("version", b.version());
        out.put("base", b.base());
        out.put("problem_type", "multi_label_classification");
        out.put("labels", b.labels());
        out.put("thresholds", b.thresholdMap());
        out.put("pooling", b.pooling().key());
        out.put("max_tokens", b.maxTokens());
        out.put("parameters", b.config().parameterCount() + (long) b.labels().size() * (b.config().hiddenSize() + 1));
        if (devices != null) {
            out.put("devices", devices);
        }
        out.put("card", b.card());
        return out;
    }
}
