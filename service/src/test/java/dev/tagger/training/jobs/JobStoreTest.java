package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JobStoreTest {

    @TempDir
    Path root;

    private static TrainSpec spec() {
        return new TrainSpec("test", new TrainSpec.TrainingData(null, 2), new TrainSpec.ValidationData(null, 0.5),
                List.of("a", "b"), "builtin:all-MiniLM-L6-v2",
                TrainSpec.Parameters.defaults(TrainMode.HEAD, 128, 2), DeployPolicy.IF_BETTER);
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void aJobLeftRunningComesBackFailedWhenTheStoreOpens() {
        JobStore before = new JobStore(root, at("2025-01-01T00:00:00Z"));
        TrainJob job = TrainJob.queued(before.newId(), Instant.parse("2025-01-01T00:00:00Z"), spec());
        before.save(job);
        before.saveExamples(job.id(), List.of(Example.of("x", "a"), Example.of("y")));
        before.update(job.id(), j -> j.started(Instant.parse("2025-01-01T00:00:01Z")), true);
        // the process dies here: no final state was written

        JobStore after = new JobStore(root, at("2025-01-01T01:00:00Z"));

        TrainJob recovered = after.get(job.id()).orElseThrow();
        assertThat(recovered.status()).isEqualTo(JobStatus.FAILED);
        assertThat(recovered.error()).isEqualTo("interrupted by a restart");
        assertThat(recovered.finishedAt()).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
        assertThat(recovered.request()).isEqualTo(job.request());
        assertThat(after.queuedAtStart()).isEmpty();
        assertThat(root.resolve("jobs").resolve(job.id() + ".examples.jsonl")).doesNotExist();
        // and it stays failed: a third start changes nothing
        assertThat(new JobStore(root, at("2025-01-02T00:00:00Z")).get(job.id()).orElseThrow().finishedAt())
                .isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
    }

    @Test
    void queuedJobsAreHandedBackInSubmissionOrderWithTheirExamples() throws Exception {
        JobStore before = new JobStore(root, at("2025-01-01T00:00:00Z"));
        TrainJob later = TrainJob.queued("b-later", Instant.parse("2025-01-01T00:00:05Z"), spec());
        TrainJob earlier = TrainJob.queued("a-earlier", Instant.parse("2025-01-01T00:00:01Z"), spec());
        before.save(later);
        before.save(earlier);
        before.saveExamples("a-earlier", List.of(Example.of("I love it", "a", "b"), Example.of("meh")));

        JobStore after = new JobStore(root, at("2025-01-01T01:00:00Z"));

        assertThat(after.queuedAtStart()).containsExactly("a-earlier", "b-later");
        assertThat(after.get("a-earlier").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(after.examples("a-earlier")).containsExactly(Example.of("I love it", "a", "b"), Example.of("meh"));
    }

    @Test
    void finishedJobsSurviveARestartAsTheyWere() {
        JobStore before = new JobStore(root, at("2025-01-01T00:00:00Z"));
        TrainJob job = TrainJob.queued("j1", Instant.parse("2025-01-01T00:00:00Z"), spec())
                .started(Instant.parse("2025-01-01T00:00:01Z"))
                .withBaseline(new TrainJob.Scores(0.2, 0.3, 0.69))
                .withEpoch(new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.5))
                .finished(JobStatus.CANCELLED, Instant.parse("2025-01-01T00:00:09Z"), null, "cancelled on request");
        before.save(job);

        assertThat(new JobStore(root, at("2025-01-02T00:00:00Z")).get("j1")).contains(job);
    }

    @Test
    void temporariesLeftByACrashAreRemovedAndNeverReadAsJobs() throws Exception {
        Path jobs = Files.createDirectories(root.resolve("jobs"));
        Files.writeString(jobs.resolve(".x.json.tmp-123"), "{half a job");
        Files.writeString(jobs.resolve("broken.json"), "{not json");

        JobStore store = new JobStore(root, at("2025-01-01T00:00:00Z"));

        assertThat(store.list()).isEmpty();
        try (Stream<Path> files = Files.list(jobs)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("broken.json");
        }
    }

    @Test
    void idsAreUniqueAndTimeOrdered() {
        JobStore store = new JobStore(root, at("2025-01-01T00:00:00Z"));
        String a = store.newId();
        String b = store.newId();
        assertThat(a).matches("[a-z0-9]+-[a-z0-9]{6}").isNotEqualTo(b);
        assertThat(a.substring(0, a.indexOf('-'))).isEqualTo(Long.toString(Instant.parse("2025-01-01T00:00:00Z")
                .toEpochMilli(), 36));
    }
}
