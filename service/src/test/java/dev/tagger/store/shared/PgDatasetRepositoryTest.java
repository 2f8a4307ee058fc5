package dev.tagger.store.shared;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetRepositoryContract;
import dev.tagger.datasets.DatasetStats;
import dev.tagger.datasets.Example;
import dev.tagger.datasets.MutableClock;
import dev.tagger.datasets.TextLengthStats;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Datasets in a real PostgreSQL and a real S3 server: the shared contract, then two replicas sharing them. */
class PgDatasetRepositoryTest extends DatasetRepositoryContract {

    @TempDir
    Path cache;

    private final List<AutoCloseable> open = new ArrayList<>();

    @Override
    protected DatasetRepository repository(MutableClock clock) {
        HikariDataSource ds = SharedStores.database();
        S3Blobs blobs = SharedStores.blobs(cache);
        open.add(ds);
        open.add(blobs);
        return new PgDatasetRepository(ds, blobs, clock);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aDatasetCommittedOnOneReplicaIsReadOnAnotherThroughItsOwnCacheByDigest() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-04T05:06:07Z"));
        HikariDataSource ds = SharedStores.database();
        open.add(ds);
        String bucket = "t-two-replicas-" + System.nanoTime();
        S3Blobs blobsA = new S3Blobs(SharedStores.s3(bucket), cache.resolve("a"));
        blobsA.ensureBucket();
        S3Blobs blobsB = new S3Blobs(SharedStores.s3(bucket), cache.resolve("b"));
        open.add(blobsA);
        open.add(blobsB);
        PgDatasetRepository a = new PgDatasetRepository(ds, blobsA, clock);
        PgDatasetRepository b = new PgDatasetRepository(ds, blobsB, clock);
        List<Example> examples = List.of(Example.of("so happy", "joy"), Example.of("ugh", "anger"));
        DatasetStats stats = new DatasetStats(2, List.of("anger", "joy"), Map.of("anger", 1L, "joy", 1L), 0,
                TextLengthStats.of(8, 3, 2));
        DatasetInfo info;
        try (DatasetRepository.Draft d = a.create()) {
            for (Example e : examples) {
                d.add(e);
            }
            info = d.commit("shared", DatasetFormat.JSONL, 42, stats);
        }

        assertThat(b.find(info.id())).contains(info);
        assertThat(cachedFiles(cache.resolve("b"))).isEmpty();
        assertThat(b.load(info.id())).isEqualTo(examples);
        assertThat(cachedFiles(cache.resolve("b"))).hasSize(1);
        assertThat(cachedFiles(cache.resolve("a"))).as("the uploader keeps its copy").hasSize(1);

        assertThat(a.delete(info.id())).isTrue();
        assertThat(b.find(info.id())).isEmpty();
        assertThat(b.list()).isEmpty();
    }

    private static List<Path> cachedFiles(Path cacheDir) throws IOException {
        Path objects = cacheDir.resolve("objects");
        if (!Files.exists(objects)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(objects)) {
            return s.toList();
        }
    }
}
