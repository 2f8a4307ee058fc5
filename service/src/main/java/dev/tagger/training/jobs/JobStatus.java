package dev.tagger.training.jobs;

/** Where a training job is in its life: QUEUED, RUNNING, then one of the three final states. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
