package dev.tagger.training.jobs;

import dev.tagger.training.jobs.JobEvents.JobEvent;
import dev.tagger.training.jobs.JobEvents.Kind;

import java.util.List;

/**
 * The runner's side of {@link JobControl} for the job it runs: progress into the repository and to the event
 * listeners (throttled to a few updates a second), the meters, and the flag that stops the job at its next
 * checkpoint.
 */
final class RunningJob implements JobControl {

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    /** How often a checkpoint reads the job back for a cancel asked on another replica (shared store). */
    private static final long CANCEL_CHECK_NANOS = 1_000_000_000L;

    private final String id;
    private final JobRepository jobs;
    private final JobEvents events;
    private final TrainingMetrics metrics;
    private volatile JobStatus stopAs;
    private volatile String stopReason;
    private long phaseStart = System.nanoTime();
    private long phaseUnits;
    private long lastPublished;
    private long lastCancelCheck = System.nanoTime();

    RunningJob(String id, JobRepository jobs, JobEvents events, TrainingMetrics metrics) {
        this.id = id;
        this.jobs = jobs;
        this.events = events;
        this.metrics = metrics;
    }

    String id() {
        return id;
    }

    /** Stops the job at its next checkpoint, ending it in {@code status}. */
    void stop(JobStatus status, String reason) {
        stopReason = reason;
        stopAs = status;
    }

    @Override
    public void checkpoint() {
        long now = System.nanoTime();
        if (stopAs == null && now - lastCancelCheck >= CANCEL_CHECK_NANOS) {
            lastCancelCheck = now;
            // A cancel on this replica stops the job directly; one asked on another reaches it through the store.
            if (jobs.find(id).map(TrainJob::cancelRequested).orElse(false)) {
                stop(JobStatus.CANCELLED, "cancelled on request");
            }
        }
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
        events.publish(new JobEvent(Kind.PROGRESS, jobs.update(id, job -> job.withBaseline(scores))));
    }

    @Override
    public void epoch(TrainJob.EpochReport report) {
        events.publish(new JobEvent(Kind.EPOCH, jobs.appendEpoch(id, report)));
    }

    @Override
    public void warnings(List<String> warnings) {
        events.publish(new JobEvent(Kind.PROGRESS, jobs.update(id, job -> job.withWarnings(warnings))));
    }

    private void progress(TrainJob.Progress p, boolean always) {
        TrainJob j = jobs.recordProgress(id, p);
        long now = System.nanoTime();
        if (always || now - lastPublished >= PROGRESS_EVERY_NANOS) {
            lastPublished = now;
            events.publish(new JobEvent(Kind.PROGRESS, j));
        }
    }

    private double rate(long units) {
        return units / Math.max((System.nanoTime() - phaseStart) / 1e9, 1e-9);
    }

    private static Long eta(long unitsLeft, double rate) {
        return rate > 0 ? Math.round(unitsLeft / rate) : null;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
