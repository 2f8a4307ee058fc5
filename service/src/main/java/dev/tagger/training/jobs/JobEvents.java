package dev.tagger.training.jobs;

import java.util.function.Consumer;

/**
 * Changes of jobs as they happen, for those that follow one job (the event streams). Listeners hear them on a
 * thread of the implementation's, never on the training thread, so that a slow listener never slows training.
 * <p>
 * Implementations: {@code store/local} (in this process). A shared one carries events between processes.
 */
public interface JobEvents {

    /** What changed: the state, the progress (throttled to a few a second) or a finished epoch. */
    enum Kind { STATUS, PROGRESS, EPOCH }

    /** One change, carrying the whole job as it is after it. */
    record JobEvent(Kind kind, TrainJob job) {
    }

    void publish(JobEvent event);

    /**
     * Hears every change of the job until {@link #unsubscribe}, starting with a {@link Kind#STATUS} event of the job
     * as it is then; no change is lost between that first event and the next.
     */
    void subscribe(String jobId, Consumer<JobEvent> listener);

    void unsubscribe(String jobId, Consumer<JobEvent> listener);
}
