package dev.tagger.bulk;

import dev.tagger.config.BulkProperties;
import dev.tagger.config.TaggerProperties;
import dev.tagger.io.Json;
import dev.tagger.io.StoreFull;
import dev.tagger.io.StoreIds;
import dev.tagger.serving.Classifier;
import dev.tagger.serving.InvalidInputException;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServiceUnavailableException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs bulk classification jobs, one at a time and oldest first, on one thread. The running job keeps at most
 * {@code tagger.bulk.max-in-flight-texts} texts in the batch queue's background lane, in chunks, and appends each
 * chunk's result lines, in input order, as soon as the chunk and every chunk before it are done (each append is
 * forced to disk). Interactive /classify always goes first (see the serving queue's background lane).
 * <p>
 * At start, a job that was RUNNING resumes after its last complete result line, on the same model version; if the
 * served model is another one now, it fails with the reason instead of mixing two models' answers. A stop leaves
 * the running job RUNNING, to resume at the next start.
 * <p>
 * The runner thread outlives any failure: whatever a job throws ends that job FAILED with the reason (a full disk as
 * "the store could not be written: No space left on device"), and the next job runs. A final state the store cannot
 * write (a full disk) is kept in memory, so that the API shows it and its event streams end, and written once the
 * store takes writes again; until then the job keeps its inputs, and a restart before that finds it RUNNING and
 * resumes it after its last result line.
 */
@Component
public class BulkJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BulkJobs.class);
    /** Progress events at most this often (the results file is forced to disk per chunk regardless). */
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    /** The pause after a failure of the loop itself, so that a persistent one does not spin. */
    private static final long BACKOFF_MILLIS = 1_000;

    /** What changed: the state, or the progress. */
    public enum Kind { STATUS, PROGRESS }

    /** One change, carrying the job as it is after it, and its live rate. */
    public record Event(Kind kind, View job) {
    }

    /**
     * A job and its live progress.
     *
     * @param textsPerSecond texts processed per second since the job (re)started running, null before any
     * @param etaSeconds     seconds left at that rate, null when unknown
     */
    public record View(BulkJob job, Double textsPerSecond, Double etaSeconds) {
    }

    private final BulkJobRepository repo;
    private final Classifier classifier;
    private final PredictorPool pool;
    private final BulkProperties props;
    private final int maxWindows;
    private final int maxTextChars;
    private final Clock clock;
    private final Map<String, BulkJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<Event>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bulk-events");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore wake = new Semaphore(0);
    /** Jobs whose final state is in memory only: the store refused it. Guarded by this. */
    private final Set<String> unrecorded = new LinkedHashSet<>();
    private final Counter textsProcessed;
    private final Counter textsFailed;
    private volatile boolean stopping;
    private volatile boolean running;
    private volatile String current;
    private volatile long runStartNanos;
    private volatile long runStartProcessed;
    private Thread thread;

    @Autowired
    public BulkJobs(BulkJobRepository repo, Classifier classifier, PredictorPool pool, BulkProperties props,
                    TaggerProperties tagger, MeterRegistry registry) {
        this(repo, classifier, pool, props, tagger, registry, Clock.systemUTC());
    }

    BulkJobs(BulkJobRepository repo, Classifier classifier, PredictorPool pool, BulkProperties props,
             TaggerProperties tagger, MeterRegistry registry, Clock clock) {
        this.repo = repo;
        this.classifier = classifier;
        this.pool = pool;
        this.props = props;
        this.maxWindows = tagger.api().maxWindows();
        this.maxTextChars = tagger.api().maxTextChars();
        this.clock = clock;
        for (BulkJob j : repo.list()) {
            jobs.put(j.id(), j);
        }
        pool.configureBackground(tagger.batching().maxBatchSize(), props.maxBatchTokens(), props.interactiveQuiet());
        textsProcessed = Counter.builder("tagger.bulk.texts.processed").description("Texts of bulk jobs classified")
                .register(registry);
        textsFailed = Counter.builder("tagger.bulk.texts.failed")
                .description("Texts of bulk jobs answered with an error line instead of labels").register(registry);
        for (BulkStatus s : BulkStatus.values()) {
            Gauge.builder("tagger.bulk.jobs", this, b -> b.count(s)).tag("status", s.name())
                    .description("Bulk classification jobs by status").register(registry);
        }
    }

    /** The limits an input is read with. */
    public BulkInputs.Limits limits() {
        return new BulkInputs.Limits(props.maxTexts(), maxTextChars);
    }

    /**
     * Checks the options and that the queue has room, then feeds the inputs through {@code fill} into a new job.
     *
     * @param fill writes every input into the sink (e.g. {@link BulkInputs#read}); returns how many
     * @throws ServiceUnavailableException OVERLOADED (429) when {@code tagger.bulk.queue-capacity} jobs wait
     * @throws BulkInputException          when an option or an input is refused
     */
    public BulkJob submit(String source, String format, BulkOptions options, Filler fill) throws IOException {
        checkOptions(options);
        checkRoom();
        String id = StoreIds.timeOrdered(clock.instant());
        BulkJob job;
        try (BulkJobRepository.Draft draft = repo.create(id)) {
            long total = fill.fill(draft::add);
            synchronized (this) {
                checkRoom();
                job = BulkJob.queued(id, clock.instant(), source, format, total, options);
                draft.commit(job);
                jobs.put(id, job);
            }
        }
        wake.release();
        return job;
    }

    /** Writes a job's inputs. */
    @FunctionalInterface
    public interface Filler {
        long fill(BulkInputs.Sink sink) throws IOException;
    }

    private synchronized void checkRoom() {
        long waiting = count(BulkStatus.QUEUED);
        if (waiting >= props.queueCapacity()) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED, "the bulk job queue "
                    + "holds " + waiting + " waiting job(s), its capacity (tagger.bulk.queue-capacity); retry when one "
                    + "has started", 30);
        }
    }

    private void checkOptions(BulkOptions options) {
        try {
            classifier.check(options.toOptions(maxWindows));
        } catch (InvalidInputException e) {
            throw new BulkInputException(0, e.option(), e.getMessage(), e.limit());
        }
    }

    long count(BulkStatus s) {
        return jobs.values().stream().filter(j -> j.status() == s).count();
    }

    public Optional<View> find(String id) {
        BulkJob j = id == null ? null : jobs.get(id);
        return Optional.ofNullable(j == null ? null : view(j));
    }

    /** Jobs newest first. */
    public List<View> list() {
        return jobs.values().stream().sorted(Comparator.comparing(BulkJob::createdAt).reversed()
                .thenComparing(BulkJob::id)).map(this::view).toList();
    }

    private View view(BulkJob j) {
        if (j.status() != BulkStatus.RUNNING || !j.id().equals(current)) {
            return new View(j, null, null);
        }
        double seconds = (System.nanoTime() - runStartNanos) / 1e9;
        long done = j.processed() - runStartProcessed;
        if (done <= 0 || seconds <= 0) {
            return new View(j, null, null);
        }
        double rate = done / seconds;
        return new View(j, rate, (j.total() - j.processed()) / rate);
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next chunk (its results so far stay readable).
     *
     * @throws IllegalStateException when it has ended
     */
    public synchronized View cancel(String id) {
        BulkJob j = jobs.get(id);
        if (j == null) {
            throw new java.util.NoSuchElementException(id);
        }
        if (j.status().isFinal()) {
            throw new IllegalStateException("the job has already ended (" + j.status() + ")");
        }
        BulkJob next = j.status() == BulkStatus.QUEUED ? j.ended(BulkStatus.CANCELLED, clock.instant(), null)
                : j.withCancelRequested();
        put(next, Kind.STATUS, true);
        if (next.status().isFinal()) {
            repo.dropInputs(id);
        }
        return view(next);
    }

    /**
     * Deletes an ended job and its results.
     *
     * @throws IllegalStateException when it is still queued or running
     */
    public synchronized boolean delete(String id) throws IOException {
        BulkJob j = jobs.get(id);
        if (j == null) {
            return false;
        }
        if (!j.status().isFinal()) {
            throw new IllegalStateException("the job is " + j.status() + "; cancel it first");
        }
        jobs.remove(id);
        unrecorded.remove(id);
        return repo.delete(id);
    }

    public java.io.InputStream results(String id) throws IOException {
        return repo.readResults(id);
    }

    /** Hears every change of the job, starting with its state now, until {@link #unsubscribe}. */
    public synchronized void subscribe(String id, Consumer<Event> listener) {
        listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
        BulkJob now = jobs.get(id);
        if (now != null) {
            View v = view(now);
            delivery.execute(() -> deliver(listener, new Event(Kind.STATUS, v)));
        }
    }

    public synchronized void unsubscribe(String id, Consumer<Event> listener) {
        listeners.computeIfPresent(id, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    private static void deliver(Consumer<Event> l, Event e) {
        try {
            l.accept(e);
        } catch (RuntimeException ex) {
            log.debug("a listener of bulk job {} failed: {}", e.job().job().id(), ex.toString());
        }
    }

    /** Records a change in memory (and on disk when {@code persist}), and tells the listeners. */
    private synchronized void put(BulkJob job, Kind kind, boolean persist) {
        if (persist) {
            repo.save(job);
            unrecorded.remove(job.id());
        }
        jobs.put(job.id(), job);
        List<Consumer<Event>> list = listeners.get(job.id());
        if (list != null) {
            Event e = new Event(kind, view(job));
            delivery.execute(() -> list.forEach(l -> deliver(l, e)));
        }
    }

    // ---- the runner ----

    @Override
    public void start() {
        stopping = false;
        thread = new Thread(this::loop, "bulk-runner");
        thread.setDaemon(true);
        thread.start();
        running = true;
    }

    @Override
    public void stop() {
        stopping = true;
        wake.release();
        if (thread != null) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        delivery.shutdown();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the predictor pool, stops before it (and after the web server has stopped taking requests). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    private void loop() {
        while (!stopping) {
            try {
                BulkJob next = nextJob();
                if (next == null) {
                    // idle: a good time to write the final states a full disk refused, now that it may have room
                    writeUnrecorded();
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    continue;
                }
                runToEnd(next);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // Not a job's failure (runToEnd ends those): the runner's own bookkeeping. Later jobs must still run.
                log.error("the bulk runner hit an error; it goes on in {} ms", BACKOFF_MILLIS, t);
                sleep(BACKOFF_MILLIS);
            }
        }
    }

    /** Runs a job; whatever it throws (an {@link Error} included) ends it FAILED with the reason. */
    private void runToEnd(BulkJob next) {
        try {
            run(next);
        } catch (Throwable e) {
            if (stopping) {
                // e.g. its progress could not be written at the stop: it stays RUNNING and resumes at the next start
                log.warn("bulk job {} stopped with an error; it resumes at the next start: {}", next.id(),
                        e.toString());
                return;
            }
            log.error("bulk job {} failed", next.id(), e);
            BulkJob now = jobs.get(next.id());
            if (now != null && !now.status().isFinal()) {
                end(now, BulkStatus.FAILED, "the job failed: " + StoreFull.describe(e));
            }
        } finally {
            current = null;
        }
    }

    /** A job left RUNNING (by a stop or a crash) first, then the oldest queued one. */
    private synchronized BulkJob nextJob() {
        Comparator<BulkJob> oldest = Comparator.comparing(BulkJob::createdAt).thenComparing(BulkJob::id);
        Optional<BulkJob> resumed = jobs.values().stream().filter(j -> j.status() == BulkStatus.RUNNING).min(oldest);
        if (resumed.isPresent()) {
            return resumed.get();
        }
        return jobs.values().stream().filter(j -> j.status() == BulkStatus.QUEUED).min(oldest).orElse(null);
    }

    /**
     * Ends a job. When the store cannot take the final state (a full disk), the job still ends here, in memory, and
     * the state is written later ({@link #writeUnrecorded}); its inputs stay until then, because a restart before
     * that finds the job RUNNING and resumes it.
     */
    private void end(BulkJob job, BulkStatus status, String error) {
        BulkJob ended = job.ended(status, clock.instant(), error);
        synchronized (this) {
            try {
                put(ended, Kind.STATUS, true);
            } catch (RuntimeException e) {
                log.warn("bulk job {} ended {} but the store cannot record it ({}); it is written once the store "
                        + "takes writes again", job.id(), status, StoreFull.describe(e));
                put(ended, Kind.STATUS, false);
                unrecorded.add(job.id());
                return;
            }
        }
        repo.dropInputs(job.id());
        writeUnrecorded();
    }

    /** Writes the final states the store refused before; those it still refuses wait for the next try. */
    private synchronized void writeUnrecorded() {
        for (Iterator<String> it = unrecorded.iterator(); it.hasNext(); ) {
            String id = it.next();
            BulkJob j = jobs.get(id);
            if (j == null) {
                it.remove();
                continue;
            }
            try {
                repo.save(j);
            } catch (RuntimeException e) {
                log.debug("bulk job {}: its final state still cannot be written: {}", id, e.toString());
                continue;
            }
            it.remove();
            repo.dropInputs(id);
            log.info("bulk job {}: its final state {} is written now", id, j.status());
        }
    }

    /** A chunk of inputs and its answer (or why it has none). */
    private static final class Chunk {
        final List<BulkInput> inputs;
        final List<Classifier.Submission> parts = new ArrayList<>();
        /** Per input: the error line's reason, or null when a submission answers it. */
        final String[] errors;

        Chunk(List<BulkInput> inputs) {
            this.inputs = inputs;
            this.errors = new String[inputs.size()];
        }

        void cancel() {
            parts.forEach(p -> p.cancel().run());
        }
    }

    private void run(BulkJob queued) throws IOException {
        String id = queued.id();
        current = id;
        BulkJob job;
        synchronized (this) {
            job = jobs.get(id);
            if (job.status() != BulkStatus.RUNNING && job.status() != BulkStatus.QUEUED) {
                return;
            }
            boolean resuming = job.status() == BulkStatus.RUNNING;
            job = job.started(clock.instant());
            put(job, Kind.STATUS, true);
            if (resuming) {
                log.info("resuming bulk job {}", id);
            }
        }
        try (BulkJobRepository.Results results = repo.openResults(id)) {
            long done = results.lines();
            if (done > job.total()) {
                end(job, BulkStatus.FAILED, "its results file holds " + done + " lines for " + job.total() + " texts");
                return;
            }
            long failed = job.processed() == done ? job.failedTexts() : countFailed(id);
            job = job.withProgress(done, failed);
            jobs.put(id, job);
            runStartNanos = System.nanoTime();
            runStartProcessed = done;
            Classifier.Options options = job.options().toOptions(maxWindows);
            ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
            int inFlightTexts = 0;
            long lastEvent = 0;
            // A chunk read from the inputs that the classifier could not take yet (no model loaded, as after a
            // restart): it goes first next time. Its texts are out of the input file's reader already, and the
            // results must stay one line per input, in order.
            List<BulkInput> waiting = null;
            try (BulkJobRepository.Inputs inputs = repo.inputs(id, done)) {
                while (true) {
                    BulkJob now = jobs.get(id);
                    if (now.cancelRequested()) {
                        inFlight.forEach(Chunk::cancel);
                        end(now, BulkStatus.CANCELLED, null);
                        return;
                    }
                    if (stopping) {
                        // Left RUNNING: the next start resumes after the last line written.
                        inFlight.forEach(Chunk::cancel);
                        put(now, Kind.PROGRESS, true);
                        return;
                    }
                    while (inFlightTexts + props.chunkTexts() <= props.maxInFlightTexts()
                            && (waiting != null || inputs.hasNext())) {
                        List<BulkInput> chunk = waiting;
                        if (chunk == null) {
                            chunk = new ArrayList<>(props.chunkTexts());
                            while (chunk.size() < props.chunkTexts() && inputs.hasNext()) {
                                chunk.add(inputs.next());
                            }
                        }
                        Chunk c = submit(chunk, options);
                        if (c == null) {
                            waiting = chunk;
                            break;
                        }
                        waiting = null;
                        inFlight.add(c);
                        inFlightTexts += chunk.size();
                    }
                    if (inFlight.isEmpty()) {
                        if (waiting == null && !inputs.hasNext()) {
                            end(jobs.get(id), BulkStatus.SUCCEEDED, null);
                            return;
                        }
                        // No model to run on yet (still loading): look again shortly.
                        sleep(200);
                        continue;
                    }
                    Chunk head = inFlight.peek();
                    List<Classifier.Classification> answers = await(head);
                    if (answers == null) {
                        continue;
                    }
                    inFlight.poll();
                    inFlightTexts -= head.inputs.size();
                    String mismatch = modelMismatch(id, answers);
                    if (mismatch != null) {
                        inFlight.forEach(Chunk::cancel);
                        end(jobs.get(id), BulkStatus.FAILED, mismatch);
                        return;
                    }
                    int errors = write(results, head, answers);
                    textsProcessed.increment(head.inputs.size());
                    textsFailed.increment(errors);
                    BulkJob progressed = jobs.get(id);
                    progressed = progressed.withProgress(progressed.processed() + head.inputs.size(),
                            progressed.failedTexts() + errors);
                    long t = System.nanoTime();
                    boolean event = t - lastEvent >= PROGRESS_EVERY_NANOS;
                    if (event) {
                        lastEvent = t;
                    }
                    putProgress(progressed, event);
                }
            }
        }
    }

    private synchronized void putProgress(BulkJob progressed, boolean event) {
        // A cancel may have been recorded meanwhile: keep its flag.
        BulkJob now = jobs.get(progressed.id());
        BulkJob next = now.cancelRequested() && !progressed.cancelRequested() ? progressed.withCancelRequested() : progressed;
        if (event) {
            put(next, Kind.PROGRESS, false);
        } else {
            jobs.put(next.id(), next);
        }
    }

    /** Queues a chunk; null when no model is loaded yet. A text the model cannot read becomes an error line. */
    private Chunk submit(List<BulkInput> inputs, Classifier.Options options) {
        Chunk c = new Chunk(inputs);
        try {
            c.parts.add(classifier.submitBackground(inputs.stream().map(BulkInput::text).toList(), options));
            return c;
        } catch (InvalidInputException e) {
            // One text (say, one needing more windows than allowed) must not sink its neighbours: one by one.
            for (int i = 0; i < inputs.size(); i++) {
                try {
                    c.parts.add(classifier.submitBackground(List.of(inputs.get(i).text()), options));
                } catch (InvalidInputException one) {
                    c.errors[i] = one.getMessage();
                    c.parts.add(null);
                }
            }
            return c;
        } catch (ServiceUnavailableException e) {
            c.cancel();
            if (e.reason() == ServiceUnavailableException.Reason.NOT_READY
                    || e.reason() == ServiceUnavailableException.Reason.SHUTTING_DOWN) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The chunk's answers, one per part (null for an input that had an error at submit); null when not done within
     * a short wait (the caller looks at cancel and stop, then waits again).
     */
    private List<Classifier.Classification> await(Chunk c) {
        List<Classifier.Classification> out = new ArrayList<>(c.parts.size());
        for (int i = 0; i < c.parts.size(); i++) {
            Classifier.Submission s = c.parts.get(i);
            if (s == null) {
                out.add(null);
                continue;
            }
            try {
                out.add(s.result().get(250, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (CancellationException e) {
                return null;
            } catch (ExecutionException e) {
                // The batch failed to run (the engine's reason): every text of this part gets an error line.
                String reason = e.getCause() != null ? e.getCause().getMessage() : e.toString();
                int from = c.parts.size() == 1 ? 0 : i;
                int to = c.parts.size() == 1 ? c.inputs.size() : i + 1;
                for (int k = from; k < to; k++) {
                    c.errors[k] = reason;
                }
                out.add(null);
            }
        }
        return out;
    }

    /** Why the chunk's answers cannot join this job's results (another model answered), or null. */
    private synchronized String modelMismatch(String id, List<Classifier.Classification> answers) {
        for (Classifier.Classification a : answers) {
            if (a == null) {
                continue;
            }
            BulkJob j = jobs.get(id);
            if (j.modelVersion() == null) {
                put(j.withModel(a.modelId(), a.modelVersion()), Kind.STATUS, true);
            } else if (!j.modelVersion().equals(a.modelVersion())) {
                return "the served model changed from " + j.modelId() + " version " + j.modelVersion() + " to "
                        + a.modelId() + " version " + a.modelVersion() + " after " + j.processed() + " results; a job "
                        + "never mixes two models' answers: submit the remaining texts as a new job";
            }
        }
        return null;
    }

    /** Appends the chunk's result lines, in input order, forced to disk; returns how many are error lines. */
    private static int write(BulkJobRepository.Results results, Chunk c, List<Classifier.Classification> answers)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.inputs.size() * 256);
        int errors = 0;
        boolean whole = c.parts.size() == 1;
        for (int i = 0; i < c.inputs.size(); i++) {
            BulkInput in = c.inputs.get(i);
            Map<String, Object> line = new LinkedHashMap<>();
            if (in.id() != null) {
                line.put("id", in.id());
            }
            Classifier.Classification a = whole ? answers.get(0) : answers.get(i);
            if (c.errors[i] != null || a == null) {
                line.put("error", c.errors[i] != null ? c.errors[i] : "no answer");
                errors++;
            } else {
                Classifier.TextResult r = a.results().get(whole ? i : 0);
                line.put("labels", r.labels());
                line.put("scores", r.scores());
                line.put("truncated", r.truncated());
                line.put("windows", r.windows());
                line.put("out_of_vocabulary", r.outOfVocabulary());
            }
            out.writeBytes(Json.MAPPER.writeValueAsBytes(line));
            out.write('\n');
        }
        results.append(out.toByteArray(), c.inputs.size());
        return errors;
    }

    /** Error lines among a job's results (after a restart, when the job file's count may be behind the file). */
    private long countFailed(String id) throws IOException {
        long n = 0;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(repo.readResults(id),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains("\"error\":")) {
                    n++;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return n;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
