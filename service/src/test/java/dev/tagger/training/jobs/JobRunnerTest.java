package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;
import dev.tagger.io.Json;
import dev.tagger.store.local.FileJobRepository;
import dev.tagger.store.local.LocalJobEvents;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner without PyTorch: restart recovery, and a job's way from submit to its final state. */
class JobRunnerTest {

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

    private static JobRunner runner(JobRepository jobs, JobExecutor executor, JobEvents events, Clock clock) {
        return new JobRunner(jobs, executor, events, new TrainingMetrics(new SimpleMeterRegistry(), jobs),
                new ActiveJobs(jobs), 16, clock);
    }

    /** Starts a runner on the store as a restart would, and stops it again. */
    private void restart(Clock clock) {
        FileJobRepository jobs = new FileJobRepository(root);
        try (LocalJobEvents events = new LocalJobEvents(jobs)) {
            JobRunner runner = runner(jobs, null, events, clock);
            runner.start();
            runner.stop();
        }
    }

    @Test
    void aJobLeftRunningEndsFailedWhenTheRunnerStartsAgain() throws Exception {
        FileJobRepository before = new FileJobRepository(root);
        TrainJob job = TrainJob.queued("j1", Instant.parse("2025-01-01T00:00:00Z"), spec());
        before.create(job, List.of(Example.of("x", "a"), Example.of("y")));
        before.claimNext(Instant.parse("2025-01-01T00:00:01Z"));
        // the process dies here: no final state was written

        restart(at("2025-01-01T01:00:00Z"));

        TrainJob recovered = new FileJobRepository(root).find("j1").orElseThrow();
        assertThat(recovered.status()).isEqualTo(JobStatus.FAILED);
        assertThat(recovered.error()).isEqualTo("interrupted by a restart").isEqualTo(TrainJob.INTERRUPTED);
        assertThat(recovered.finishedAt()).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
        assertThat(recovered.startedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:01Z"));
        assertThat(recovered.request()).isEqualTo(job.request());
        assertThat(recovered.progress()).isNull();
        assertThat(root.resolve("jobs").resolve("j1.examples.jsonl")).doesNotExist();
        // and it stays failed: a third start changes nothing
        restart(at("2025-01-02T00:00:00Z"));
        assertThat(new FileJobRepository(root).find("j1").orElseThrow().finishedAt())
                .isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
    }

    @Test
    void recoveryLeavesQueuedJobsQueuedForTheRunnerToClaim() {
        FileJobRepository jobs = new FileJobRepository(root);
        jobs.create(TrainJob.queued("q1", Instant.parse("2025-01-01T00:00:00Z"), spec()), null);

        int recovered = runner(jobs, null, new LocalJobEvents(jobs), at("2025-01-01T01:00:00Z")).recover();

        assertThat(recovered).isZero();
        assertThat(jobs.find("q1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aSubmittedJobRunsToSuccessAndItsListenerHearsEveryStateInOrder() throws Exception {
        FileJobRepository jobs = new FileJobRepository(root);
        CountDownLatch release = new CountDownLatch(1);
        JobExecutor executor = new JobExecutor(null, null, jobs, null, null) {
            @Override
            TrainJob.Result execute(TrainJob job, JobControl control) throws java.io.IOException {
                assertThat(jobs.examples(job.id())).containsExactly(Example.of("x", "a"));
                control.phase("training");
                control.epoch(new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.0));
                awaitQuietly(release);
                ObjectNode metrics = Json.MAPPER.createObjectNode();
                metrics.putObject("validation").put("macro_f1", 0.6);
                return new TrainJob.Result("model-" + job.id(), "0123456789ab", metrics,
                        new TrainJob.Timings(null, 1.0, null, 10.0, 2.0),
                        new TrainJob.Deployment(DeployPolicy.NEVER, false, DeployDecision.NEVER_REASON, 0.6, null,
                                null));
            }
        };
        try (LocalJobEvents events = new LocalJobEvents(jobs)) {
            JobRunner runner = runner(jobs, executor, events, Clock.systemUTC());
            runner.start();
            try {
                TrainJob job = runner.submit(new TrainPlanner.Plan(spec(), List.of(Example.of("x", "a"))));
                BlockingQueue<JobEvents.JobEvent> heard = new LinkedBlockingQueue<>();
                events.subscribe(job.id(), heard::add);
                assertThat(runner.datasetsInUse()).isEmpty();
                release.countDown();

                JobEvents.JobEvent last;
                do {
                    last = heard.poll(30, TimeUnit.SECONDS);
                    assertThat(last).as("an event within 30 s").isNotNull();
                } while (!last.job().status().isFinal());
                assertThat(last.kind()).isEqualTo(JobEvents.Kind.STATUS);
                assertThat(last.job().status()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(last.job().epochs()).hasSize(1);
                assertThat(last.job().result().modelId()).isEqualTo("model-" + job.id());
                assertThat(root.resolve("jobs").resolve(job.id() + ".examples.jsonl")).doesNotExist();
            } finally {
                runner.stop();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
