package dev.tagger.store.shared;

import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobRepositoryContract;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Jobs in a real PostgreSQL: the shared contract, then what only a shared queue shows: replicas claiming at once,
 * a trainer that dies and loses its lease, the attempts limit, fencing, a cancel from another replica.
 */
class PgJobRepositoryTest extends JobRepositoryContract {

    private final List<AutoCloseable> open = new ArrayList<>();
    private String url;

    private synchronized PgJobRepository replica(String name, Duration lease, int maxAttempts) {
        if (url == null) {
            url = PostgresServer.get().newDatabase();
        }
        HikariDataSource ds = Database.open(url, "tagger", "", 4);
        PgJobRepository repo = new PgJobRepository(ds, name, lease, maxAttempts);
        open.add(ds);
        open.add(repo);
        return repo;
    }

    @Override
    protected JobRepository repository() {
        return replica("a", Duration.ofSeconds(30), 3);
    }

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void twentyJobsClaimedByFourReplicasAtOnceRunExactlyOnce() throws Exception {
        List<PgJobRepository> replicas = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replicas.add(replica("r" + i, Duration.ofSeconds(30), 3));
        }
        for (int i = 0; i < 20; i++) {
            replicas.get(i % 2).create(TrainJob.queued(String.format("j%02d", i), Instant.now(), spec()), null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> claimed = new ArrayList<>();
            for (PgJobRepository r : replicas) {
                Callable<List<String>> drain = () -> {
                    List<String> ids = new ArrayList<>();
                    Optional<TrainJob> j;
                    while ((j = r.claimNext(Instant.now())).isPresent()) {
                        ids.add(j.get().id());
                    }
                    return ids;
                };
                claimed.add(pool.submit(drain));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : claimed) {
                all.addAll(f.get());
            }
            assertThat(all).hasSize(20).doesNotHaveDuplicates();
            assertThat(replicas.get(3).count(JobStatus.RUNNING)).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTrainerThatDiesLosesItsLeaseAndTheJobIsRetriedElsewhereWhileTheDeadOneCannotEndIt() throws Exception {
        PgJobRepository dying = replica("dying", Duration.ofMillis(600), 3);
        PgJobRepository other = replica("other", Duration.ofMillis(600), 3);
        dying.create(TrainJob.queued("j1", Instant.now(), spec()), null);
        assertThat(dying.claimNext(Instant.now())).isPresent();

        Thread.sleep(1000);
        assertThat(other.claimNext(Instant.now())).as("the heartbeat keeps the lease").isEmpty();

        dying.abandonClaims();
        Thread.sleep(1000);
        TrainJob retried = other.claimNext(Instant.now()).orElseThrow();
        assertThat(retried.id()).isEqualTo("j1");
        assertThat(retried.status()).isEqualTo(JobStatus.RUNNING);

        assertThatThrownBy(() -> dying.update("j1", j -> j.finished(JobStatus.SUCCEEDED, Instant.now(), null, null)))
                .isInstanceOf(PgJobRepository.LeaseLostException.class);
        TrainJob done = other.update("j1", j -> j.finished(JobStatus.FAILED, Instant.now(), null, "x"));
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(dying.find("j1").orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aJobWhoseTrainersKeepDyingFailsAfterMaxAttemptsWithTheReason() throws Exception {
        PgJobRepository seed = replica("seed", Duration.ofMillis(300), 2);
        seed.create(TrainJob.queued("j1", Instant.now(), spec()), null);
        for (int attempt = 1; attempt <= 2; attempt++) {
            PgJobRepository trainer = replica("t" + attempt, Duration.ofMillis(300), 2);
            assertThat(trainer.claimNext(Instant.now())).as("attempt " + attempt).isPresent();
            trainer.abandonClaims();
            Thread.sleep(600);
        }
        assertThat(seed.claimNext(Instant.now())).isEmpty();
        TrainJob failed = seed.find("j1").orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).contains("2 time(s)").contains("max-attempts=2");
    }

    @Test
    void aCancelFromAnotherReplicaReachesTheRunningJob() {
        PgJobRepository trainer = replica("trainer", Duration.ofSeconds(30), 3);
        PgJobRepository api = replica("api", Duration.ofSeconds(30), 3);
        api.create(TrainJob.queued("j1", Instant.now(), spec()), null);
        trainer.claimNext(Instant.now()).orElseThrow();
        trainer.recordProgress("j1", TrainJob.Progress.phase("training"));

        TrainJob flagged = api.update("j1", j -> j.cancelled(Instant.now()));

        assertThat(flagged.cancelRequested()).isTrue();
        assertThat(flagged.status()).isEqualTo(JobStatus.RUNNING);
        TrainJob seenByTrainer = trainer.update("j1", j -> j);
        assertThat(seenByTrainer.cancelRequested()).isTrue();
        assertThat(seenByTrainer.progress().phase()).isEqualTo("training");
    }
}
