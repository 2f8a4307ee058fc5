package dev.tagger.datasets;

import dev.tagger.io.StoreIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Datasets kept on disk under a root directory:
 * <pre>
 *   &lt;root&gt;/datasets/&lt;id&gt;/data.jsonl   the accepted examples, normalised to {"text": ..., "labels": [...]} lines
 *   &lt;root&gt;/datasets/&lt;id&gt;/meta.json    a {@link DatasetInfo}
 *   &lt;root&gt;/tmp/                       uploads in progress
 * </pre>
 * An upload is streamed to a temporary file (at most {@code maxBytes}), parsed and validated, and only when it has
 * no problem at all is its directory completed and renamed into {@code datasets/} in one atomic move; otherwise
 * everything written for it is deleted. A dataset directory therefore either is complete or does not exist, and
 * everything survives a restart. Deleting renames the directory out of {@code datasets/} before removing it.
 * Safe for concurrent use within one process; one store per root.
 */
public final class DatasetStore {

    public static final String DATA_FILE = "data.jsonl";
    public static final String META_FILE = "meta.json";
    public static final int MAX_NAME_LENGTH = 200;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final JsonMapper JSON_LINES = JsonMapper.builder().build();

    private final Path root;
    private final Path datasets;
    private final Path tmp;
    private final Clock clock;

    public DatasetStore(Path root) throws IOException {
        this(root, Clock.systemUTC());
    }

    /** @param clock gives the creation times (and the time part of ids) */
    public DatasetStore(Path root, Clock clock) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.datasets = this.root.resolve("datasets");
        this.tmp = this.root.resolve("tmp");
        this.clock = Objects.requireNonNull(clock, "clock");
        Files.createDirectories(datasets);
        Files.createDirectories(tmp);
        removeStaleTemporaries();
    }

    public Path root() {
        return root;
    }

    /**
     * Stores an upload when it is valid.
     *
     * @param name         a name for people (trimmed; not blank, at most {@value #MAX_NAME_LENGTH} characters)
     * @param format       the upload's format
     * @param in           the upload (read to the end or to the byte limit; not closed)
     * @param labelsOrNull the label list, or {@code null} to derive it (required for TSV)
     * @param limits       the limits to enforce
     * @return the stored dataset, or the problems found (and nothing stored)
     * @throws IOException when reading the upload or writing the store fails (nothing is stored then either)
     */
    public DatasetSaveResult save(String name, DatasetFormat format, InputStream in, List<String> labelsOrNull,
                                  DatasetLimits limits) throws IOException {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        String cleanName = name == null ? "" : name.strip();
        String nameProblem = cleanName.isEmpty() ? "name is blank"
                : cleanName.codePointCount(0, cleanName.length()) > MAX_NAME_LENGTH
                ? "name is longer than " + MAX_NAME_LENGTH + " characters"
                : cleanName.chars().anyMatch(Character::isISOControl) ? "name contains a control character" : null;
        if (nameProblem != null) {
            return DatasetSaveResult.rejected(List.of(new DatasetProblem(0, "name", nameProblem)), 1);
        }

        Path staging = Files.createTempDirectory(tmp, "upload-");
        boolean moved = false;
        try {
            Path upload = staging.resolve("upload");
            long bytes = copyAtMost(in, upload, limits.maxBytes());
            if (bytes > limits.maxBytes()) {
                return DatasetSaveResult.rejected(List.of(new DatasetProblem(0, null, String.format(Locale.ROOT,
                        "input is larger than the limit of %,d bytes (maxBytes)", limits.maxBytes()))), 1);
            }

            Path data = staging.resolve(DATA_FILE);
            DatasetReport report;
            try (InputStream uploaded = Files.newInputStream(upload);
                 BufferedWriter out = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
                report = new DatasetParser(format, labelsOrNull, limits).parse(uploaded, example -> {
                    try {
                        out.write(JSON_LINES.writeValueAsString(example));
                        out.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (!report.ok()) {
                return DatasetSaveResult.rejected(report.problems(), report.problemCount());
            }
            Files.delete(upload);
            force(data);

            Instant now = clock.instant();
            String id;
            Path target;
            do {
                id = newId(now);
                target = datasets.resolve(id);
            } while (Files.exists(target));
            DatasetInfo info = new DatasetInfo(id, cleanName, now, format, bytes, report.stats());
            Path meta = staging.resolve(META_FILE);
            JSON.writeValue(meta.toFile(), info);
            force(meta);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("dataset id collision: " + id, e);
            }
            moved = true;
            return DatasetSaveResult.stored(info);
        } catch (JacksonException e) {
            throw new IOException("cannot write dataset metadata", e);
        } finally {
            if (!moved) {
                try {
                    deleteRecursively(staging);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", staging, e.toString());
                }
            }
        }
    }

    /** The dataset with this id, if stored. */
    public Optional<DatasetInfo> get(String id) throws IOException {
        Path meta = datasets.resolve(checkId(id)).resolve(META_FILE);
        try {
            return Optional.of(readMeta(meta));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** All stored datasets, oldest first (ties by id). Directories whose metadata cannot be read are skipped. */
    public List<DatasetInfo> list() throws IOException {
        List<DatasetInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(datasets)) {
            for (Path dir : dirs) {
                if (!ID.matcher(dir.getFileName().toString()).matches() || !Files.isDirectory(dir)) {
                    continue;
                }
                try {
                    out.add(readMeta(dir.resolve(META_FILE)));
                } catch (NoSuchFileException e) {
                    // deleted meanwhile
                } catch (IOException e) {
                    LOG.warn("skipping unreadable dataset {}: {}", dir, e.toString());
                }
            }
        }
        out.sort(Comparator.comparing(DatasetInfo::createdAt).thenComparing(DatasetInfo::id));
        return out;
    }

    /**
     * The examples of a stored dataset, in upload order.
     *
     * @throws DatasetNotFoundException when no dataset has this id
     */
    public List<Example> load(String id) throws IOException {
        Path data = datasets.resolve(checkId(id)).resolve(DATA_FILE);
        List<Example> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    out.add(JSON_LINES.readValue(line, Example.class));
                } catch (JacksonException e) {
                    throw new IOException("corrupt " + data + " at line " + number + ": " + e.getOriginalMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(id);
        }
        return out;
    }

    /** Deletes a dataset; false when none had this id. */
    public boolean delete(String id) throws IOException {
        Path dir = datasets.resolve(checkId(id));
        Path doomed = tmp.resolve("deleted-" + StoreIds.timeOrdered(Instant.now()) + "-" + id);
        try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        deleteRecursively(doomed);
        return true;
    }

    /**
     * Checks an id given by a caller: 1 to 64 of {@code [A-Za-z0-9_-]}, so that it can never name anything outside
     * the store.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid dataset id: ids are 1 to 64 characters of [A-Za-z0-9_-]");
        }
        return id;
    }

    // ---- internals ------------------------------------------------------------------------------------------

    private DatasetInfo readMeta(Path meta) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(meta), DatasetInfo.class);
        } catch (JacksonException e) {
            throw new IOException("cannot read " + meta + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Time-ordered, readable ids: base-36 milliseconds, a dash, 6 random base-36 characters. */
    private static String newId(Instant now) {
        return StoreIds.timeOrdered(now);
    }

    /** Copies up to {@code max + 1} bytes and returns how many were copied (more than {@code max}: too large). */
    private static long copyAtMost(InputStream in, Path file, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int n;
            while (total <= max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max + 1 - total))) >= 0) {
                out.write(buffer, 0, n);
                total += n;
            }
        }
        return total;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private void removeStaleTemporaries() throws IOException {
        FileTime cutoff = FileTime.from(clock.instant().minus(STALE_TEMP));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                try {
                    if (Files.getLastModifiedTime(entry).compareTo(cutoff) < 0) {
                        deleteRecursively(entry);
                    }
                } catch (IOException e) {
                    LOG.warn("cannot remove stale {}: {}", entry, e.toString());
                }
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
