package dev.tagger.store.local;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetNotFoundException;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetRepositoryContract;
import dev.tagger.datasets.DatasetSaveResult;
import dev.tagger.datasets.DatasetUploads;
import dev.tagger.datasets.Example;
import dev.tagger.datasets.MutableClock;
import dev.tagger.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file repository: the shared contract, and what only files show (the layout on disk, restarts, temporaries),
 * each through an upload as the service does it.
 */
class FileDatasetRepositoryTest extends DatasetRepositoryContract {

    private static final String JSONL = """
            {"text": "I love it", "labels": ["joy", "love"]}
            {"text": "meh", "labels": []}
            {"text": "grr", "labels": ["anger"], "id": 3}
            """;

    @TempDir
    Path root;

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected DatasetRepository repository(MutableClock clock) throws IOException {
        return new FileDatasetRepository(root, clock);
    }

    private static DatasetSaveResult save(DatasetUploads store, String name, String jsonl) throws IOException {
        return store.save(name, DatasetFormat.JSONL, stream(jsonl), null, DatasetLimits.DEFAULTS);
    }

    private static DatasetUploads uploads(DatasetRepository repository) {
        return new DatasetUploads(repository);
    }

    @Test
    void savesNormalisedDataAndMetadataAndSurvivesARestart() throws IOException {
        Instant created = Instant.parse("2025-03-04T05:06:07.123Z");
        DatasetRepository repo = new FileDatasetRepository(root, Clock.fixed(created, ZoneOffset.UTC));

        DatasetSaveResult result = uploads(repo).save("  feelings  ", DatasetFormat.JSONL, stream(JSONL), null,
                DatasetLimits.DEFAULTS);

        assertThat(result.ok()).isTrue();
        assertThat(result.problems()).isEmpty();
        DatasetInfo info = result.dataset();
        assertThat(info.id()).matches("[a-z0-9]+-[a-z0-9]{6}");
        assertThat(info.name()).isEqualTo("feelings");
        assertThat(info.createdAt()).isEqualTo(created);
        assertThat(info.format()).isEqualTo(DatasetFormat.JSONL);
        assertThat(info.bytes()).isEqualTo(JSONL.getBytes(StandardCharsets.UTF_8).length);
        assertThat(info.rows()).isEqualTo(3);
        assertThat(info.labels()).containsExactly("anger", "joy", "love");
        assertThat(info.stats().unlabeled()).isEqualTo(1);

        Path dir = root.resolve("datasets").resolve(info.id());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("data.jsonl", "meta.json");
        }
        assertThat(Files.readAllLines(dir.resolve("data.jsonl"))).containsExactly(
                "{\"text\":\"I love it\",\"labels\":[\"joy\",\"love\"]}",
                "{\"text\":\"meh\",\"labels\":[]}",
                "{\"text\":\"grr\",\"labels\":[\"anger\"]}");
        JsonNode meta = JsonMapper.builder().build().readTree(dir.resolve("meta.json").toFile());
        assertThat(meta.get("id").stringValue()).isEqualTo(info.id());
        assertThat(meta.get("name").stringValue()).isEqualTo("feelings");
        assertThat(meta.get("createdAt").stringValue()).isEqualTo("2025-03-04T05:06:07.123Z");
        assertThat(meta.get("format").stringValue()).isEqualTo("JSONL");
        assertThat(meta.at("/stats/rows").asLong()).isEqualTo(3);
        assertThat(meta.at("/stats/labelCounts/joy").asLong()).isEqualTo(1);
        assertThat(meta.at("/stats/textLength/max").asInt()).isEqualTo(9);

        List<Example> expected = List.of(Example.of("I love it", "joy", "love"), Example.of("meh"),
                Example.of("grr", "anger"));
        assertThat(repo.find(info.id())).contains(info);
        assertThat(repo.list()).containsExactly(info);
        assertThat(repo.load(info.id())).isEqualTo(expected);

        DatasetRepository restarted = new FileDatasetRepository(root);
        assertThat(restarted.find(info.id())).contains(info);
        assertThat(restarted.list()).containsExactly(info);
        assertThat(restarted.load(info.id())).isEqualTo(expected);
        assertNoTemporaries();
    }

    @Test
    void metadataWrittenBeforeTruncatedTextsExistedStillReads() throws IOException {
        DatasetRepository repo = new FileDatasetRepository(root);
        DatasetInfo info = uploads(repo).save("old", DatasetFormat.JSONL, stream(JSONL), null, DatasetLimits.DEFAULTS)
                .dataset();
        Path meta = root.resolve("datasets").resolve(info.id()).resolve("meta.json");
        String written = Files.readString(meta);
        assertThat(written).contains("\"truncatedTexts\"");
        // as an older version wrote it: no truncatedTexts at all
        Files.writeString(meta, written.replaceAll(",\\s*\"truncatedTexts\"\\s*:\\s*0", ""));
        assertThat(Files.readString(meta)).doesNotContain("truncatedTexts");

        DatasetInfo read = new FileDatasetRepository(root).find(info.id()).orElseThrow();
        assertThat(read.stats().truncatedTexts()).isZero();
        assertThat(read).isEqualTo(info);
    }

    @Test
    void csvAndTsvUploadsAreStoredAsJsonl() throws IOException {
        DatasetRepository repo = new FileDatasetRepository(root);
        DatasetUploads store = uploads(repo);
        DatasetSaveResult csv = store.save("csv", DatasetFormat.CSV,
                stream("text,labels\n\"a, b\",x;y\n\"multi\nline\",\n"), null, DatasetLimits.DEFAULTS);
        DatasetSaveResult tsv = store.save("tsv", DatasetFormat.TSV, stream("first\t1,0\tid1\nsecond\t2\tid2\n"),
                List.of("neutral", "joy", "anger"), DatasetLimits.DEFAULTS);
        assertThat(csv.ok()).isTrue();
        assertThat(tsv.ok()).isTrue();
        assertThat(repo.load(csv.dataset().id())).containsExactly(Example.of("a, b", "x", "y"),
                Example.of("multi\nline"));
        assertThat(repo.load(tsv.dataset().id())).containsExactly(Example.of("first", "joy", "neutral"),
                Example.of("second", "anger"));
        assertThat(tsv.dataset().labels()).containsExactly("neutral", "joy", "anger");
        assertThat(tsv.dataset().stats().labelCounts()).containsEntry("neutral", 1L).containsEntry("joy", 1L)
                .containsEntry("anger", 1L);
        assertThat(Files.readString(root.resolve("datasets").resolve(csv.dataset().id()).resolve("data.jsonl")))
                .isEqualTo("{\"text\":\"a, b\",\"labels\":[\"x\",\"y\"]}\n{\"text\":\"multi\\nline\",\"labels\":[]}\n");
    }

    @Test
    void failedUploadReturnsProblemsAndLeavesNothingBehind() throws IOException {
        DatasetRepository repo = new FileDatasetRepository(root);
        DatasetSaveResult result = save(uploads(repo), "bad", """
                {"text": "fine", "labels": []}
                not json
                {"text": "", "labels": []}
                """);
        assertThat(result.ok()).isFalse();
        assertThat(result.dataset()).isNull();
        assertThat(result.problemCount()).isEqualTo(2);
        assertThat(result.problems()).extracting(DatasetProblem::line).containsExactly(2L, 3L);
        assertThat(repo.list()).isEmpty();
        assertThat(root.resolve("datasets")).isEmptyDirectory();
        assertNoTemporaries();
    }

    @Test
    void oversizedUploadIsNotReadPastTheLimit() throws IOException {
        DatasetUploads store = uploads(new FileDatasetRepository(root));
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                read.addAndGet(len);
                return len;
            }
        };
        DatasetSaveResult result = store.save("big", DatasetFormat.JSONL, endless, null,
                DatasetLimits.DEFAULTS.withMaxBytes(1000));
        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("maxBytes").contains("1,000"));
        assertThat(read.get()).isEqualTo(1001);
        assertThat(root.resolve("datasets")).isEmptyDirectory();
        assertNoTemporaries();
    }

    @Test
    void failingStreamThrowsAndLeavesNothingBehind() throws IOException {
        DatasetUploads store = uploads(new FileDatasetRepository(root));
        InputStream broken = new FilterInputStream(stream(JSONL)) {
            private int calls;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (++calls > 1) {
                    throw new IOException("connection reset");
                }
                return super.read(b, off, Math.min(len, 10));
            }
        };
        assertThatThrownBy(() -> store.save("x", DatasetFormat.JSONL, broken, null, DatasetLimits.DEFAULTS))
                .isInstanceOf(IOException.class).hasMessage("connection reset");
        assertThat(root.resolve("datasets")).isEmptyDirectory();
        assertNoTemporaries();
    }

    @Test
    void blankOrOverlongNameIsAProblem() throws IOException {
        DatasetUploads store = uploads(new FileDatasetRepository(root));
        assertThat(save(store, "  ", JSONL).problems())
                .containsExactly(new DatasetProblem(0, "name", "name is blank"));
        assertThat(save(store, null, JSONL).ok()).isFalse();
        assertThat(save(store, "n".repeat(201), JSONL).problems()).extracting(DatasetProblem::field)
                .containsExactly("name");
        assertThat(save(store, "n".repeat(200), JSONL).ok()).isTrue();
    }

    @Test
    void deleteRemovesTheDirectoryAndSurvivesARestart() throws IOException {
        DatasetRepository repo = new FileDatasetRepository(root);
        DatasetUploads store = uploads(repo);
        String keep = save(store, "keep", JSONL).dataset().id();
        String id = save(store, "gone", JSONL).dataset().id();

        assertThat(repo.delete(id)).isTrue();
        assertThat(repo.find(id)).isEmpty();
        assertThatThrownBy(() -> repo.load(id)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(id);
        assertThat(repo.list()).extracting(DatasetInfo::id).containsExactly(keep);
        assertThat(repo.delete(id)).isFalse();
        assertThat(root.resolve("datasets").resolve(id)).doesNotExist();
        assertNoTemporaries();
        assertThat(new FileDatasetRepository(root).list()).extracting(DatasetInfo::id).containsExactly(keep);
    }

    @Test
    void listIsOldestFirstAndSkipsDirectoriesWithoutMetadata() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        DatasetRepository repo = new FileDatasetRepository(root, clock);
        DatasetUploads store = uploads(repo);
        String first = save(store, "first", JSONL).dataset().id();
        clock.advance(Duration.ofMinutes(1));
        String second = save(store, "second", JSONL).dataset().id();
        clock.advance(Duration.ofMinutes(1));
        String third = save(store, "third", JSONL).dataset().id();
        Files.createDirectories(root.resolve("datasets").resolve("stray"));
        Files.createDirectories(root.resolve("datasets").resolve("broken"));
        Files.writeString(root.resolve("datasets").resolve("broken").resolve("meta.json"), "{oops");

        assertThat(repo.list()).extracting(DatasetInfo::id).containsExactly(first, second, third);
        assertThat(repo.list()).extracting(DatasetInfo::name).containsExactly("first", "second", "third");
        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    }

    @Test
    void staleTemporariesAreCleanedOnStartButFreshOnesAreKept() throws IOException {
        Path tmp = root.resolve("tmp");
        Files.createDirectories(tmp.resolve("upload-old"));
        Files.writeString(tmp.resolve("upload-old").resolve("upload"), "partial");
        Files.setLastModifiedTime(tmp.resolve("upload-old"), FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        Files.createDirectories(tmp.resolve("upload-new"));

        new FileDatasetRepository(root);

        assertThat(tmp.resolve("upload-old")).doesNotExist();
        assertThat(tmp.resolve("upload-new")).exists();
    }

    @Test
    void storesGoEmotionsDev() throws IOException {
        Path dir = TestData.requireGoEmotions();
        long lines;
        try (Stream<String> s = Files.lines(dir.resolve("dev.tsv"))) {
            lines = s.count();
        }
        DatasetSaveResult result;
        try (InputStream in = Files.newInputStream(dir.resolve("dev.tsv"))) {
            result = uploads(new FileDatasetRepository(root)).save("goemotions dev", DatasetFormat.TSV, in,
                    DatasetParser.readLabels(dir.resolve("labels.txt")), DatasetLimits.DEFAULTS);
        }
        assertThat(result.problems()).isEmpty();
        assertThat(result.dataset().rows()).isEqualTo(lines);
        assertThat(result.dataset().labels()).hasSize(28);
        assertThat(result.dataset().bytes()).isEqualTo(Files.size(dir.resolve("dev.tsv")));
        List<Example> loaded = new FileDatasetRepository(root).load(result.dataset().id());
        assertThat(loaded).hasSize((int) lines);
        assertThat(loaded).allMatch(e -> !e.labels().isEmpty());
    }

    private void assertNoTemporaries() throws IOException {
        Path tmp = root.resolve("tmp");
        try (Stream<Path> entries = Files.list(tmp)) {
            assertThat(entries).as("leftovers in " + tmp).isEmpty();
        }
    }
}
