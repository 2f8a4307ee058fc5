package dev.tagger.store.local;

import dev.tagger.datasets.Example;
import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;
import dev.tagger.training.jobs.TrainMode;
import dev.tagger.training.jobs.TrainSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jobs in files: what survives a restart, the claim order, the examples' lifetime, the file schema. */
class FileJobRepositoryTest {

    @TempDir
    Path root;

    static TrainSpec spec() {
        return new TrainSpec("test", new TrainSpec.TrainingData(null, 2), new TrainSpec.ValidationData(null, 0.5),
                List.of("a", "b"), "builtin:all-MiniLM-L6-v2",
                TrainSpec.Parameters.defaults(TrainMode.HEAD, 128, 2), DeployPolicy.IF_BETTER);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void aJobLeftRunningIsReadBackAsItWasWithItsExamples() throws Exception {
        FileJobRepository before = new FileJobRepository(root);
        TrainJob job = TrainJob.queued(TrainJob.newId(at("2025-01-01T00:00:00Z")), at("2025-01-01T00:00:00Z"), spec());
        before.create(job, List.of(Example.of("x", "a"), Example.of("y")));
        TrainJob running = before.claimNext(at("2025-01-01T00:00:01Z")).orElseThrow();
        // the process dies here: no final state was written; ending it is the runner's business, not the store's

        FileJobRepository after = new FileJobRepository(root);

        assertThat(after.find(job.id())).contains(running);
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(after.examples(job.id())).containsExactly(Example.of("x", "a"), Example.of("y"));
        assertThat(after.claimNext(at("2025-01-01T01:00:00Z"))).isEmpty();
        assertThat(after.abandoned(at("2025-01-01T01:00:00Z"))).containsExactly(running);
        assertThat(before.abandoned(at("2025-01-01T01:00:00Z"))).as("claimed by this process").isEmpty();
    }

    @Test
    void queuedJobsAreClaimedInSubmissionOrderWithTheirExamplesAfterARestart() throws Exception {
        FileJobRepository before = new FileJobRepository(root);
        TrainJob later = TrainJob.queued("b-later", at("2025-01-01T00:00:05Z"), spec());
        TrainJob earlier = TrainJob.queued("a-earlier", at("2025-01-01T00:00:01Z"), spec());
        before.create(later, null);
        before.create(earlier, List.of(Example.of("I love it", "a", "b"), Example.of("meh")));

        FileJobRepository after = new FileJobRepository(root);

        assertThat(after.count(JobStatus.QUEUED)).isEqualTo(2);
        assertThat(after.claimNext(at("2025-01-01T01:00:00Z")).orElseThrow().id()).isEqualTo("a-earlier");
        assertThat(after.examples("a-earlier")).containsExactly(Example.of("I love it", "a", "b"), Example.of("meh"));
        TrainJob second = after.claimNext(at("2025-01-01T01:00:01Z")).orElseThrow();
        assertThat(second.id()).isEqualTo("b-later");
        assertThat(second.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(second.startedAt()).isEqualTo(at("2025-01-01T01:00:01Z"));
        assertThat(after.claimNext(at("2025-01-01T01:00:02Z"))).isEmpty();
    }

    @Test
    void withinOneRunJobsAreClaimedInTheOrderTheyWereCreatedAndCancelledOnesAreSkipped() {
        FileJobRepository jobs = new FileJobRepository(root);
        Instant same = at("2025-01-01T00:00:00Z");
        for (String id : List.of("z-first", "m-second", "a-third")) {
            jobs.create(TrainJob.queued(id, same, spec()), null);
        }
        jobs.update("m-second", j -> j.cancelled(at("2025-01-01T00:00:01Z")));

        assertThat(jobs.claimNext(same).orElseThrow().id()).isEqualTo("z-first");
        assertThat(jobs.claimNext(same).orElseThrow().id()).isEqualTo("a-third");
        assertThat(jobs.claimNext(same)).isEmpty();
    }

    @Test
    void finishedJobsSurviveARestartAsTheyWere() {
        FileJobRepository before = new FileJobRepository(root);
        before.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()), null);
        before.claimNext(at("2025-01-01T00:00:01Z"));
        before.update("j1", j -> j.withBaseline(new TrainJob.Scores(0.2, 0.3, 0.69)));
        before.appendEpoch("j1", new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.5));
        TrainJob job = before.update("j1", j -> j.withCancelRequested()
                .finished(JobStatus.CANCELLED, at("2025-01-01T00:00:09Z"), null, "cancelled on request"));

        assertThat(new FileJobRepository(root).find("j1")).contains(job);
        assertThat(job.epochs()).hasSize(1);
        assertThat(job.cancelRequested()).isTrue();
    }

    @Test
    void progressStaysInMemoryUntilTheNextDurableChange() {
        FileJobRepository jobs = new FileJobRepository(root);
        jobs.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()), null);
        jobs.claimNext(at("2025-01-01T00:00:01Z"));

        TrainJob.Progress p = new TrainJob.Progress("training", 1, 3, 2L, 9L, 0.5, null, null, 10.0, 7L);
        assertThat(jobs.recordProgress("j1", p).progress()).isEqualTo(p);
        assertThat(jobs.find("j1").orElseThrow().progress()).isEqualTo(p);
        assertThat(new FileJobRepository(root).find("j1").orElseThrow().progress().phase()).isEqualTo("starting");

        jobs.appendEpoch("j1", new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.5));
        assertThat(new FileJobRepository(root).find("j1").orElseThrow().progress()).isEqualTo(p);
    }

    @Test
    void aFinalStateDropsTheExamplesButKeepsTheJob() {
        FileJobRepository jobs = new FileJobRepository(root);
        jobs.create(TrainJob.queued("j1", at("2025-01-01T00:00:00Z"), spec()), List.of(Example.of("x", "a")));
        assertThat(root.resolve("jobs/j1.examples.jsonl")).exists();

        TrainJob cancelled = jobs.update("j1", j -> j.cancelled(at("2025-01-01T00:00:01Z")));

        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(root.resolve("jobs/j1.examples.jsonl")).doesNotExist();
        assertThat(jobs.find("j1")).contains(cancelled);
        assertThatThrownBy(() -> jobs.update("j1", j -> j.cancelled(at("2025-01-01T00:00:02Z"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> jobs.update("nope", j -> j)).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void listsNewestFirstFilteredAndPaged() {
        FileJobRepository jobs = new FileJobRepository(root);
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

    @Test
    void aJobFileInTheFormatOfEarlierVersionsReadsBack() throws Exception {
        Path dir = Files.createDirectories(root.resolve("jobs"));
        Files.writeString(dir.resolve("mk1-abcdef.json"), """
                {
                  "id" : "mk1-abcdef", "status" : "SUCCEEDED", "created_at" : "2025-01-01T00:00:00Z",
                  "started_at" : "2025-01-01T00:00:01Z", "finished_at" : "2025-01-01T00:00:09Z",
                  "cancel_requested" : false,
                  "request" : {
                    "training_data" : { "dataset_id" : "ds1" }, "validation_data" : { "split" : 0.2 },
                    "labels" : [ "a", "b" ], "base" : "builtin:all-MiniLM-L6-v2",
                    "parameters" : { "train" : "top_layers:2", "epochs" : 3, "learning_rate" : 5.0E-5,
                      "head_learning_rate" : 0.001, "batch_size" : 8, "max_tokens" : 128, "warmup_ratio" : 0.1,
                      "weight_decay" : 0.01, "dropout" : 0.1, "clip_norm" : 1.0, "seed" : 42, "min_positives" : 5 },
                    "deploy" : "if_better" },
                  "baseline" : { "macro_f1" : 0.2, "micro_f1" : 0.3, "loss" : 0.69 },
                  "epochs" : [ { "epoch" : 1, "train_loss" : 0.5,
                    "validation" : { "macro_f1" : 0.6, "micro_f1" : 0.7, "loss" : 0.4 }, "seconds" : 1.5 } ],
                  "result" : { "model_id" : "model-mk1-abcdef", "model_version" : "0123456789ab",
                    "metrics" : { "validation" : { "macro_f1" : 0.61 } },
                    "timings" : { "train_seconds" : 3.0, "examples_per_second" : 100.0, "total_seconds" : 4.0 },
                    "deployment" : { "policy" : "if_better", "deployed" : false, "reason" : "worse",
                      "candidate_macro_f1" : 0.61, "serving_model_id" : "goemotions-minilm", "serving_macro_f1" : 0.7 } }
                }
                """);

        TrainJob job = new FileJobRepository(root).find("mk1-abcdef").orElseThrow();

        assertThat(job.request().parameters().train()).isEqualTo(new TrainMode(2));
        assertThat(job.request().deploy()).isEqualTo(DeployPolicy.IF_BETTER);
        assertThat(job.request().trainingData().datasetId()).isEqualTo("ds1");
        assertThat(job.epochs().get(0).validation().microF1()).isEqualTo(0.7);
        assertThat(job.result().deployment().servingModelId()).isEqualTo("goemotions-minilm");
        assertThat(job.result().timings().encodeSeconds()).isNull();
        assertThat(job.result().metrics().at("/validation/macro_f1").asDouble()).isEqualTo(0.61);
        // and it is written back in the same shape
        new FileJobRepository(root).update("mk1-abcdef", j -> j);
        assertThat(JsonMapper.builder().build().readTree(dir.resolve("mk1-abcdef.json").toFile()).at("/request/deploy")
                .asString()).isEqualTo("if_better");
    }

    @Test
    void temporariesLeftByACrashAreRemovedAndNeverReadAsJobs() throws Exception {
        Path jobs = Files.createDirectories(root.resolve("jobs"));
        Files.writeString(jobs.resolve(".x.json.tmp-123"), "{half a job");
        Files.writeString(jobs.resolve("broken.json"), "{not json");

        FileJobRepository store = new FileJobRepository(root);

        assertThat(store.list(EnumSet.allOf(JobStatus.class), 0, 100).items()).isEmpty();
        try (Stream<Path> files = Files.list(jobs)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("broken.json");
        }
    }

    @Test
    void idsAreUniqueAndTimeOrdered() {
        String a = TrainJob.newId(at("2025-01-01T00:00:00Z"));
        String b = TrainJob.newId(at("2025-01-01T00:00:00Z"));
        assertThat(a).matches("[a-z0-9]+-[a-z0-9]{6}").isNotEqualTo(b);
        assertThat(a.substring(0, a.indexOf('-'))).isEqualTo(Long.toString(Instant.parse("2025-01-01T00:00:00Z")
                .toEpochMilli(), 36));
    }
}
