package dev.tagger.bulk;

/** Where a bulk job is in its life: QUEUED, RUNNING, then one of the three final states. */
public enum BulkStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
