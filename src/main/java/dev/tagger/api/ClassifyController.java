package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.inference.Classifier;
import dev.tagger.inference.ServiceUnavailableException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * POST /classify: validates, hands the texts to the {@link Classifier} and answers asynchronously,
 * so a waiting request holds no server thread. A request past its deadline, or whose client went
 * away, is cancelled and its queued texts are dropped.
 */
@RestController
public class ClassifyController {

    private final Classifier classifier;
    private final TaggerProperties props;

    public ClassifyController(Classifier classifier, TaggerProperties props) {
        this.classifier = classifier;
        this.props = props;
    }

    /** The response body. */
    public record ClassifyResponse(Map<String, String> model, List<Classifier.TextResult> results) {
    }

    @PostMapping(path = "/classify", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public DeferredResult<ResponseEntity<ClassifyResponse>> classify(@RequestBody JsonNode body) {
        ClassifyRequest req = ClassifyRequest.parse(body, props.api().maxTexts());
        long timeoutMs = props.batching().requestTimeout().toMillis();
        DeferredResult<ResponseEntity<ClassifyResponse>> result = new DeferredResult<>(timeoutMs);
        Classifier.Submission s = classifier.submit(req.texts(), req.options());
        result.onTimeout(() -> {
            s.cancel().run();
            result.setErrorResult(new ServiceUnavailableException(ServiceUnavailableException.Reason.TIMEOUT,
                    "the request was not answered within " + timeoutMs + " ms", 1));
        });
        result.onError(t -> s.cancel().run());
        s.result().whenComplete((c, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (!(cause instanceof CancellationException)) {
                    result.setErrorResult(cause);
                }
                return;
            }
            Map<String, String> model = new LinkedHashMap<>();
            model.put("id", c.modelId());
            model.put("version", c.modelVersion());
            Classifier.Timings t = c.timings();
            result.setResult(ResponseEntity.ok()
                    .header("x-tokenization-time", ms(t.tokenization()))
                    .header("x-queue-time", ms(t.queue()))
                    .header("x-inference-time", ms(t.inference()))
                    .header("x-total-time", ms(t.total()))
                    .header("x-model-version", c.modelVersion())
                    .body(new ClassifyResponse(model, c.results())));
        });
        return result;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
