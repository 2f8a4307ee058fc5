package dev.tagger.training.jobs;

import dev.tagger.catalog.DefaultModel;
import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelServer;
import dev.tagger.catalog.ModelVersions;
import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.Example;
import dev.tagger.io.Json;
import dev.tagger.model.BertConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.store.local.FileJobRepository;
import dev.tagger.store.local.FileModelRepository;
import dev.tagger.store.local.LocalJobEvents;
import dev.tagger.training.LabelledTexts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner without PyTorch: restart recovery, a job's way from submit to its final state, failures of any step
 * (a full disk included) that end the job and never the runner, and no model left by a job that did not succeed.
 */
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
            JobRunner runner = runner(jobs, executor(jobs, (job, control) -> { }), events, clock);
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

    // ---------------------------------------------------------------- a runner that cannot die

    /**
     * Files whose writes fail while {@link #full} is set, as a full disk makes them fail: the change is refused and
     * nothing changes, while reads and in-memory progress still work. {@link #endsHere} off makes it a store that
     * cannot end a job in this process alone (the shared store's rule).
     */
    static final class FullDisk implements JobRepository {
        final FileJobRepository files;
        volatile boolean full;
        volatile boolean endsHere = true;
        final AtomicInteger refused = new AtomicInteger();

        FullDisk(FileJobRepository files) {
            this.files = files;
        }

        private void write(String what) {
            if (full) {
                refused.incrementAndGet();
                throw new UncheckedIOException("cannot write " + what,
                        new IOException("No space left on device"));
            }
        }

        @Override
        public void create(TrainJob job, List<Example> examples) {
            write("job " + job.id());
            files.create(job, examples);
        }

        @Override
        public Optional<TrainJob> find(String id) {
            return files.find(id);
        }

        @Override
        public Page list(Set<JobStatus> states, long offset, int limit) {
            return files.list(states, offset, limit);
        }

        @Override
        public long count(JobStatus status) {
            return files.count(status);
        }

        @Override
        public Optional<TrainJob> claimNext(Instant now) {
            if (files.count(JobStatus.QUEUED) > 0) {
                write("a claim");
            }
            return files.claimNext(now);
        }

        @Override
        public List<TrainJob> abandoned(Instant now) {
            return files.abandoned(now);
        }

        @Override
        public TrainJob update(String id, UnaryOperator<TrainJob> change) {
            write("job " + id);
            return files.update(id, change);
        }

        @Override
        public Optional<TrainJob> endUnrecorded(String id, UnaryOperator<TrainJob> change) {
            return endsHere ? files.endUnrecorded(id, change) : Optional.empty();
        }

        @Override
        public TrainJob recordProgress(String id, TrainJob.Progress progress) {
            return files.recordProgress(id, progress);
        }

        @Override
        public TrainJob appendEpoch(String id, TrainJob.EpochReport epoch) {
            write("job " + id);
            return files.appendEpoch(id, epoch);
        }

        @Override
        public List<Example> examples(String id) throws IOException {
            return files.examples(id);
        }
    }

    private static TrainJob.Result result(String jobId) {
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.putObject("validation").put("macro_f1", 0.6);
        return new TrainJob.Result("model-" + jobId, "0123456789ab", metrics,
                new TrainJob.Timings(null, 1.0, null, 10.0, 2.0),
                new TrainJob.Deployment(DeployPolicy.NEVER, false, DeployDecision.NEVER_REASON, 0.6, null, null));
    }

    /** An executor that runs {@code first} for the first job and succeeds at once for every other one. */
    private static JobExecutor executor(JobRepository jobs, JobStep first) {
        AtomicInteger runs = new AtomicInteger();
        return new JobExecutor(null, null, jobs, null, null) {
            @Override
            TrainJob.Result execute(TrainJob job, JobControl control) throws IOException {
                if (runs.getAndIncrement() == 0) {
                    first.run(job, control);
                }
                return result(job.id());
            }

            @Override
            boolean discardModel(String jobId) {
                return false;
            }
        };
    }

    interface JobStep {
        void run(TrainJob job, JobControl control) throws IOException;
    }

    /** Waits for the job's final state as its listener hears it. */
    private static TrainJob awaitEnd(BlockingQueue<JobEvents.JobEvent> heard) throws InterruptedException {
        JobEvents.JobEvent e;
        do {
            e = heard.poll(30, TimeUnit.SECONDS);
            assertThat(e).as("an event within 30 s").isNotNull();
        } while (!e.job().status().isFinal());
        assertThat(e.kind()).isEqualTo(JobEvents.Kind.STATUS);
        return e.job();
    }

    private static TrainJob awaitStatus(JobRepository jobs, String id, JobStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            TrainJob j = jobs.find(id).orElseThrow();
            if (j.status() == status) {
                return j;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " is not " + status + " after 30 s: " + jobs.find(id));
    }

    private static TrainPlanner.Plan plan() {
        return new TrainPlanner.Plan(spec(), List.of(Example.of("x", "a"), Example.of("y")));
    }

    @Test
    void aDiskThatFillsUpAtAnEpochFailsTheJobWithTheReasonAndTheNextJobRunsOnceThereIsRoom() throws Exception {
        FullDisk disk = new FullDisk(new FileJobRepository(root));
        JobExecutor executor = executor(disk, (job, control) -> {
            control.phase("training");
            disk.full = true;
            control.epoch(new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.0));
        });
        try (LocalJobEvents events = new LocalJobEvents(disk)) {
            JobRunner runner = runner(disk, executor, events, Clock.systemUTC());
            runner.start();
            try {
                BlockingQueue<JobEvents.JobEvent> heard = new LinkedBlockingQueue<>();
                TrainJob first = runner.submit(plan());
                events.subscribe(first.id(), heard::add);

                TrainJob ended = awaitEnd(heard);

                assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
                assertThat(ended.error()).isEqualTo("the store could not be written: No space left on device");
                assertThat(disk.find(first.id()).orElseThrow()).as("what the API reads").isEqualTo(ended);
                assertThat(new FileJobRepository(root).find(first.id()).orElseThrow().status())
                        .as("on disk, until it can be written: a restart ends it as interrupted")
                        .isEqualTo(JobStatus.RUNNING);
                assertThat(root.resolve("jobs").resolve(first.id() + ".examples.jsonl")).doesNotExist();
                assertThat(runner.isRunning()).isTrue();

                disk.full = false;
                TrainJob second = runner.submit(plan());
                assertThat(awaitStatus(disk, second.id(), JobStatus.SUCCEEDED).result()).isNotNull();
                TrainJob firstOnDisk = new FileJobRepository(root).find(first.id()).orElseThrow();
                assertThat(firstOnDisk.status()).as("written with the next write that succeeded")
                        .isEqualTo(JobStatus.FAILED);
                assertThat(firstOnDisk.error()).isEqualTo(ended.error());
            } finally {
                runner.stop();
            }
        }
    }

    @Test
    void aJobThatSucceedsOnAFullDiskReadsFailedWithTheReason() throws Exception {
        FullDisk disk = new FullDisk(new FileJobRepository(root));
        JobExecutor executor = executor(disk, (job, control) -> disk.full = true);
        try (LocalJobEvents events = new LocalJobEvents(disk)) {
            JobRunner runner = runner(disk, executor, events, Clock.systemUTC());
            runner.start();
            try {
                BlockingQueue<JobEvents.JobEvent> heard = new LinkedBlockingQueue<>();
                TrainJob job = runner.submit(plan());
                events.subscribe(job.id(), heard::add);

                TrainJob ended = awaitEnd(heard);

                assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
                assertThat(ended.error()).startsWith("the store could not be written: No space left on device")
                        .contains("result could not be recorded");
                assertThat(ended.result()).isNull();
            } finally {
                disk.full = false;
                runner.stop();
            }
        }
    }

    @Test
    void aStoreThatCannotEndAJobHereLeavesItRunningForItsLeaseAndTheRunnerGoesOn() throws Exception {
        FullDisk shared = new FullDisk(new FileJobRepository(root));
        shared.endsHere = false;
        JobExecutor executor = executor(shared, (job, control) -> {
            shared.full = true;
            control.epoch(new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.0));
        });
        try (LocalJobEvents events = new LocalJobEvents(shared)) {
            JobRunner runner = runner(shared, executor, events, Clock.systemUTC());
            runner.start();
            try {
                TrainJob first = runner.submit(plan());
                // refused: the epoch, then the job's end
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (shared.refused.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                shared.full = false;
                TrainJob second = runner.submit(plan());

                awaitStatus(shared, second.id(), JobStatus.SUCCEEDED);
                assertThat(shared.find(first.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
            } finally {
                runner.stop();
            }
        }
    }

    @Test
    void anErrorInAJobFailsThatJobAndTheNextOneRuns() throws Exception {
        FileJobRepository jobs = new FileJobRepository(root);
        JobExecutor executor = executor(jobs, (job, control) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        try (LocalJobEvents events = new LocalJobEvents(jobs)) {
            JobRunner runner = runner(jobs, executor, events, Clock.systemUTC());
            runner.start();
            try {
                TrainJob first = runner.submit(plan());
                TrainJob second = runner.submit(plan());

                awaitStatus(jobs, second.id(), JobStatus.SUCCEEDED);
                TrainJob failed = jobs.find(first.id()).orElseThrow();
                assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
                assertThat(failed.error()).isEqualTo("Java heap space");
            } finally {
                runner.stop();
            }
        }
    }

    @Test
    void aFailureOfTheRunnersOwnBookkeepingDoesNotStopTheThread() throws Exception {
        FileJobRepository jobs = new FileJobRepository(root);
        AtomicInteger finals = new AtomicInteger();
        JobEvents flaky = new JobEvents() {
            @Override
            public void publish(JobEvent event) {
                if (event.job().status().isFinal() && finals.getAndIncrement() == 0) {
                    throw new IllegalStateException("the event bus broke");
                }
            }

            @Override
            public void subscribe(String jobId, java.util.function.Consumer<JobEvent> listener) {
            }

            @Override
            public void unsubscribe(String jobId, java.util.function.Consumer<JobEvent> listener) {
            }
        };
        JobRunner runner = runner(jobs, executor(jobs, (job, control) -> { }), flaky, Clock.systemUTC());
        runner.start();
        try {
            TrainJob first = runner.submit(plan());
            awaitStatus(jobs, first.id(), JobStatus.SUCCEEDED);
            TrainJob second = runner.submit(plan());

            awaitStatus(jobs, second.id(), JobStatus.SUCCEEDED);
            assertThat(runner.isRunning()).isTrue();
        } finally {
            runner.stop();
        }
    }

    @Test
    void aFullDiskAtStartDoesNotKeepTheRunnerFromStarting() throws Exception {
        FileJobRepository before = new FileJobRepository(root);
        before.create(TrainJob.queued("j1", Instant.parse("2025-01-01T00:00:00Z"), spec()), null);
        before.claimNext(Instant.parse("2025-01-01T00:00:01Z"));
        FullDisk disk = new FullDisk(new FileJobRepository(root));
        disk.full = true;
        try (LocalJobEvents events = new LocalJobEvents(disk)) {
            JobRunner runner = runner(disk, executor(disk, (job, control) -> { }), events, at("2025-01-01T01:00:00Z"));

            runner.start();
            try {
                assertThat(runner.isRunning()).isTrue();
                TrainJob j1 = disk.find("j1").orElseThrow();
                assertThat(j1.status()).isEqualTo(JobStatus.FAILED);
                assertThat(j1.error()).isEqualTo(TrainJob.INTERRUPTED);
            } finally {
                runner.stop();
            }
        }
    }

    // ---------------------------------------------------------------- no model left by a job that did not succeed

    private static ModelBundle toy(String id, ObjectNode card) {
        return new ModelBundle(id, "unwritten", new BertConfig(10, 4, 1, 1, 8, 16, 2, 1e-12f, 0.1f, 0.1f),
                List.of("a", "b"), new float[] {0.5f, 0.5f}, Pooling.MEAN, true, 16, null,
                new WeightSet(ClassificationHead.initialWeights(4, 2, 7)), "{}".getBytes(StandardCharsets.UTF_8),
                card);
    }

    private static ObjectNode cardOf(String jobId) {
        ObjectNode card = Json.MAPPER.createObjectNode();
        card.put("job", jobId);
        card.put("created", "2025-01-01T00:00:00Z");
        return card;
    }

    /** A catalog over the model files under {@link #root}, with a server that only remembers what it serves. */
    private ModelCatalog catalog(JobRepository jobs, AtomicReference<String> served) {
        ModelBundleIO.write(toy("default-model", Json.MAPPER.createObjectNode()), root.resolve("default"),
                BaseModels::builtin);
        ModelVersions versions = new ModelVersions(new FileModelRepository(root.resolve("store")),
                new DefaultModel("default-model", ModelBundleIO.directory(root.resolve("default"))));
        ModelServer server = new ModelServer() {
            @Override
            public ModelBundle serve(ModelBundle bundle) {
                served.set(bundle.id());
                return bundle;
            }

            @Override
            public String servedId() {
                return served.get();
            }
        };
        return new ModelCatalog(versions, server, List.of(new ActiveJobs(jobs)));
    }

    @Test
    void aRestartEndsAJobLeftRunningAndDeletesItsModelUnlessItIsServed() throws Exception {
        FileJobRepository before = new FileJobRepository(root);
        AtomicReference<String> served = new AtomicReference<>();
        ModelCatalog models = catalog(before, served);
        for (String id : List.of("j1", "j2")) {
            before.create(TrainJob.queued(id, Instant.parse("2025-01-01T00:00:00Z"), spec()), null);
            before.claimNext(Instant.parse("2025-01-01T00:00:01Z"));
            models.add(toy(JobExecutor.modelId(id), cardOf(id)));
        }
        // j2's model was deployed, then the process died before either job ended
        models.deploy(JobExecutor.modelId("j2"));
        models.add(toy("model-j3", cardOf("someone-else")));

        FileJobRepository jobs = new FileJobRepository(root);
        served.set(JobExecutor.modelId("j2"));
        JobExecutor executor = new JobExecutor(null, models, jobs, null, null);
        try (LocalJobEvents events = new LocalJobEvents(jobs)) {
            JobRunner runner = runner(jobs, executor, events, at("2025-01-01T01:00:00Z"));
            runner.start();
            runner.stop();
        }

        assertThat(jobs.find("j1").orElseThrow().error()).isEqualTo(TrainJob.INTERRUPTED);
        assertThat(jobs.find("j2").orElseThrow().error()).isEqualTo(TrainJob.INTERRUPTED);
        assertThat(models.find("model-j1")).as("an orphan: deleted").isEmpty();
        assertThat(models.find("model-j2")).as("served: kept").isPresent();
        assertThat(models.find("model-j3")).as("not made by a job of that id: kept").isPresent();
        try (Stream<Path> left = Files.list(root.resolve("store").resolve("models"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model-j2", "model-j3");
        }
    }

    @Test
    void aCancelWhileComparingDeletesTheModelTheJobWrote() throws Exception {
        FileJobRepository jobs = new FileJobRepository(root);
        AtomicReference<String> served = new AtomicReference<>("default-model");
        ModelCatalog models = catalog(jobs, served);
        models.add(toy("start", Json.MAPPER.createObjectNode()));
        TaggerProperties props = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("tagger", Bindable.of(TaggerProperties.class));
        TrainingPipeline pipeline = new TrainingPipeline(props) {
            @Override
            Trained run(String jobId, TrainSpec spec, ModelBundle start, JobData data, Instant created,
                        long startNanos, JobControl control) {
                control.phase("training");
                return new Trained(start.withCard(cardOf(jobId)), Json.MAPPER.createObjectNode(),
                        new TrainJob.Timings(null, 1.0, null, 1.0, 1.0), 0.5);
            }
        };
        CountDownLatch comparing = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        DeployDecision deploy = new DeployDecision(models, null, props) {
            @Override
            TrainJob.Deployment apply(DeployPolicy policy, ModelBundle model, LabelledTexts validation,
                                      double candidate, int minPositives, JobControl control) {
                control.phase("comparing");
                comparing.countDown();
                awaitQuietly(cancelled);
                // scoring the served model reaches a checkpoint after each batch
                control.checkpoint();
                throw new AssertionError("the cancel must stop the job at the checkpoint");
            }
        };
        JobExecutor executor = new JobExecutor(null, models, jobs, pipeline, deploy);
        TrainSpec base = spec();
        TrainSpec fromStart = new TrainSpec("test", base.trainingData(), base.validationData(), base.labels(), "start",
                base.parameters(), DeployPolicy.IF_BETTER);
        try (LocalJobEvents events = new LocalJobEvents(jobs)) {
            JobRunner runner = runner(jobs, executor, events, Clock.systemUTC());
            runner.start();
            try {
                TrainJob job = runner.submit(new TrainPlanner.Plan(fromStart,
                        List.of(Example.of("x", "a"), Example.of("y", "b"), Example.of("z", "a", "b"))));
                assertThat(comparing.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(models.find(JobExecutor.modelId(job.id()))).as("written before comparing").isPresent();

                runner.cancel(job.id());
                cancelled.countDown();

                TrainJob ended = awaitStatus(jobs, job.id(), JobStatus.CANCELLED);
                assertThat(ended.error()).isEqualTo("cancelled on request");
                assertThat(models.find(JobExecutor.modelId(job.id()))).isEmpty();
                assertThat(models.list()).extracting(ModelBundleIO.Summary::id)
                        .containsExactlyInAnyOrder("default-model", "start");
            } finally {
                cancelled.countDown();
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
