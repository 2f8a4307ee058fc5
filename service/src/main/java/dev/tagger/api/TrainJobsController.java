package dev.tagger.api;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.training.jobs.JobRunner;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.JobStore;
import dev.tagger.training.jobs.TrainJob;

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

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fine-tuning jobs: POST /train-jobs queues one (202 + Location), GET /train-jobs lists them (paged, filtered by
 * status), GET /train-jobs/{id} shows one, POST /train-jobs/{id}/cancel stops one, GET /train-jobs/{id}/events
 * streams its changes as server-sent events until it ends.
 */
@RestController
@RequestMapping("/train-jobs")
public class TrainJobsController {

    private static final int MAX_PAGE_SIZE = 100;

    private final JobRunner runner;
    private final JobStore store;
    private final TrainJobRequest.Context context;
    private final long eventsTimeoutMs;

    public TrainJobsController(JobRunner runner, JobStore store, DatasetRepository datasets, ModelCatalog models,
                               DatasetLimits limits, TaggerProperties props) {
        this.runner = runner;
        this.store = store;
        this.context = new TrainJobRequest.Context(datasets, models, limits, props.training().maxInlineExamples());
        this.eventsTimeoutMs = props.training().eventsTimeout().toMillis();
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TrainJob> submit(@RequestBody JsonNode body) {
        TrainJobRequest request = TrainJobRequest.parse(body, context);
        TrainJob job = runner.submit(request.spec(), request.examples());
        return ResponseEntity.accepted().location(URI.create("/train-jobs/" + job.id())).body(job);
    }

    /**
     * @param status one or more states, comma-separated (e.g. {@code RUNNING,QUEUED}); any case
     * @param page   0-based page, newest jobs first
     * @param size   jobs per page, 1 to 100
     */
    @GetMapping
    public Map<String, Object> list(@RequestParam(name = "status", required = false) String status,
                                    @RequestParam(name = "page", required = false) String page,
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
        Set<JobStatus> wanted = states;
        List<TrainJob> matching = store.list().stream().filter(j -> wanted.contains(j.status())).toList();
        long from = Math.min((long) p * n, matching.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", matching.subList((int) from, (int) Math.min(from + n, matching.size())));
        out.put("page", p);
        out.put("size", n);
        out.put("total", matching.size());
        return out;
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

    @GetMapping("/{id}")
    public TrainJob get(@PathVariable("id") String id) {
        return job(id);
    }

    /** 200 with the job: CANCELLED at once when it was queued, else still RUNNING with cancel_requested set. */
    @PostMapping("/{id}/cancel")
    public TrainJob cancel(@PathVariable("id") String id) {
        job(id);
        try {
            return runner.cancel(id);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /**
     * Server-sent events: first the job as it is ({@code status}), then {@code progress}, {@code epoch} and
     * {@code status} events, each carrying the whole job; the stream ends after the job's final state.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable("id") String id) {
        job(id);
        SseEmitter emitter = new SseEmitter(eventsTimeoutMs);
        Consumer<JobRunner.JobEvent> listener = event -> {
            try {
                emitter.send(SseEmitter.event().name(event.kind()).data(event.job(), MediaType.APPLICATION_JSON));
                if (event.job().status().isFinal()) {
                    emitter.complete();
                }
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        };
        Runnable unsubscribe = () -> runner.unsubscribe(id, listener);
        emitter.onCompletion(unsubscribe);
        emitter.onTimeout(unsubscribe);
        emitter.onError(t -> unsubscribe.run());
        runner.subscribe(id, listener);
        return emitter;
    }

    private TrainJob job(String id) {
        return store.get(id).orElseThrow(() -> ApiException.notFound("no training job with id '" + id + "'"));
    }
}
