package dev.tagger.api;

import dev.tagger.serving.ServingHistory;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The serving summary the console's Serving page polls. */
@RestController
@Tag(name = "serving", description = "How the service has been serving over the last minutes")
public class ServingController {

    private final ServingHistory history;

    public ServingController(ServingHistory history) {
        this.history = history;
    }

    @Operation(summary = "The last minutes of serving", description = "One sample every 5 seconds over the last "
            + "10 minutes: texts per second, p50 and p99 request time, queue depth, and the share of texts each label "
            + "was predicted for (drift shows as a rate that moves). Sampled in memory from the meters that "
            + "/actuator/prometheus exposes; a restart starts it empty. Needs a classify or admin key.")
    @ApiResponse(responseCode = "200", description = "The samples, oldest first", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ServingSummary.class)))
    @GetMapping(path = "/serving/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    public ServingSummary summary() {
        return ServingSummary.of(history.samples());
    }
}
