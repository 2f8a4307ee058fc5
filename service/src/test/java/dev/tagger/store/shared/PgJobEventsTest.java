package dev.tagger.store.shared;

import dev.tagger.training.jobs.JobEvents.JobEvent;
import dev.tagger.training.jobs.JobEvents.Kind;
import dev.tagger.training.jobs.JobRepositoryContract;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How two reads of a job's row become events: no epoch is lost when several came between two polls. */
class PgJobEventsTest {

    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    private static TrainJob.EpochReport epoch(int n) {
        return new TrainJob.EpochReport(n, 0.5, new TrainJob.Scores(0.5, 0.6, 0.4), 1.0);
    }

    @Test
    void epochsThatCameBetweenTwoPollsAreEachAnEventThenTheEnd() {
        TrainJob running = TrainJob.queued("j", T, JobRepositoryContract.spec()).started(T).withEpoch(epoch(1));
        TrainJob later = running.withEpoch(epoch(2)).withEpoch(epoch(3)).finished(JobStatus.SUCCEEDED, T, null, null);

        List<JobEvent> events = PgJobEvents.changes(running, later);

        assertThat(events).extracting(JobEvent::kind).containsExactly(Kind.EPOCH, Kind.EPOCH, Kind.STATUS);
        assertThat(events).extracting(e -> e.job().epochs().size()).containsExactly(2, 3, 3);
    }

    @Test
    void theFirstReadIsTheStatusAndProgressOnlyIsProgressAndNoChangeIsNothing() {
        TrainJob running = TrainJob.queued("j", T, JobRepositoryContract.spec()).started(T);
        assertThat(PgJobEvents.changes(null, running)).extracting(JobEvent::kind).containsExactly(Kind.STATUS);
        TrainJob moved = running.withProgress(TrainJob.Progress.phase("training"));
        assertThat(PgJobEvents.changes(running, moved)).extracting(JobEvent::kind).containsExactly(Kind.PROGRESS);
        assertThat(PgJobEvents.changes(moved, moved)).isEmpty();
    }
}
