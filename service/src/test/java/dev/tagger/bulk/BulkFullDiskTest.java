package dev.tagger.bulk;

import dev.tagger.store.local.FileBulkJobRepository;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disk that fills while a bulk job writes its results (bench/fault-checks.sh found this on a real tmpfs): the job
 * ends FAILED with the reason although its final state cannot be written either, the runner goes on, the state is
 * written once there is room again, and the next job runs. Before, the runner thread died on the failed write of
 * the job's end: the job stayed RUNNING and every later job QUEUED until a restart.
 */
class BulkFullDiskTest extends BulkRunnerTestBase {

    private static final String ENOSPC = "No space left on device";

    /** The file store, with a disk that fills at the first result chunk and refuses writes until {@link #room}. */
    static final class FillingStore implements BulkJobRepository {
        final FileBulkJobRepository files;
        volatile boolean full;
        private volatile boolean filled;

        FillingStore(FileBulkJobRepository files) {
            this.files = files;
        }

        void room() {
            full = false;
        }

        @Override
        public Draft create(String id) throws IOException {
            return files.create(id);
        }

        @Override
        public Optional<BulkJob> find(String id) {
            return files.find(id);
        }

        @Override
        public List<BulkJob> list() {
            return files.list();
        }

        @Override
        public void save(BulkJob job) {
            if (full) {
                // as the file store reports it: the OS's words in the cause
                throw new UncheckedIOException("cannot write bulk job " + job.id(), new IOException(ENOSPC));
            }
            files.save(job);
        }

        @Override
        public boolean delete(String id) throws IOException {
            return files.delete(id);
        }

        @Override
        public Inputs inputs(String id, long skip) throws IOException {
            return files.inputs(id, skip);
        }

        @Override
        public Results openResults(String id) throws IOException {
            Results r = files.openResults(id);
            return new Results() {
                @Override
                public long lines() {
                    return r.lines();
                }

                @Override
                public void append(byte[] lines, int count) throws IOException {
                    if (!filled) {
                        filled = true;
                        full = true;
                    }
                    if (full) {
                        throw new IOException(ENOSPC);
                    }
                    r.append(lines, count);
                }

                @Override
                public void close() throws IOException {
                    r.close();
                }
            };
        }

        @Override
        public InputStream readResults(String id) throws IOException {
            return files.readResults(id);
        }

        @Override
        public void dropInputs(String id) {
            files.dropInputs(id);
        }
    }

    private static BulkJob await(BulkJobs jobs, String id, Predicate<BulkJob> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        BulkJob j = jobs.find(id).orElseThrow().job();
        while (!done.test(j) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            j = jobs.find(id).orElseThrow().job();
        }
        return j;
    }

    @Test
    void aFullDiskEndsTheJobFailedAndTheRunnerGoesOn(@TempDir Path dir) throws Exception {
        FillingStore store = new FillingStore(new FileBulkJobRepository(dir));
        String first = "job-full";
        try (BulkJobRepository.Draft d = store.create(first)) {
            for (BulkInput in : BulkResumeTest.inputs(40)) {
                d.add(in);
            }
            d.commit(BulkJob.queued(first, Instant.parse("2026-12-01T00:00:00Z"), "upload:x", "jsonl", 40, OPTIONS));
        }
        Path folder = dir.resolve("classify-jobs").resolve(first);
        BulkJobs jobs = runner(store, classifier);
        jobs.start();
        try {
            BulkJob failed = await(jobs, first, j -> j.status().isFinal());
            assertThat(failed.status()).isEqualTo(BulkStatus.FAILED);
            assertThat(failed.error()).isEqualTo("the job failed: the store could not be written: " + ENOSPC);
            // the disk is still full: the end is in memory only, and the inputs stay for a resume after a restart
            assertThat(new FileBulkJobRepository(dir).find(first).orElseThrow().status())
                    .isEqualTo(BulkStatus.RUNNING);
            assertThat(folder.resolve("inputs.jsonl")).exists();

            store.room();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(folder.resolve("inputs.jsonl")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            BulkJob written = new FileBulkJobRepository(dir).find(first).orElseThrow();
            assertThat(written.status()).as("the end is written once there is room").isEqualTo(BulkStatus.FAILED);
            assertThat(written.error()).contains(ENOSPC);
            assertThat(folder.resolve("inputs.jsonl")).doesNotExist();

            // the runner outlived the failure: the next job runs to its end
            BulkJob next = jobs.submit("upload:y", "jsonl", OPTIONS, sink -> {
                for (BulkInput in : BulkResumeTest.inputs(8)) {
                    sink.accept(in);
                }
                return 8;
            });
            BulkJob ran = await(jobs, next.id(), j -> j.status().isFinal());
            assertThat(ran.status()).as(String.valueOf(ran.error())).isEqualTo(BulkStatus.SUCCEEDED);
            assertThat(ran.processed()).isEqualTo(8);
        } finally {
            jobs.stop();
        }
    }
}
