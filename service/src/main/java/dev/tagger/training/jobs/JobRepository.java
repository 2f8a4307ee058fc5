package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where training jobs live: each job's record, its progress and epochs, and the examples sent with it. The
 * state rules are {@link TrainJob}'s; a repository makes each change atomic, so that several processes sharing
 * one repository never run a job twice nor lose a change.
 * <p>
 * Implementations: {@code store/local} (one JSON file per job, the default). A shared implementation
 * (a database) plugs in beside it without a change here or in the runner.
 */
public interface JobRepository {

    /** A page of jobs, newest first, and how many match in all. */
    record Page(List<TrainJob> items, long total) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * Stores a new QUEUED job, with the examples sent with it. The examples are kept until the job reaches a
     * final state; the job's record is kept for good.
     *
     * @param examples the job's inline examples, or null when it reads stored datasets
     */
    void create(TrainJob job, List<Example> examples);

    Optional<TrainJob> find(String id);

    /** Jobs in one of {@code states}, newest first (ties by id), from {@code offset}, at most {@code limit}. */
    Page list(Set<JobStatus> states, long offset, int limit);

    long count(JobStatus status);

    /**
     * Claims the oldest QUEUED job for this process: it becomes RUNNING, started {@code now}. Exactly one caller
     * gets each job, however many claim at once. A shared implementation holds the claim as a lease that the
     * job's changes ({@link #recordProgress}, {@link #appendEpoch}, {@link #update}) keep renewing.
     *
     * @return the claimed job, or empty when none is waiting
     */
    Optional<TrainJob> claimNext(Instant now);

    /**
     * RUNNING jobs whose runner is gone, so that nothing will ever end them: for files, those that were RUNNING
     * when the repository was opened (one process owns them); for a shared store, those whose lease expired.
     * What becomes of them is the runner's rule.
     */
    List<TrainJob> abandoned(Instant now);

    /**
     * Changes one job atomically with respect to every other change of it; the result is durable. A change to a
     * final state also drops the job's examples.
     *
     * @param change the new job given the current one; it may throw to refuse the change (nothing is written)
     * @return the changed job
     * @throws java.util.NoSuchElementException when there is no such job
     */
    TrainJob update(String id, UnaryOperator<TrainJob> change);

    /**
     * Ends a job this process runs when {@link #update} could not make its final state durable (a full disk, a
     * store that is gone), so that readers in this process see it end and its event streams close. The final state
     * is not durable: a repository that is not the only one to hold the job must not end it in this process alone.
     * The default does nothing: in a shared store the job stays RUNNING, its lease expires and another trainer takes
     * it over. A single-process store keeps the final state in memory (and may write it once it can); a restart
     * finds the job RUNNING and the runner ends it {@linkplain #abandoned as abandoned}.
     *
     * @param change the final job given the current one
     * @return the job as this process now shows it, or empty when this repository cannot end it here
     */
    default Optional<TrainJob> endUnrecorded(String id, UnaryOperator<TrainJob> change) {
        return Optional.empty();
    }

    /**
     * Records where a running job is. Progress changes many times a second: an implementation may keep the latest
     * value in memory and make it durable with the job's next {@link #update} or {@link #appendEpoch}.
     *
     * @return the job with this progress
     */
    TrainJob recordProgress(String id, TrainJob.Progress progress);

    /** Appends one epoch's report to the job (durable). */
    TrainJob appendEpoch(String id, TrainJob.EpochReport epoch);

    /**
     * The examples sent with a job that has not ended.
     *
     * @throws IOException when they cannot be read, or are gone
     */
    List<Example> examples(String id) throws IOException;
}
