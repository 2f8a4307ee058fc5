package dev.tagger.bulk;

import java.time.Instant;

/**
 * A bulk classification job as stored. Immutable: each change makes a new one.
 *
 * @param source          where the texts came from: {@code dataset:<id>} or {@code upload:<filename>}
 * @param format          the input's format (jsonl, csv, txt, or dataset)
 * @param total           texts in the job
 * @param processed       texts with a durable result line (read from the results file when a job resumes)
 * @param failedTexts     result lines that carry an error instead of labels (a text the model could not read)
 * @param modelId         the model that answers the job, fixed by its first results (null until then)
 * @param modelVersion    that model's version: a job never mixes the answers of two models
 * @param error           why a FAILED job failed
 * @param cancelRequested whether a cancel was asked for a job that was RUNNING
 */
public record BulkJob(String id, BulkStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
                      String source, String format, long total, long processed, long failedTexts,
                      BulkOptions options, String modelId, String modelVersion, String error,
                      boolean cancelRequested) {

    /** The reason a job that was RUNNING when the service stopped ends with, when it cannot resume. */
    public static final String INTERRUPTED = "interrupted";

    public static BulkJob queued(String id, Instant now, String source, String format, long total, BulkOptions options) {
        return new BulkJob(id, BulkStatus.QUEUED, now, null, null, source, format, total, 0, 0, options, null, null,
                null, false);
    }

    public BulkJob started(Instant now) {
        return new BulkJob(id, BulkStatus.RUNNING, createdAt, startedAt != null ? startedAt : now, null, source, format,
                total, processed, failedTexts, options, modelId, modelVersion, null, cancelRequested);
    }

    public BulkJob withProgress(long processed, long failedTexts) {
        return new BulkJob(id, status, createdAt, startedAt, finishedAt, source, format, total, processed, failedTexts,
                options, modelId, modelVersion, error, cancelRequested);
    }

    public BulkJob withModel(String modelId, String modelVersion) {
        return new BulkJob(id, status, createdAt, startedAt, finishedAt, source, format, total, processed, failedTexts,
                options, modelId, modelVersion, error, cancelRequested);
    }

    public BulkJob withCancelRequested() {
        return new BulkJob(id, status, createdAt, startedAt, finishedAt, source, format, total, processed, failedTexts,
                options, modelId, modelVersion, error, true);
    }

    public BulkJob ended(BulkStatus status, Instant now, String error) {
        return new BulkJob(id, status, createdAt, startedAt, now, source, format, total, processed, failedTexts, options,
                modelId, modelVersion, error, cancelRequested);
    }
}
