package dev.tagger.training.jobs;

import dev.tagger.config.Roles;
import dev.tagger.config.TaggerProperties;
import dev.tagger.engine.NativeMemory;
import dev.tagger.io.StoreFull;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.training.jobs.JobEvents.JobEvent;
import dev.tagger.training.jobs.JobEvents.Kind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs the queued jobs, one at a time (PyTorch's gradient collector is process-wide), on one thread that claims
 * the oldest QUEUED job from the {@link JobRepository}. Admission is bounded: a job beyond
 * {@code tagger.training.queue-capacity} waiting jobs is refused with 429. A cancel ends a queued job at once and
 * stops a running one at its next step. Every change is persisted through the repository and published to the
 * {@link JobEvents}.
 * <p>
 * At start, a job the repository shows RUNNING with no runner ({@link JobRepository#abandoned}) was left so by a
 * stop or a crash: it ends FAILED with the reason {@link TrainJob#INTERRUPTED} (its partial training is lost; no
 * half-written model exists, bundles are written atomically) and a model it had written is deleted unless it is
 * served. QUEUED jobs had not started: they run again, in the order they were submitted.
 * <p>
 * The thread outlives any failure. Whatever a job's step throws (an {@link Error} included) ends that job FAILED
 * with the reason, a full disk as "the store could not be written: No space left on device"; a failure of the
 * runner's own bookkeeping is logged and the loop goes on after a short pause. When even the job's final state
 * cannot be stored, a single-process store still ends it in memory ({@link JobRepository#endUnrecorded}), so that
 * the API shows it FAILED and its event streams end; in a shared store it stays RUNNING until its lease expires and
 * another trainer takes it over, as when this replica dies.
 */
@Component
public class JobRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** The pause after a failure of the loop itself, so that a persistent one does not spin. */
    private static final long BACKOFF_MILLIS = 1_000;

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
                        "the training queue holds " + waiting + " waiting job(s), its capacity "
                                + "(tagger.training.queue-capacity); retry when one has started", 60);
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

    /**
     * Ends the jobs that a stop or a crash left RUNNING with no runner, and deletes the models they had written;
     * returns how many. A store that cannot be written now (a full disk) does not keep the service from starting:
     * such a job is ended in memory and stays abandoned on disk for the next start.
     */
    int recover() {
        int recovered = 0;
        for (TrainJob j : jobs.abandoned(clock.instant())) {
            UnaryOperator<TrainJob> interrupted = x -> x.status() == JobStatus.RUNNING
                    ? x.finished(JobStatus.FAILED, clock.instant(), null, TrainJob.INTERRUPTED) : x;
            try {
                jobs.update(j.id(), interrupted);
            } catch (RuntimeException e) {
                log.warn("job {} was running when the service stopped and cannot be marked FAILED in the store "
                        + "({}); it is, until the next start", j.id(), StoreFull.describe(e));
                jobs.endUnrecorded(j.id(), interrupted);
            }
            log.warn("job {} was running when the service stopped; it is marked FAILED", j.id());
            executor.discardModel(j.id());
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
            try {
                if (runNext()) {
                    continue;
                }
                // Waiting rather than interrupting to stop: an interrupt would also break the job's file writes.
                wake.tryAcquire(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // Not a job's failure (run() ends those): the runner's own bookkeeping. The next job must still run.
                log.error("the training runner hit an error; it goes on in {} ms", BACKOFF_MILLIS, t);
                try {
                    Thread.sleep(BACKOFF_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Claims and runs the next job; false when none is waiting (or the store cannot say). */
    private boolean runNext() {
        TrainJob next;
        try {
            next = jobs.claimNext(clock.instant()).orElse(null);
        } catch (RuntimeException e) {
            // A shared store that is down, or a disk too full to record the claim: try again once it may be back.
            log.warn("cannot claim a job: {}", StoreFull.is(e) ? StoreFull.describe(e) : e.toString());
            return false;
        }
        if (next == null) {
            return false;
        }
        run(next);
        return true;
    }

    private void run(TrainJob job) {
        RunningJob r = new RunningJob(job.id(), jobs, events, metrics);
        running = r;
        long t0 = System.nanoTime();
        JobStatus end = JobStatus.FAILED;
        try {
            end = execute(job, r);
        } finally {
            running = null;
            metrics.duration(end.name().toLowerCase(Locale.ROOT), System.nanoTime() - t0);
            // The job's tensors are closed and its objects unreachable by now, but G1 and glibc keep the memory they
            // held: without this the process idles near the job's peak (bench/memory-after-training.sh measures it).
            NativeMemory.releaseAfterWork();
        }
    }

    /** Runs the job to its end, whatever it throws; returns how it ended. */
    private JobStatus execute(TrainJob job, RunningJob r) {
        TrainJob.Result result;
        try {
            // A cancel or a stop that came between the claim and now found no running job to stop: catch up on it.
            if (jobs.find(job.id()).map(TrainJob::cancelRequested).orElse(false)) {
                r.stop(JobStatus.CANCELLED, "cancelled on request");
            }
            if (stopping) {
                r.stop(JobStatus.FAILED, "interrupted by a shutdown");
            }
            events.publish(new JobEvent(Kind.STATUS, job));
            result = executor.execute(job, r);
        } catch (JobControl.JobStoppedException stopped) {
            log.info("job {} stopped: {}", job.id(), stopped.getMessage());
            return finish(job.id(), stopped.status(), null, stopped.getMessage());
        } catch (Throwable failure) {
            log.error("job {} failed", job.id(), failure);
            return finish(job.id(), JobStatus.FAILED, null, StoreFull.describe(failure));
        }
        JobStatus end = finish(job.id(), JobStatus.SUCCEEDED, result, null);
        if (end == JobStatus.SUCCEEDED) {
            JsonNode f1 = result.metrics() == null ? null : result.metrics().at("/validation/macro_f1");
            if (f1 != null && f1.isNumber()) {
                metrics.succeeded(f1.asDouble());
            }
        }
        return end;
    }

    /**
     * Stores the job's end and tells its listeners. When the store refuses it, a single-process store ends the job
     * in memory instead: FAILED with the store's reason when it had succeeded (its result could not be recorded, so
     * its model is deleted unless it is served), else as it was ending. In a shared store the lease may have been
     * lost (another trainer runs the job now) or the store is down: this replica must not end the job, and its lease
     * will expire.
     *
     * @return how the job ended as this process shows it (RUNNING when it could not be ended here)
     */
    private JobStatus finish(String id, JobStatus end, TrainJob.Result result, String why) {
        TrainJob done;
        try {
            done = jobs.update(id, j -> j.finished(end, clock.instant(), result, why));
        } catch (RuntimeException e) {
            String storeWhy = StoreFull.describe(e);
            log.warn("job {} could not be ended as {} in the store: {}", id, end, storeWhy);
            JobStatus instead = end == JobStatus.SUCCEEDED ? JobStatus.FAILED : end;
            String insteadWhy = end == JobStatus.SUCCEEDED ? storeWhy + " (the job's result could not be recorded)"
                    : why;
            Optional<TrainJob> local;
            try {
                local = jobs.endUnrecorded(id, j -> j.finished(instead, clock.instant(), null, insteadWhy));
            } catch (RuntimeException again) {
                log.warn("job {} cannot be ended here either: {}", id, again.toString());
                return JobStatus.RUNNING;
            }
            if (local.isEmpty()) {
                return JobStatus.RUNNING;
            }
            done = local.get();
        }
        if (done.status() != JobStatus.SUCCEEDED) {
            executor.discardModel(id);
        }
        events.publish(new JobEvent(Kind.STATUS, done));
        return done.status();
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
