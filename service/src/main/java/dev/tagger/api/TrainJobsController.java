package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.training.jobs.JobEvents;
import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobRunner;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;
import dev.tagger.training.jobs.TrainPlanner;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Fine-tuning jobs: POST /train-jobs queues one (202 + Location), GET /train-jobs lists them (paged, filtered by
 * status), GET /train-jobs/{id} shows one, POST /train-jobs/{id}/cancel stops one, GET /train-jobs/{id}/events
 * streams its changes as server-sent events until it ends. Every operation needs an admin key.
 */
@RestController
@RequestMapping("/train-jobs")
@Tag(name = "training", description = "Fine-tuning jobs")
public class TrainJobsController {

    private static final int MAX_PAGE_SIZE = 100;

    private final TrainPlanner planner;
    private final JobRunner runner;
    private final JobRepository jobs;
    private final JobEvents events;
    private final DatasetLimits limits;
    private final int maxInlineExamples;
    private final long eventsTimeoutMs;
    private final EventStreams streams;

    public TrainJobsController(TrainPlanner planner, JobRunner runner, JobRepository jobs, JobEvents events,
                               DatasetLimits limits, TaggerProperties props, EventStreams streams) {
        this.streams = streams;
        this.planner = planner;
        this.runner = runner;
        this.jobs = jobs;
        this.events = events;
        this.limits = limits;
        this.maxInlineExamples = props.training().maxInlineExamples();
        this.eventsTimeoutMs = props.training().eventsTimeout().toMillis();
    }

    @Operation(summary = "Queue a training job", description = "Validates the job, resolves it against the stored "
            + "models and datasets (every default filled in) and queues it.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = TrainJobRequest.Body.class),
                    examples = @ExampleObject(name = "inline examples", value = TrainJobsDocs.REQUEST))))
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TrainJobResponse.class),
            examples = @ExampleObject(value = TrainJobsDocs.QUEUED)))
    @ApiResponse(responseCode = "400", description = "The body is not valid JSON", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "413", description = "The body is larger than tagger.api.max-body-bytes",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "415", description = "The content type is not application/json", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "A value is wrong, or names no stored model or dataset; "
            + "'field' names it (for inline examples, 'errors' lists every problem)", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM),
            examples = @ExampleObject(value = TrainJobsDocs.INVALID)))
    @ApiResponse(responseCode = "429", description = "The training queue is full; retry after Retry-After seconds",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TrainJobResponse> submit(@RequestBody JsonNode body) {
        TrainJob job = runner.submit(planner.plan(TrainJobRequest.parse(body, limits, maxInlineExamples,
                planner)));
        return ResponseEntity.accepted().location(URI.create("/train-jobs/" + job.id()))
                .body(TrainJobResponse.of(job));
    }

    @Operation(summary = "Preview a training job", description = "Validates the job and resolves it exactly as "
            + "POST /train-jobs does (every default filled in, labels read from the data), and answers the spec it "
            + "would run, without queueing anything. The console shows it before a job is submitted.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = TrainJobRequest.Body.class),
                    examples = @ExampleObject(name = "inline examples", value = TrainJobsDocs.REQUEST))))
    @ApiResponse(responseCode = "200", description = "The resolved spec; nothing was queued", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = TrainJobResponse.Request.class),
            examples = @ExampleObject(value = TrainJobsDocs.PREVIEW)))
    @ApiResponse(responseCode = "400", description = "The body is not valid JSON", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "413", description = "The body is larger than tagger.api.max-body-bytes",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "415", description = "The content type is not application/json", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "A value is wrong, or names no stored model or dataset; "
            + "'field' names it", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM),
            examples = @ExampleObject(value = TrainJobsDocs.INVALID)))
    @PostMapping(path = "/preview", consumes = MediaType.APPLICATION_JSON_VALUE)
    public TrainJobResponse.Request preview(@RequestBody JsonNode body) {
        return TrainJobResponse.Request.of(planner.plan(TrainJobRequest.parse(body, limits, maxInlineExamples,
                planner)).spec());
    }

    @Operation(summary = "List training jobs", description = "Newest first, filtered by state, one page at a time.")
    @ApiResponse(responseCode = "200", description = "One page of jobs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TrainJobResponse.Page.class),
            examples = @ExampleObject(value = "{\"items\": [" + TrainJobsDocs.QUEUED + "], \"page\": 0, \"size\": 20, "
                    + "\"total\": 1}")))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "status, page or size is not acceptable; 'field' names it",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping
    public TrainJobResponse.Page list(
            @Parameter(description = "One or more states, comma-separated (e.g. RUNNING,QUEUED); any case")
            @RequestParam(name = "status", required = false) String status,
            @Parameter(description = "0-based page, newest jobs first")
            @RequestParam(name = "page", required = false) String page,
            @Parameter(description = "Jobs per page, 1 to 100 (default 20)")
            @RequestParam(name = "size", required = false) String size) {
        Set<JobStatus> states = EnumSet.allOf(JobStatus.class);
        if (status != null && !status.isBlank()) {
            states = EnumSet.noneOf(JobStatus.class);
            for (String s : status.split(",")) {
                try {
                    states.add(JobStatus.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("status", "'" + s.strip() + "' is not a job state; use "
                            + Arrays.toString(JobStatus.values()));
                }
            }
        }
        int p = intParam(page, "page", 0, 0, Integer.MAX_VALUE);
        int n = intParam(size, "size", 20, 1, MAX_PAGE_SIZE);
        JobRepository.Page found = jobs.list(states, (long) p * n, n);
        return new TrainJobResponse.Page(found.items().stream().map(TrainJobResponse::of).toList(), p, n,
                found.total());
    }

    private static int intParam(String value, String name, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid(name, "'" + name + "' must be an integer from " + min + " to " + max,
                "[" + min + ", " + max + "]");
    }

    @Operation(summary = "One training job")
    @ApiResponse(responseCode = "200", description = "The job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TrainJobResponse.class),
            examples = @ExampleObject(value = TrainJobsDocs.SUCCEEDED)))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping("/{id}")
    public TrainJobResponse get(@PathVariable("id") String id) {
        return TrainJobResponse.of(job(id));
    }

    @Operation(summary = "Cancel a training job", description = "A queued job is CANCELLED at once; a running one "
            + "is still RUNNING with cancel_requested set, and stops at its next step.")
    @ApiResponse(responseCode = "200", description = "The job after the cancel", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TrainJobResponse.class),
            examples = @ExampleObject(value = TrainJobsDocs.CANCEL_REQUESTED)))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job has already ended", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @PostMapping("/{id}/cancel")
    public TrainJobResponse cancel(@PathVariable("id") String id) {
        job(id);
        try {
            return TrainJobResponse.of(runner.cancel(id));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    @Operation(summary = "Follow a training job", description = "Server-sent events: first the job as it is "
            + "(status), then progress, epoch and status events, each carrying the whole job as its data; the stream "
            + "ends after the job's final state.")
    @ApiResponse(responseCode = "200", description = "An event stream; each event's data is a TrainJob",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                    schema = @Schema(implementation = TrainJobResponse.class),
                    examples = @ExampleObject(value = "event:status\ndata:" + TrainJobsDocs.QUEUED + "\n\n")))
    @ApiResponse(responseCode = "403", description = TrainJobsDocs.ADMIN, content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable("id") String id) {
        job(id);
        return streams.open(eventsTimeoutMs, new EventStreams.Source<JobEvents.JobEvent>(
                l -> events.subscribe(id, l), l -> events.unsubscribe(id, l)), event -> new EventStreams.Frame(event.kind().name().toLowerCase(Locale.ROOT),
                TrainJobResponse.of(event.job()), event.job().status().isFinal(),
                event.kind() == JobEvents.Kind.PROGRESS));
    }

    private TrainJob job(String id) {
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no training job with id '" + id + "'"));
    }
}
