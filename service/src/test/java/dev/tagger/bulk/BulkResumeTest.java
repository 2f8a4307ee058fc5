package dev.tagger.bulk;

import dev.tagger.serving.Classifier;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.store.local.FileBulkJobRepository;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Restart durability: a job left RUNNING with a partly written results file (its last line torn by the crash)
 * resumes after its last complete line and ends with exactly the results of an uninterrupted run; one whose model
 * is no longer served fails with the reason. Real store, real runner, real model (the shared context's classifier).
 */
class BulkResumeTest extends BulkRunnerTestBase {

    static List<BulkInput> inputs(int n) {
        List<BulkInput> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new BulkInput(i % 3 == 0 ? null : "r" + i, (i % 2 == 0 ? "thank you, this is great " : "I am so "
                    + "sorry about that ") + i));
        }
        return out;
    }

    static String create(FileBulkJobRepository repo, List<BulkInput> inputs, BulkJob job) throws Exception {
        try (BulkJobRepository.Draft d = repo.create(job.id())) {
            for (BulkInput in : inputs) {
                d.add(in);
            }
            d.commit(job);
        }
        return job.id();
    }

    BulkJob runUntilEnded(FileBulkJobRepository repo, String id) throws Exception {
        return runUntilEnded(runner(repo, classifier), id);
    }

    static BulkJob runUntilEnded(BulkJobs jobs, String id) throws Exception {
        jobs.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                BulkJob j = jobs.find(id).orElseThrow().job();
                if (j.status().isFinal()) {
                    return j;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("job " + id + " did not end");
        } finally {
            jobs.stop();
        }
    }

    static String results(FileBulkJobRepository repo, String id) throws Exception {
        try (InputStream in = repo.readResults(id)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A job that ran whole on a store of its own, and its results: what an interrupted run must end up with. */
    private record Uninterrupted(BulkJob job, String results) {
    }

    private Uninterrupted uninterrupted(Path dir, List<BulkInput> inputs, String jobId, Instant t) throws Exception {
        FileBulkJobRepository repo = new FileBulkJobRepository(dir);
        String id = create(repo, inputs, BulkJob.queued(jobId, t, "upload:x", "jsonl", inputs.size(), OPTIONS));
        BulkJob done = runUntilEnded(repo, id);
        assertThat(done.status()).isEqualTo(BulkStatus.SUCCEEDED);
        return new Uninterrupted(done, results(repo, id));
    }

    @Test
    void aRunningJobResumesAfterItsLastCompleteResultLine(@TempDir Path a, @TempDir Path b) throws Exception {
        List<BulkInput> inputs = inputs(100);
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        Uninterrupted reference = uninterrupted(a, inputs, "job-a", t);
        BulkJob done = reference.job();
        String expected = reference.results();
        assertThat(expected.split("\n")).hasSize(100);

        // The same job as a crash left it: RUNNING, 37 durable lines and half of the 38th.
        FileBulkJobRepository crashed = new FileBulkJobRepository(b);
        BulkJob running = BulkJob.queued("job-b", t, "upload:x", "jsonl", 100, OPTIONS).started(t)
                .withModel(done.modelId(), done.modelVersion()).withProgress(20, 0);
        String second = create(crashed, inputs, running);
        String[] lines = expected.split("\n", -1);
        StringBuilder partial = new StringBuilder();
        for (int i = 0; i < 37; i++) {
            partial.append(lines[i]).append('\n');
        }
        partial.append(lines[37], 0, lines[37].length() / 2);
        Path file = b.resolve("classify-jobs").resolve(second).resolve("results.jsonl");
        Files.writeString(file, partial.toString(), StandardOpenOption.TRUNCATE_EXISTING);

        // A reader never sees the torn line; reopened, the store counts the complete ones.
        FileBulkJobRepository reopened = new FileBulkJobRepository(b);
        assertThat(results(reopened, second).split("\n")).hasSize(37);
        assertThat(reopened.find(second).orElseThrow().status()).isEqualTo(BulkStatus.RUNNING);
        BulkJob resumed = runUntilEnded(reopened, second);
        assertThat(resumed.status()).as(String.valueOf(resumed.error())).isEqualTo(BulkStatus.SUCCEEDED);
        assertThat(resumed.processed()).isEqualTo(100);
        String[] after = results(reopened, second).split("\n", -1);
        assertThat(after).hasSameSizeAs(lines);
        for (int i = 0; i < 37; i++) {
            assertThat(after[i]).as("durable line %d is kept as it was", i + 1).isEqualTo(lines[i]);
        }
        for (int i = 37; i < lines.length - 1; i++) {
            // recomputed in other batches: the same answer up to float rounding in the 7th digit
            JsonNode got = JSON.readTree(after[i]);
            JsonNode want = JSON.readTree(lines[i]);
            assertThat(got.get("id")).isEqualTo(want.get("id"));
            assertThat(got.get("labels")).as("line %d", i + 1).isEqualTo(want.get("labels"));
            for (String label : want.get("scores").propertyNames()) {
                assertThat(got.at("/scores/" + label).asDouble()).as("line %d, %s", i + 1, label)
                        .isCloseTo(want.at("/scores/" + label).asDouble(), within(1e-5));
            }
        }
        // The inputs are dropped once it has ended; the results stay.
        assertThat(b.resolve("classify-jobs").resolve(second).resolve("inputs.jsonl")).doesNotExist();
    }

    /**
     * The classifier as it is while the model loads (after a restart: the runner resumes before the model is
     * ready) and, in {@code refused}, at chosen moments later: NOT_READY for those calls, the real one otherwise.
     */
    static final class NotReadyAt extends Classifier {
        private final Classifier real;
        private final Set<Integer> refused;
        private final AtomicInteger calls = new AtomicInteger();

        NotReadyAt(Classifier real, PredictorPool pool, Set<Integer> refused) {
            super(pool, null);
            this.real = real;
            this.refused = refused;
        }

        @Override
        public Submission submitBackground(List<String> texts, Options options) {
            if (refused.contains(calls.incrementAndGet())) {
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.NOT_READY,
                        "the model is still loading", 5);
            }
            return real.submitBackground(texts, options);
        }

        @Override
        public void check(Options options) {
            real.check(options);
        }
    }

    /**
     * Found by bench/shutdown-check.sh: a job resumed after a restart SUCCEEDED with 1336 of its 3000 texts, since
     * every chunk the classifier refused while the model loaded had been read from the inputs and was dropped; the
     * results after one refused mid-job no longer matched their inputs' lines either.
     */
    @Test
    void chunksRefusedWhileTheModelLoadsAreSentAgainInOrder(@TempDir Path a, @TempDir Path b) throws Exception {
        List<BulkInput> inputs = inputs(100);
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        String[] expected = uninterrupted(a, inputs, "job-e", t).results().split("\n");

        FileBulkJobRepository repo = new FileBulkJobRepository(b);
        String id = create(repo, inputs, BulkJob.queued("job-f", t, "upload:x", "jsonl", 100, OPTIONS));
        // calls 1-3: nothing in flight yet (the model loading); 7-8: with chunks in flight
        BulkJobs jobs = runner(repo, new NotReadyAt(classifier, pool, Set.of(1, 2, 3, 7, 8)));
        BulkJob ended = runUntilEnded(jobs, id);

        assertThat(ended.status()).isEqualTo(BulkStatus.SUCCEEDED);
        assertThat(ended.processed()).isEqualTo(100);
        String[] got = results(repo, id).split("\n");
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            JsonNode g = JSON.readTree(got[i]);
            JsonNode w = JSON.readTree(expected[i]);
            assertThat(g.get("id")).as("line %d", i + 1).isEqualTo(w.get("id"));
            assertThat(g.get("labels")).as("line %d", i + 1).isEqualTo(w.get("labels"));
        }
    }

    @Test
    void aJobWhoseModelIsNoLongerServedFailsWithTheReason(@TempDir Path dir) throws Exception {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        FileBulkJobRepository repo = new FileBulkJobRepository(dir);
        BulkJob running = BulkJob.queued("job-c", t, "upload:x", "jsonl", 10, OPTIONS).started(t)
                .withModel("goemotions-minilm", "000000000000");
        String id = create(repo, inputs(10), running);
        BulkJob ended = runUntilEnded(repo, id);
        assertThat(ended.status()).isEqualTo(BulkStatus.FAILED);
        assertThat(ended.error()).contains("000000000000").contains("never mixes");
        assertThat(results(repo, id)).isEmpty();
    }

    @Test
    void aDraftThatIsNotCommittedLeavesNothing(@TempDir Path dir) throws Exception {
        FileBulkJobRepository repo = new FileBulkJobRepository(dir);
        try (BulkJobRepository.Draft d = repo.create("job-d")) {
            d.add(new BulkInput(null, "hello"));
        }
        assertThat(repo.list()).isEmpty();
        try (var files = Files.list(dir.resolve("classify-jobs"))) {
            assertThat(files).isEmpty();
        }
        assertThat(new FileBulkJobRepository(dir).list()).isEmpty();
    }
}
