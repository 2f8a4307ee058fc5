package dev.tagger.training.jobs;

import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.Example;
import dev.tagger.serving.ServiceUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The job queue and the one thread that runs jobs, one at a time (PyTorch's gradient collector is process-wide).
 * Admission is bounded: a job beyond {@code tagger.training.queue-capacity} waiting jobs is refused with 429.
 * A cancel removes a queued job at once and stops a running one at its next step. Listeners (the SSE streams)
 * hear every change, progress throttled to a few updates a second, on a thread of their own so that a slow client
 * never slows training.
 */
@Component
public class JobRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    /** A change of a job: {@code kind} is status, progress or epoch. */
    public record JobEvent(String kind, TrainJob job) {
    }

    private final JobStore store;
    private final JobExecutor executor;
    private final TrainingMetrics metrics;
    private final int capacity;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Map<String, List<Consumer<JobEvent>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "train-events");
        t.setDaemon(true);
        return t;
    });
    private volatile Execution running;
    private volatile boolean stopping;
    private Thread thread;

    public JobRunner(JobStore store, JobExecutor executor, TrainingMetrics metrics, TaggerProperties props) {
        this.store = store;
        this.executor = executor;
        this.metrics = metrics;
        this.capacity = props.training().queueCapacity();
    }

    /**
     * Queues a job.
     *
     * @param examples examples sent with the job, or null when it trains on a stored dataset
     * @throws ServiceUnavailableException (429) when the queue is full
     */
    public TrainJob submit(TrainSpec spec, List<Example> examples) {
        TrainJob job;
        synchronized (this) {
            long waiting = store.count(JobStatus.QUEUED);
            if (waiting >= capacity) {
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED,
                        "the training queue holds " + waiting + " waiting job(s), its capacity; retry when one has "
                                + "started", 60);
            }
            job = TrainJob.queued(store.newId(), store.clock().instant(), spec);
            if (examples != null) {
                store.saveExamples(job.id(), examples);
            }
            store.save(job);
            queue.add(job.id());
        }
        publish("status", job);
        return job;
    }

    /**
     * Cancels a job: a queued one is CANCELLED at once, a running one stops at its next step.
     *
     * @throws IllegalStateException when the job has already ended
     */
    public TrainJob cancel(String id) {
        TrainJob job = store.update(id, j -> {
            if (j.status().isFinal()) {
                throw new IllegalStateException("job " + id + " has already ended: " + j.status());
            }
            return j.status() == JobStatus.QUEUED
                    ? j.finished(JobStatus.CANCELLED, store.clock().instant(), null, "cancelled before it started")
                    : j.withCancelRequested();
        }, true);
        if (job.status() == JobStatus.CANCELLED) {
            queue.remove(id);
            store.deleteExamples(id);
            publish("status", job);
        } else {
            Execution e = running;
            if (e != null && e.id.equals(id)) {
                e.stop(JobStatus.CANCELLED, "cancelled on request");
            }
        }
        return job;
    }

    /** Datasets that queued or running jobs read: they must not be deleted under them. */
    public Set<String> datasetsInUse() {
        return active().flatMap(j -> Stream.of(j.request().trainingData().datasetId(),
                j.request().validationData().datasetId())).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    /** Models that queued or running jobs start from: they must not be deleted under them. */
    public Set<String> modelsInUse() {
        return active().map(j -> j.request().base()).collect(Collectors.toSet());
    }

    private Stream<TrainJob> active() {
        return store.list().stream().filter(j -> !j.status().isFinal());
    }

    /** Hears every change of the job until {@link #unsubscribe}, starting with the job as it is now. */
    public void subscribe(String id, Consumer<JobEvent> listener) {
        listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
        store.get(id).ifPresent(now -> delivery.execute(() -> listener.accept(new JobEvent("status", now))));
    }

    public void unsubscribe(String id, Consumer<JobEvent> listener) {
        listeners.computeIfPresent(id, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    private void publish(String kind, TrainJob job) {
        List<Consumer<JobEvent>> list = listeners.get(job.id());
        if (list == null) {
            return;
        }
        JobEvent event = new JobEvent(kind, job);
        delivery.execute(() -> {
            for (Consumer<JobEvent> l : list) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    log.debug("a listener of job {} failed: {}", job.id(), e.toString());
                }
            }
        });
    }

    @Override
    public void start() {
        stopping = false;
        store.queuedAtStart().forEach(queue::add);
        thread = new Thread(this::loop, "train-runner");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            String id;
            try {
                // Polling rather than interrupting to stop: an interrupt would also break the job's file writes.
                id = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (id != null) {
                run(id);
            }
        }
    }

    private void run(String id) {
        Execution e = new Execution(id);
        running = e;
        long t0 = System.nanoTime();
        // Only a job still QUEUED starts: a cancel may have ended it since it was taken from the queue.
        TrainJob job = store.update(id, j -> j.status() == JobStatus.QUEUED ? j.started(store.clock().instant()) : j,
                true);
        if (job.status() != JobStatus.RUNNING) {
            running = null;
            return;
        }
        publish("status", job);
        JobStatus end;
        try {
            TrainJob.Result result = executor.execute(job, e);
            end = JobStatus.SUCCEEDED;
            metrics.succeeded(result.metrics().at("/validation/macro_f1").asDouble());
            finish(job.id(), end, result, null);
        } catch (JobControl.JobStoppedException stopped) {
            end = stopped.status();
            log.info("job {} stopped: {}", job.id(), stopped.getMessage());
            finish(job.id(), end, null, stopped.getMessage());
        } catch (Exception | Error failure) {
            end = JobStatus.FAILED;
            log.error("job {} failed", job.id(), failure);
            String why = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
            finish(job.id(), end, null, why);
        } finally {
            running = null;
            store.deleteExamples(job.id());
        }
        metrics.duration(end.name().toLowerCase(Locale.ROOT), System.nanoTime() - t0);
    }

    private void finish(String id, JobStatus end, TrainJob.Result result, String why) {
        TrainJob done = store.update(id, j -> j.finished(end, store.clock().instant(), result, why), true);
        publish("status", done);
    }

    /** The running job's side of {@link JobControl}: progress into the store and to listeners, and the stop flag. */
    private final class Execution implements JobControl {
        private final String id;
        private volatile JobStatus stopAs;
        private volatile String stopReason;
        private long phaseStart = System.nanoTime();
        private long phaseUnits;
        private long lastPublished;

        Execution(String id) {
            this.id = id;
        }

        void stop(JobStatus status, String reason) {
            stopReason = reason;
            stopAs = status;
        }

        @Override
        public void checkpoint() {
            JobStatus s = stopAs;
            if (s != null) {
                throw new JobStoppedException(s, stopReason);
            }
        }

        @Override
        public void phase(String phase) {
            phaseStart = System.nanoTime();
            phaseUnits = 0;
            progress(TrainJob.Progress.phase(phase), true);
        }

        @Override
        public void encoded(int done, int total) {
            double rate = rate(done);
            progress(new TrainJob.Progress("encoding", null, null, null, null, null, done, total, round(rate),
                    eta(total - done, rate)), done == total);
        }

        @Override
        public void step(int epoch, int epochs, long step, long totalSteps, float loss, int examples) {
            metrics.step(examples, loss);
            phaseUnits += examples;
            double rate = rate(phaseUnits);
            double perStep = (System.nanoTime() - phaseStart) / 1e9 / step;
            progress(new TrainJob.Progress("training", epoch, epochs, step, totalSteps, round(loss), null, null,
                    round(rate), Math.round(perStep * (totalSteps - step))), step == totalSteps);
        }

        @Override
        public void baseline(TrainJob.Scores scores) {
            TrainJob j = store.update(id, job -> job.withBaseline(scores), true);
            publish("progress", j);
        }

        @Override
        public void epoch(TrainJob.EpochReport report) {
            TrainJob j = store.update(id, job -> job.withEpoch(report), true);
            publish("epoch", j);
        }

        private void progress(TrainJob.Progress p, boolean always) {
            TrainJob j = store.update(id, job -> job.withProgress(p), false);
            long now = System.nanoTime();
            if (always || now - lastPublished >= PROGRESS_EVERY_NANOS) {
                lastPublished = now;
                publish("progress", j);
            }
        }

        private double rate(long units) {
            return units / Math.max((System.nanoTime() - phaseStart) / 1e9, 1e-9);
        }

        private Long eta(long unitsLeft, double rate) {
            return rate > 0 ? Math.round(unitsLeft / rate) : null;
        }

        private double round(double v) {
            return Math.round(v * 10000) / 10000.0;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        Execution e = running;
        if (e != null) {
            e.stop(JobStatus.FAILED, "interrupted by a shutdown");
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        delivery.shutdown();
    }

    @Override
    public boolean isRunning() {
        return thread != null && thread.isAlive() && !stopping;
    }

    /** Starts after the predictor pool (jobs may deploy), stops before it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4000;
    }
}
