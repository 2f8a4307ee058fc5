package dev.tagger.api;

import dev.tagger.bulk.BulkInputException;
import dev.tagger.bulk.BulkInputs;
import dev.tagger.bulk.BulkJobs;
import dev.tagger.bulk.BulkOptions;
import dev.tagger.config.BulkProperties;
import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetNotFoundException;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.Example;
import dev.tagger.serving.Classifier;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Bulk classification jobs: POST /classify-jobs queues one from an uploaded file (multipart) or a stored dataset
 * (JSON), GET lists or shows them with progress, GET .../results streams the result lines written so far, GET
 * .../events follows one, POST .../cancel stops one, DELETE removes an ended one and its results. A classify key
 * suffices: jobs are not scoped to the key that submitted them (keys carry roles, not tenants).
 */
@RestController
@RequestMapping("/classify-jobs")
@Tag(name = "classify-jobs", description = "Bulk classification of whole files, in the background")
public class ClassifyJobsController {

    static final String JSONL = "application/jsonl";
    private static final Set<String> OPTIONS = Set.of("threshold", "top_k", "all_scores", "long_text", "aggregation",
            "window", "stride");
    private static final String JOB = "{\"id\": \"mx3k2q1a-7hq2pz\", \"status\": \"RUNNING\", \"created_at\": "
            + "\"2026-12-02T15:00:00Z\", \"started_at\": \"2026-12-02T15:00:00.2Z\", \"source\": \"upload:dev.jsonl\", "
            + "\"format\": \"jsonl\", \"total\": 5426, \"processed\": 1920, \"failed_texts\": 0, \"texts_per_second\": "
            + "640.0, \"eta_seconds\": 5.5, \"options\": {\"all_scores\": false, \"top_k\": 3}, \"model\": {\"id\": "
            + "\"goemotions-minilm\", \"version\": \"338883d25cdb\"}, \"cancel_requested\": false, \"links\": {\"self\": "
            + "\"/classify-jobs/mx3k2q1a-7hq2pz\", \"results\": \"/classify-jobs/mx3k2q1a-7hq2pz/results\", \"events\": "
            + "\"/classify-jobs/mx3k2q1a-7hq2pz/events\"}}";
    private static final String KEY = "Needs a classify or admin key";

    private final BulkJobs jobs;
    private final DatasetRepository datasets;
    private final TaggerProperties props;
    private final BulkProperties bulk;
    private final EventStreams streams;

    public ClassifyJobsController(BulkJobs jobs, DatasetRepository datasets, TaggerProperties props,
                                  BulkProperties bulk, EventStreams streams) {
        this.streams = streams;
        this.jobs = jobs;
        this.datasets = datasets;
        this.props = props;
        this.bulk = bulk;
    }

    @Operation(summary = "Queue a bulk job from a file", description = "Multipart parts: 'file' (JSONL with 'text' and "
            + "an optional 'id', CSV with a 'text' column and an optional 'id' column, or TXT, one text a line; blank "
            + "lines are skipped), 'format' (jsonl, csv or txt; default: from the file name or part type) and the "
            + "/classify options as fields: threshold, top_k, all_scores, long_text, aggregation, window, stride. "
            + "Every text is checked as /classify checks its texts before the job is queued. " + KEY + ".")
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ClassifyJobResponse.class),
            examples = @ExampleObject(value = JOB)))
    @ApiResponse(responseCode = "400", description = "The multipart body is malformed", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "413", description = "The file is larger than tagger.bulk.max-upload-bytes ('limit')",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "An option or a line is wrong: 'field' names it, 'line' the "
            + "file's line, 'limit' the limit", content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON,
            schema = @Schema(ref = OpenApiConfig.PROBLEM), examples = @ExampleObject(value = "{\"detail\": \"line 3: "
            + "the text has 20001 characters; at most 20000 are allowed (tagger.api.max-text-chars)\", \"field\": "
            + "\"text\", \"line\": 3, \"limit\": 20000, \"status\": 422, \"title\": \"Unprocessable Content\"}")))
    @ApiResponse(responseCode = "429", description = "tagger.bulk.queue-capacity jobs wait already; retry after "
            + "Retry-After seconds", content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON,
            schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<ClassifyJobResponse> submitFile(HttpServletRequest request) throws IOException {
        // The options may follow the file part: they are checked only once it has been read whole, so it is read
        // into the job's draft first by reading the form into memory-bounded fields around one streamed part.
        Object[] result = new Object[1];
        MultipartForm<Boolean> form = MultipartForm.read(request, new MultipartForm.Limit("file", "the input file",
                bulk.maxUploadBytes().toBytes(), "tagger.bulk.max-upload-bytes"), (filename, type, in) -> {
                    result[0] = new Object[] {filename, type, in.readAllBytes()};
                    return true;
                });
        if (!form.hasFile()) {
            throw ApiException.invalid("file", "the multipart upload needs a part named 'file' holding the texts");
        }
        Object[] file = (Object[]) result[0];
        String filename = (String) file[0];
        byte[] bytes = (byte[]) file[2];
        ObjectNode options = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String name : OPTIONS) {
            String v = form.value(name);
            if (v != null && !v.isBlank()) {
                options.set(name, literal(v.strip()));
            }
        }
        BulkOptions o = options(options);
        String f = form.value("format");
        BulkInputs.Format format = f != null && !f.isBlank() ? BulkInputs.Format.parse(f)
                : BulkInputs.Format.guess(filename, (String) file[1]);
        if (format == null) {
            throw ApiException.invalid("format", f != null && !f.isBlank() ? "unknown format '" + f + "'; use jsonl, csv "
                    + "or txt" : "cannot tell the file's format from its name or type; give 'format' (jsonl, csv or txt)");
        }
        String source = "upload:" + (filename == null || filename.isBlank() ? "file" : filename);
        return submitted(() -> jobs.submit(source, format.key(), o, sink -> BulkInputs.read(
                new java.io.ByteArrayInputStream(bytes), format, jobs.limits(), sink)));
    }

    @Operation(summary = "Queue a bulk job over a stored dataset", description = "Body: 'dataset_id' (from POST "
            + "/datasets) and the /classify options (threshold, top_k, all_scores, long_text, aggregation, window, "
            + "stride). The dataset's texts are classified in their order; its labels are ignored. " + KEY + ".",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DatasetJob.class),
                    examples = @ExampleObject(value = "{\"dataset_id\": \"mx3k1z9b-0c8d2e\", \"top_k\": 3, "
                            + "\"all_scores\": false}"))))
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ClassifyJobResponse.class),
            examples = @ExampleObject(value = JOB)))
    @ApiResponse(responseCode = "400", description = "The body is not valid JSON", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "413", description = "The body is larger than tagger.api.max-body-bytes",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "415", description = "Neither JSON nor multipart", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "An option is wrong, or no dataset has the id; 'field' names it",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "429", description = "tagger.bulk.queue-capacity jobs wait already; retry after "
            + "Retry-After seconds", content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON,
            schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ClassifyJobResponse> submitDataset(@RequestBody JsonNode body) throws IOException {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "the body must be a JSON object such as {\"dataset_id\": \"...\"}");
        }
        ObjectNode options = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (var e : body.properties()) {
            if (OPTIONS.contains(e.getKey())) {
                options.set(e.getKey(), e.getValue());
            } else if (!e.getKey().equals("dataset_id")) {
                throw ApiException.invalid(e.getKey(), "unknown field '" + e.getKey() + "'; accepted: dataset_id, "
                        + new java.util.TreeSet<>(OPTIONS));
            }
        }
        BulkOptions o = options(options);
        JsonNode id = body.get("dataset_id");
        if (id == null || !id.isString() || !DatasetRepository.ID.matcher(id.asString()).matches()) {
            throw ApiException.invalid("dataset_id", "'dataset_id' must name a stored dataset (POST /datasets)");
        }
        List<Example> examples;
        try {
            examples = datasets.load(id.asString());
        } catch (DatasetNotFoundException e) {
            throw ApiException.invalid("dataset_id", "no dataset has the id '" + id.asString() + "'");
        }
        return submitted(() -> jobs.submit("dataset:" + id.asString(), "dataset", o, sink -> {
            BulkInputs.Limits limits = jobs.limits();
            if (examples.size() > limits.maxTexts()) {
                throw new BulkInputException(0, "dataset_id", "the dataset holds " + examples.size() + " texts; at most "
                        + limits.maxTexts() + " are allowed per job (tagger.bulk.max-texts)", limits.maxTexts());
            }
            for (int i = 0; i < examples.size(); i++) {
                BulkInputs.check(i + 1, examples.get(i).text(), limits);
                sink.accept(new dev.tagger.bulk.BulkInput(null, examples.get(i).text()));
            }
            return examples.size();
        }));
    }

    /** POST /classify-jobs's JSON body, for the OpenAPI description. */
    @Schema(name = "ClassifyJobRequest", description = "A stored dataset and the /classify options")
    public record DatasetJob(@com.fasterxml.jackson.annotation.JsonProperty("dataset_id") String datasetId,
                             Double threshold, @com.fasterxml.jackson.annotation.JsonProperty("top_k") Integer topK,
                             @com.fasterxml.jackson.annotation.JsonProperty("all_scores") Boolean allScores,
                             @com.fasterxml.jackson.annotation.JsonProperty("long_text") String longText,
                             String aggregation, Integer window, Integer stride) {
    }

    @FunctionalInterface
    private interface Submit {
        dev.tagger.bulk.BulkJob run() throws IOException;
    }

    private ResponseEntity<ClassifyJobResponse> submitted(Submit submit) throws IOException {
        dev.tagger.bulk.BulkJob job;
        try {
            job = submit.run();
        } catch (BulkInputException e) {
            if (e.tooLarge()) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, e.field(), e.getMessage(), e.limit());
            }
            ApiException a = ApiException.invalid(e.field(), e.getMessage(), e.limit());
            throw e.line() > 0 ? a.with("line", e.line()) : a;
        }
        return ResponseEntity.accepted().location(URI.create("/classify-jobs/" + job.id()))
                .body(ClassifyJobResponse.of(jobs.find(job.id()).orElseThrow()));
    }

    /** The options, checked as /classify checks them (same fields, same refusals). */
    private BulkOptions options(ObjectNode options) {
        options.put("text", "x");
        Classifier.Options o = ClassifyRequest.parse(options, props.api()).options();
        return new BulkOptions(o.threshold(), o.topK(), o.allScores(), o.longText() == null ? null : o.longText().key(),
                o.aggregation() == null ? null : o.aggregation().key(), o.window(), o.stride());
    }

    /** A form field as JSON: a number or boolean when it reads as one, else a string. */
    private static JsonNode literal(String v) {
        if (v.equals("true") || v.equals("false") || v.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            return dev.tagger.io.Json.MAPPER.readTree(v);
        }
        return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(v);
    }

    @Operation(summary = "List bulk jobs", description = "Newest first. " + KEY + ".")
    @ApiResponse(responseCode = "200", description = "Every job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ClassifyJobResponse.Items.class),
            examples = @ExampleObject(value = "{\"items\": [" + JOB + "]}")))
    @ApiResponse(responseCode = "401", description = "No valid key", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping
    public ClassifyJobResponse.Items list() {
        return new ClassifyJobResponse.Items(jobs.list().stream().map(ClassifyJobResponse::of).toList());
    }

    @Operation(summary = "One bulk job", description = "Its state, processed/total, texts per second and ETA. " + KEY
            + ".")
    @ApiResponse(responseCode = "200", description = "The job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ClassifyJobResponse.class),
            examples = @ExampleObject(value = JOB)))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping("/{id}")
    public ClassifyJobResponse get(@PathVariable("id") String id) {
        return ClassifyJobResponse.of(view(id));
    }

    @Operation(summary = "A bulk job's results", description = "JSONL, one line per input in input order: the input's "
            + "'id' when it had one, then the fields of a /classify result (labels, scores, truncated, windows, "
            + "out_of_vocabulary), or 'error' for a text the model could not read. While the job runs: the lines "
            + "written so far (never a partial line); headers x-job-status and x-processed say how far it is. " + KEY
            + ".")
    @ApiResponse(responseCode = "200", description = "The result lines so far", content = @Content(mediaType = JSONL,
            schema = @Schema(type = "string"), examples = @ExampleObject(value = "{\"id\": \"a1\", \"labels\": "
            + "[\"gratitude\"], \"scores\": {\"gratitude\": 0.9469632}, \"truncated\": false, \"windows\": 1, "
            + "\"out_of_vocabulary\": false}\n")))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping(path = "/{id}/results", produces = {JSONL, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public ResponseEntity<InputStreamResource> results(@PathVariable("id") String id) throws IOException {
        BulkJobs.View v = view(id);
        try {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(JSONL))
                    .header("x-job-status", v.job().status().name())
                    .header("x-processed", Long.toString(v.job().processed()))
                    .body(new InputStreamResource(jobs.results(id)));
        } catch (NoSuchElementException e) {
            throw ApiException.notFound("no bulk job with id '" + id + "'");
        }
    }

    @Operation(summary = "Cancel a bulk job", description = "A queued job is CANCELLED at once; a running one stops at "
            + "its next chunk (cancel_requested until then). Results written so far stay readable. " + KEY + ".")
    @ApiResponse(responseCode = "200", description = "The job after the cancel", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ClassifyJobResponse.class),
            examples = @ExampleObject(value = JOB)))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job has already ended", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @PostMapping("/{id}/cancel")
    public ClassifyJobResponse cancel(@PathVariable("id") String id) {
        view(id);
        try {
            return ClassifyJobResponse.of(jobs.cancel(id));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    @Operation(summary = "Delete an ended bulk job", description = "Removes the job and its results. " + KEY + ".")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job is still queued or running: cancel it first",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable("id") String id) throws IOException {
        view(id);
        try {
            jobs.delete(id);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Follow a bulk job", description = "Server-sent events: first the job as it is (status), then "
            + "progress (a few a second at most) and status events, each carrying the whole job; the stream ends "
            + "after its final state. " + KEY + ".")
    @ApiResponse(responseCode = "200", description = "An event stream; each event's data is a ClassifyJob",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                    schema = @Schema(implementation = ClassifyJobResponse.class),
                    examples = @ExampleObject(value = "event:progress\ndata:" + JOB + "\n\n")))
    @ApiResponse(responseCode = "404", description = "No job has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable("id") String id) {
        view(id);
        return streams.open(bulk.eventsTimeout().toMillis(), new EventStreams.Source<BulkJobs.Event>(
                l -> jobs.subscribe(id, l), l -> jobs.unsubscribe(id, l)), event -> new EventStreams.Frame(
                event.kind().name().toLowerCase(Locale.ROOT), ClassifyJobResponse.of(event.job()),
                event.job().job().status().isFinal(), event.kind() == BulkJobs.Kind.PROGRESS));
    }

    private BulkJobs.View view(String id) {
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no bulk job with id '" + id + "'"));
    }
}
