package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link JobRepository} must do, whatever it stores to: a test class per implementation extends this and
 * says how to open a fresh, empty repository.
 */
public abstract class JobRepositoryContract {

    /** A new, empty repository. */
    protected abstract JobRepository repository();

    public static TrainSpec spec() {
        return new TrainSpec("test", new TrainSpec.TrainingData(null, 2), new TrainSpec.ValidationData(null, 0.5),
                List.of("a", "b"), "builtin:all-MiniLM-L6-v2",
                TrainSpec.Parameters.defaults(TrainMode.HEAD, 128, 2), DeployPolicy.IF_BETTER);
    }

    protected static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void jobsAreClaimedInTheOrderTheyWereCreatedAndCancelledOnesAreSkipped() {
        JobRepository jobs = repository();
        Instant same = at("2025-01-01T00:00:00Z");
        for (String id : List.of("z-first", "m-second", "a-third")) {
            jobs.create(TrainJob.queued(id, same, spec()), null);
        }
        jobs.update("m-second", j -> j.cancelled(at("2025-01-01T00:00:01Z")));

        TrainJob first = jobs.claimNext(at("2025-01-01T00:00:02Z")).orElseThrow();
        assertThat(first.id()).isEqualTo("z-first");
        assertThat(first.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(first.startedAt()).isEqualTo(at("2025-01-01T00:00:02Z"));
        assertThat(jobs.find("z-first")).contains(first);
        assertThat(jobs.claimNext(same).orElseThrow().id()).isEqualTo("a-third");
        assertThat(jobs.claimNext(same)).isEmpty();
        assertThat(jobs.count(JobStatus.RUNNING)).isEqualTo(2);
        assertThat(jobs.count(JobStatus.CANCELLED)).isEqualTo(1);
    }

    @Test
    void aJobKeepsItsBaselineEpochsAndEndAndAFinalStateDropsTheExamples() throws Exception {
        JobRepository jobs = repository();
        jobs.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()),
                List.of(Example.of("I love it", "a", "b"), Example.of("meh")));
        assertThat(jobs.examples("j1")).containsExactly(Example.of("I love it", "a", "b"), Example.of("meh"));
        jobs.claimNext(at("2025-01-01T00:00:01Z")).orElseThrow();
        jobs.update("j1", j -> j.withBaseline(new TrainJob.Scores(0.2, 0.3, 0.69)));
        TrainJob.Progress p = new TrainJob.Progress("training", 1, 3, 2L, 9L, 0.5, null, null, 10.0, 7L);
        assertThat(jobs.recordProgress("j1", p).progress()).isEqualTo(p);
        assertThat(jobs.find("j1").orElseThrow().progress()).isEqualTo(p);
        TrainJob withEpoch = jobs.appendEpoch("j1", new TrainJob.EpochReport(1, 0.5,
                new TrainJob.Scores(0.6, 0.7, 0.4), 1.5));
        assertThat(withEpoch.epochs()).hasSize(1);
        assertThat(withEpoch.progress()).isEqualTo(p);

        TrainJob done = jobs.update("j1", j -> j.withCancelRequested()
                .finished(JobStatus.CANCELLED, at("2025-01-01T00:00:09Z"), null, "cancelled on request"));

        assertThat(jobs.find("j1")).contains(done);
        assertThat(done.baseline()).isEqualTo(new TrainJob.Scores(0.2, 0.3, 0.69));
        assertThat(done.epochs()).hasSize(1);
        assertThat(done.cancelRequested()).isTrue();
        assertThatThrownBy(() -> jobs.examples("j1")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> jobs.update("j1", j -> j.cancelled(at("2025-01-01T00:00:10Z"))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(jobs.find("j1")).contains(done);
    }

    @Test
    void unknownJobsAreAbsentAndIdsAreUnique() {
        JobRepository jobs = repository();
        assertThat(jobs.find("nope")).isEmpty();
        assertThat(jobs.find(null)).isEmpty();
        assertThatThrownBy(() -> jobs.update("nope", j -> j)).isInstanceOf(NoSuchElementException.class);
        jobs.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()), null);
        assertThatThrownBy(() -> jobs.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsNewestFirstFilteredAndPaged() {
        JobRepository jobs = repository();
        for (int i = 0; i < 5; i++) {
            jobs.create(TrainJob.queued("j" + i, at("2025-01-01T00:00:0" + i + "Z"), spec()), null);
        }
        jobs.update("j1", j -> j.cancelled(at("2025-01-01T00:01:00Z")));

        JobRepository.Page page = jobs.list(EnumSet.of(JobStatus.QUEUED), 1, 2);
        assertThat(page.items()).extracting(TrainJob::id).containsExactly("j3", "j2");
        assertThat(page.total()).isEqualTo(4);
        assertThat(jobs.list(EnumSet.allOf(JobStatus.class), 4, 10).items()).extracting(TrainJob::id)
                .containsExactly("j0");
        assertThat(jobs.list(EnumSet.of(JobStatus.RUNNING), 0, 10).total()).isZero();
    }
}
