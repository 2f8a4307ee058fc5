package dev.tagger.training.jobs;

import dev.tagger.config.Roles;
import dev.tagger.config.TaggerProperties;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.training.jobs.JobEvents.JobEvent;
import dev.tagger.training.jobs.JobEvents.Kind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs the queued jobs, one at a time (PyTorch's gradient collector is process-wide), on one thread that claims
 * the oldest QUEUED job from the {@link JobRepository}. Admission is bounded: a job beyond
 * {@code tagger.training.queue-capacity} waiting jobs is refused with 429. A cancel ends a queued job at once and
 * stops a running one at its next step. Every change is persisted through the repository and published to the
 * {@link JobEvents}.
 * <p>
 * At start, a job the repository shows RUNNING with no runner ({@link JobRepository#abandoned}) was left so by a
 * stop or a crash: it ends FAILED with the reason {@link TrainJob#INTERRUPTED} (its partial training is lost; no
 * half-written model exists, bundles are written atomically). QUEUED jobs had not started: they run again, in the
 * order they were submitted.
 */
@Component
public class JobRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobRepository jobs;
    private final JobExecutor executor;
    private final JobEvents events;
    private final TrainingMetrics metrics;
    private final ActiveJobs active;
    private final int capacity;
    private final Clock clock;
    private final boolean trains;
    private final Semaphore wake = new Semaphore(0);
    private volatile RunningJob running;
    private volatile boolean stopping;
    private volatile boolean started;
    private Thread thread;

    @Autowired
    public JobRunner(JobRepository jobs, JobExecutor executor, JobEvents events, TrainingMetrics metrics,
                     ActiveJobs active, TaggerProperties props, Roles roles) {
        this(jobs, executor, events, metrics, active, props.training().queueCapacity(), Clock.systemUTC(),
                roles.trainer());
    }

    JobRunner(JobRepository jobs, JobExecutor executor, JobEvents events, TrainingMetrics metrics, ActiveJobs active,
              int capacity, Clock clock) {
        this(jobs, executor, events, metrics, active, capacity, clock, true);
    }

    /** @param trains whether this replica runs jobs (role trainer); an API-only replica only queues them */
    JobRunner(JobRepository jobs, JobExecutor executor, JobEvents events, TrainingMetrics metrics, ActiveJobs active,
              int capacity, Clock clock, boolean trains) {
        this.trains = trains;
        this.jobs = jobs;
        this.executor = executor;
        this.events = events;
        this.metrics = metrics;
        this.active = active;
        this.capacity = capacity;
        this.clock = clock;
    }

    /**
     * Queues a planned job.
     *
     * @throws ServiceUnavailableException (429) when the queue is full
     */
    public TrainJob submit(TrainPlanner.Plan plan) {
        TrainJob job;
        synchronized (this) {
            long waiting = jobs.count(JobStatus.QUEUED);
            if (waiting >= capacity) {
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED,
                        "the training queue holds " + waiting + " waiting job(s), its capacity; retry when one has "
                                + "started", 60);
            }
            job = TrainJob.queued(TrainJob.newId(clock.instant()), clock.instant(), plan.spec());
            jobs.create(job, plan.examples());
        }
        events.publish(new JobEvent(Kind.STATUS, job));
        wake.release();
        return job;
    }

    /**
     * Cancels a job: a queued one is CANCELLED at once, a running one stops at its next step.
     *
     * @throws IllegalStateException when the job has already ended
     */
    public TrainJob cancel(String id) {
        TrainJob job = jobs.update(id, j -> j.cancelled(clock.instant()));
        if (job.status() == JobStatus.CANCELLED) {
            events.publish(new JobEvent(Kind.STATUS, job));
        } else {
            RunningJob r = running;
            if (r != null && r.id().equals(id)) {
                r.stop(JobStatus.CANCELLED, "cancelled on request");
            }
        }
        return job;
    }

    /** Datasets that queued or running jobs read: they must not be deleted under them. */
    public Set<String> datasetsInUse() {
        return active.datasetsInUse();
    }

    /** Ends the jobs that a stop or a crash left RUNNING with no runner; returns how many. */
    int recover() {
        int recovered = 0;
        for (TrainJob j : jobs.abandoned(clock.instant())) {
            jobs.update(j.id(), x -> x.status() == JobStatus.RUNNING
                    ? x.finished(JobStatus.FAILED, clock.instant(), null, TrainJob.INTERRUPTED) : x);
            log.warn("job {} was running when the service stopped; it is marked FAILED", j.id());
            recovered++;
        }
        long queued = jobs.count(JobStatus.QUEUED);
        if (queued > 0) {
            log.info("{} job(s) were queued when the service stopped; they are queued again", queued);
        }
        return recovered;
    }

    @Override
    public void start() {
        stopping = false;
        started = true;
        if (!trains) {
            log.info("this replica does not train (tagger.roles has no 'trainer'): jobs are queued for the trainers");
            return;
        }
        recover();
        thread = new Thread(this::loop, "train-runner");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            TrainJob next;
            try {
                next = jobs.claimNext(clock.instant()).orElse(null);
            } catch (RuntimeException e) {
                // A shared store that is down: keep the thread, try again once it may be back.
                log.warn("cannot claim a job: {}", e.toString());
                next = null;
            }
            if (next != null) {
                run(next);
                continue;
            }
            try {
                // Waiting rather than interrupting to stop: an interrupt would also break the job's file writes.
                wake.tryAcquire(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(TrainJob job) {
        RunningJob r = new RunningJob(job.id(), jobs, events, metrics);
        running = r;
        long t0 = System.nanoTime();
        // A cancel or a stop that came between the claim and now found no running job to stop: catch up on it.
        if (jobs.find(job.id()).map(TrainJob::cancelRequested).orElse(false)) {
            r.stop(JobStatus.CANCELLED, "cancelled on request");
        }
        if (stopping) {
            r.stop(JobStatus.FAILED, "interrupted by a shutdown");
        }
        events.publish(new JobEvent(Kind.STATUS, job));
        JobStatus end;
        try {
            TrainJob.Result result = executor.execute(job, r);
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
        }
        metrics.duration(end.name().toLowerCase(Locale.ROOT), System.nanoTime() - t0);
    }

    private void finish(String id, JobStatus end, TrainJob.Result result, String why) {
        TrainJob done;
        try {
            done = jobs.update(id, j -> j.finished(end, clock.instant(), result, why));
        } catch (RuntimeException e) {
            // In a shared store the lease may have been lost (another trainer runs the job now) or the store is
            // down: this replica must not end the job, and its lease will expire.
            log.warn("job {} could not be ended as {} here: {}", id, end, e.toString());
            return;
        }
        events.publish(new JobEvent(Kind.STATUS, done));
    }

    @Override
    public void stop() {
        stopping = true;
        RunningJob r = running;
        if (r != null) {
            r.stop(JobStatus.FAILED, "interrupted by a shutdown");
        }
        wake.release();
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        if (!trains) {
            return started && !stopping;
        }
        return thread != null && thread.isAlive() && !stopping;
    }

    /** Starts after the predictor pool (jobs may deploy), stops before it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4000;
    }
}
