package dev.tagger.training.jobs;

import dev.tagger.io.StoreIds;

import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A training job. Immutable: every change makes a new value. How the API shows it and how a repository keeps it
 * are their own records (api/, store/), so this type can change without changing either.
 *
 * @param cancelRequested a cancel was asked for while the job ran (it stops at its next step)
 * @param request         what the job was asked to do, fully resolved
 * @param progress        where a running job is (absent once it has ended)
 * @param baseline        the starting model's validation scores, before any training
 * @param epochs          validation scores after each epoch
 * @param result          the model made, its metrics and what was done with it (SUCCEEDED only)
 * @param error           why the job failed or was cancelled
 * @param warnings        what makes the job's results less trustworthy than they look (too little validation
 *                        data), for people; from its plan, then from the data it loaded
 */
public record TrainJob(String id, JobStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
                       boolean cancelRequested, TrainSpec request, Progress progress, Scores baseline,
                       List<EpochReport> epochs, Result result, String error, List<String> warnings) {

    /** Why a job left RUNNING by a stop or a crash ends FAILED when the service starts again. */
    public static final String INTERRUPTED = "interrupted by a restart";

    public TrainJob {
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A new, time-ordered job id: base-36 milliseconds, a dash, 6 random base-36 characters. */
    public static String newId(Instant now) {
        return StoreIds.timeOrdered(now);
    }

    public static TrainJob queued(String id, Instant now, TrainSpec request) {
        return new TrainJob(id, JobStatus.QUEUED, now, null, null, false, request, null, null, List.of(), null, null,
                List.of());
    }

    public TrainJob started(Instant now) {
        return new TrainJob(id, JobStatus.RUNNING, createdAt, now, null, cancelRequested, request,
                Progress.phase("starting"), null, List.of(), null, null, warnings);
    }

    public TrainJob finished(JobStatus end, Instant now, Result newResult, String why) {
        return new TrainJob(id, end, createdAt, startedAt, now, cancelRequested, request, null, baseline, epochs,
                newResult, why, warnings);
    }

    /**
     * The job once a cancel is asked for: a queued one ends CANCELLED now, a running one is flagged and stops at
     * its next step.
     *
     * @throws IllegalStateException when the job has already ended
     */
    public TrainJob cancelled(Instant now) {
        if (status.isFinal()) {
            throw new IllegalStateException("job " + id + " has already ended: " + status);
        }
        return status == JobStatus.QUEUED ? finished(JobStatus.CANCELLED, now, null, "cancelled before it started")
                : withCancelRequested();
    }

    public TrainJob withCancelRequested() {
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, true, request, progress, baseline, epochs,
                result, error, warnings);
    }

    public TrainJob withWarnings(List<String> w) {
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, cancelRequested, request, progress, baseline,
                epochs, result, error, w);
    }

    public TrainJob withProgress(Progress p) {
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, cancelRequested, request, p, baseline, epochs,
                result, error, warnings);
    }

    public TrainJob withBaseline(Scores s) {
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, cancelRequested, request, progress, s, epochs,
                result, error, warnings);
    }

    public TrainJob withEpoch(EpochReport e) {
        List<EpochReport> all = new ArrayList<>(epochs);
        all.add(e);
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, cancelRequested, request, progress, baseline,
                all, result, error, warnings);
    }

    /**
     * @param phase             starting, loading, encoding (head only: the frozen encoder runs once over every text),
     *                          evaluating, training, writing, comparing, deploying
     * @param textsEncoded      texts encoded so far (encoding phase)
     * @param examplesPerSecond training examples (or, while encoding, texts) per second in this phase
     * @param etaSeconds        estimated seconds left in this phase
     */
    public record Progress(String phase, Integer epoch, Integer epochs, Long step, Long totalSteps, Double loss,
                           Integer textsEncoded, Integer textsToEncode, Double examplesPerSecond, Long etaSeconds) {
        public static Progress phase(String phase) {
            return new Progress(phase, null, null, null, null, null, null, null, null, null);
        }
    }

    /** Validation scores with per-label thresholds tuned on the validation data; loss is the mean BCE. */
    public record Scores(double macroF1, double microF1, double loss) {
    }

    public record EpochReport(int epoch, double trainLoss, Scores validation, double seconds) {
    }

    /**
     * @param metrics    the card's metrics: every Evaluation figure, per label, and the cross-fitted macro-F1
     * @param timings    where the time went
     * @param deployment what the deploy policy decided
     */
    public record Result(String modelId, String modelVersion, JsonNode metrics, Timings timings,
                         Deployment deployment) {
    }

    /**
     * @param encodeSeconds          running the frozen encoder over every text once (head only)
     * @param trainSeconds           the training steps and per-epoch evaluations
     * @param textsPerSecondEncoding texts per second while encoding (head only)
     * @param examplesPerSecond      training examples per second over the optimizer steps
     */
    public record Timings(Double encodeSeconds, double trainSeconds, Double textsPerSecondEncoding,
                          double examplesPerSecond, double totalSeconds) {
    }

    /**
     * @param candidateMacroF1 the new model's macro-F1 (cross-fitted thresholds) on the validation data
     * @param servingMacroF1   the served model's, same data and procedure (a label it lacks scores 0)
     */
    public record Deployment(DeployPolicy policy, boolean deployed, String reason, Double candidateMacroF1,
                             String servingModelId, Double servingMacroF1) {
    }
}
