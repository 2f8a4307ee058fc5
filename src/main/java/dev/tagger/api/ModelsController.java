package dev.tagger.api;

import dev.tagger.inference.PredictorPool;
import dev.tagger.inference.ServiceUnavailableException;
import dev.tagger.inference.ServingModel;
import dev.tagger.model.ModelBundle;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/** What is being served: GET /models/current. */
@RestController
public class ModelsController {

    private final PredictorPool pool;

    public ModelsController(PredictorPool pool) {
        this.pool = pool;
    }

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
