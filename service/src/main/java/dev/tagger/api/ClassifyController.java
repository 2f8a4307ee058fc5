package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.serving.Classifier;
import dev.tagger.serving.InvalidInputException;
import dev.tagger.serving.ServiceUnavailableException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.JsonNode;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * POST /classify: validates, hands the texts to the {@link Classifier} and answers asynchronously,
 * so a waiting request holds no server thread. A request past its deadline, or whose client went
 * away, is cancelled and its queued texts are dropped.
 */
@RestController
@Tag(name = "classify", description = "Tag texts with labels")
public class ClassifyController {

    private final Classifier classifier;
    private final TaggerProperties props;

    public ClassifyController(Classifier classifier, TaggerProperties props) {
        this.classifier = classifier;
        this.props = props;
    }

    @Operation(summary = "Tag texts", description = "For each text: every label's probability (sigmoid) and the "
            + "labels that pass their thresholds, highest first. Needs a classify or admin key.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ClassifyRequest.Body.class),
                    examples = {
                            @ExampleObject(name = "one text", value = "{\"text\": \"Thank you so much, this made my day!\"}"),
                            @ExampleObject(name = "batch", value = "{\"texts\": [\"Thank you so much, this made my day!\", "
                                    + "\"I am so sorry for your loss.\"], \"top_k\": 2, \"all_scores\": false}")})))
    @ApiResponse(responseCode = "200", description = "One result per text, in request order. Headers x-tokenization-time, "
            + "x-queue-time, x-inference-time, x-total-time (ms) and x-model-version.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ClassifyResponse.class),
                    examples = @ExampleObject(name = "batch", value = "{\"model\": {\"id\": \"goemotions-minilm\", "
                            + "\"version\": \"338883d25cdb\"}, \"results\": ["
                            + "{\"labels\": [\"gratitude\", \"joy\"], \"scores\": {\"gratitude\": 0.9469632, \"joy\": 0.2507531}, "
                            + "\"truncated\": false}, "
                            + "{\"labels\": [\"sadness\", \"grief\"], \"scores\": {\"sadness\": 0.8239747, \"grief\": 0.54295397}, "
                            + "\"truncated\": false}]}")))
    @ApiResponse(responseCode = "400", description = "The body is not valid JSON")
    @ApiResponse(responseCode = "413", description = "The body is larger than tagger.api.max-body-bytes")
    @ApiResponse(responseCode = "415", description = "The content type is not application/json")
    @ApiResponse(responseCode = "422", description = "A value is wrong; 'field' names it, 'limit' gives the limit",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON,
                    examples = @ExampleObject(value = "{\"detail\": \"'texts[1]' is empty or blank; send at least one "
                            + "non-space character\", \"instance\": \"/classify\", \"status\": 422, "
                            + "\"title\": \"Unprocessable Content\", \"field\": \"texts[1]\"}")))
    @ApiResponse(responseCode = "429", description = "The queue is full, or would not answer before the request "
            + "timeout; retry after Retry-After seconds")
    @ApiResponse(responseCode = "503", description = "The model is still loading, or the request timed out (Retry-After)")
    @PostMapping(path = "/classify", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public DeferredResult<ResponseEntity<ClassifyResponse>> classify(@RequestBody JsonNode body) {
        ClassifyRequest req = ClassifyRequest.parse(body, props.api());
        long timeoutMs = props.batching().requestTimeout().toMillis();
        DeferredResult<ResponseEntity<ClassifyResponse>> result = new DeferredResult<>(timeoutMs);
        Classifier.Submission s;
        try {
            s = classifier.submit(req.texts(), req.options());
        } catch (InvalidInputException e) {
            String field = e.text() != null ? req.field(e.text()) : e.option();
            throw ApiException.invalid(field, e.text() != null ? "'" + field + "' " + e.getMessage() : e.getMessage(),
                    e.limit());
        }
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
            Classifier.Timings t = c.timings();
            result.setResult(ResponseEntity.ok()
                    .header("x-tokenization-time", ms(t.tokenization()))
                    .header("x-queue-time", ms(t.queue()))
                    .header("x-inference-time", ms(t.inference()))
                    .header("x-total-time", ms(t.total()))
                    .header("x-model-version", c.modelVersion())
                    .body(ClassifyResponse.of(c)));
        });
        return result;
    }

    /**
     * A duration in milliseconds with three decimals, rounded half up ("4.125"). Written out by hand because it runs
     * four times on the inference worker for every answer, where {@code String.format} showed in its profile.
     */
    static String ms(long nanos) {
        long micros = (Math.max(0, nanos) + 500) / 1000;
        long fraction = micros % 1000;
        StringBuilder b = new StringBuilder(12).append(micros / 1000).append('.');
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction).toString();
    }
}
