package dev.tagger.store.local;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetNotFoundException;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetStats;
import dev.tagger.datasets.Example;
import dev.tagger.datasets.ExampleLines;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;
import dev.tagger.io.StoreIds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Datasets kept on disk under a root directory:
 * <pre>
 *   &lt;root&gt;/datasets/&lt;id&gt;/data.jsonl   the examples, as {@link ExampleLines}
 *   &lt;root&gt;/datasets/&lt;id&gt;/meta.json    a {@link DatasetInfo}
 *   &lt;root&gt;/tmp/                       drafts in progress, and datasets being deleted
 * </pre>
 * A draft is a directory under {@code tmp/}; committing it forces its files to disk and renames it into
 * {@code datasets/} in one atomic move, so a dataset directory either is complete or does not exist, and everything
 * survives a restart. Deleting renames the directory out of {@code datasets/} before removing it. Temporaries left
 * by a crash are removed on start once they are an hour old. Safe for concurrent use within one process; one
 * repository per root.
 */
public final class FileDatasetRepository implements DatasetRepository {

    public static final String DATA_FILE = "data.jsonl";
    public static final String META_FILE = "meta.json";

    private static final String SCRATCH = "scratch";
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(FileDatasetRepository.class);

    private final Path datasets;
    private final Path tmp;
    private final Clock clock;

    public FileDatasetRepository(Path root) throws IOException {
        this(root, Clock.systemUTC());
    }

    /** @param clock gives the creation times (and the time part of ids) */
    public FileDatasetRepository(Path root, Clock clock) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        this.datasets = base.resolve("datasets");
        this.tmp = base.resolve("tmp");
        this.clock = Objects.requireNonNull(clock, "clock");
        Files.createDirectories(datasets);
        Files.createDirectories(tmp);
        removeStaleTemporaries();
    }

    @Override
    public Draft create() throws IOException {
        return new FileDraft(Files.createTempDirectory(tmp, "upload-"));
    }

    @Override
    public Optional<DatasetInfo> find(String id) throws IOException {
        Path meta = datasets.resolve(DatasetRepository.checkId(id)).resolve(META_FILE);
        try {
            return Optional.of(readMeta(meta));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Directories whose metadata cannot be read are skipped (and logged). */
    @Override
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

    @Override
    public List<Example> load(String id) throws IOException {
        Path data = datasets.resolve(DatasetRepository.checkId(id)).resolve(DATA_FILE);
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            return ExampleLines.read(reader, data.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(id);
        }
    }

    @Override
    public boolean delete(String id) throws IOException {
        Path dir = datasets.resolve(DatasetRepository.checkId(id));
        Path doomed = tmp.resolve("deleted-" + StoreIds.timeOrdered(Instant.now()) + "-" + id);
        try {
            AtomicFiles.move(dir, doomed);
        } catch (NoSuchFileException e) {
            return false;
        }
        AtomicFiles.deleteRecursively(doomed);
        return true;
    }

    private static DatasetInfo readMeta(Path meta) throws IOException {
        try {
            return Json.FILES.readValue(Files.readAllBytes(meta), DatasetInfo.class);
        } catch (JacksonException e) {
            throw new IOException("cannot read " + meta + ": " + e.getOriginalMessage(), e);
        }
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
                        AtomicFiles.deleteRecursively(entry);
                    }
                } catch (IOException e) {
                    LOG.warn("cannot remove stale {}: {}", entry, e.toString());
                }
            }
        }
    }

    /** A directory under tmp/ that becomes datasets/&lt;id&gt;/ on commit. */
    private final class FileDraft implements Draft {
        private final Path staging;
        private final Path data;
        private final BufferedWriter out;
        private boolean committed;

        FileDraft(Path staging) throws IOException {
            this.staging = staging;
            this.data = staging.resolve(DATA_FILE);
            this.out = Files.newBufferedWriter(data, StandardCharsets.UTF_8);
        }

        @Override
        public Path scratch() throws IOException {
            return Files.createDirectories(staging.resolve(SCRATCH));
        }

        @Override
        public void add(Example example) throws IOException {
            ExampleLines.write(out, example);
        }

        @Override
        public DatasetInfo commit(String name, DatasetFormat format, long bytes, DatasetStats stats)
                throws IOException {
            if (committed) {
                throw new IllegalStateException("the draft is already committed");
            }
            out.close();
            force(data);
            AtomicFiles.deleteRecursively(staging.resolve(SCRATCH));
            Instant now = clock.instant();
            String id;
            Path target;
            do {
                id = StoreIds.timeOrdered(now);
                target = datasets.resolve(id);
            } while (Files.exists(target));
            DatasetInfo info = new DatasetInfo(id, name, now, format, bytes, stats);
            Path meta = staging.resolve(META_FILE);
            try {
                Json.FILES.writeValue(meta.toFile(), info);
            } catch (JacksonException e) {
                throw new IOException("cannot write dataset metadata", e);
            }
            force(meta);
            try {
                AtomicFiles.move(staging, target);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("dataset id collision: " + id, e);
            }
            committed = true;
            return info;
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("cannot close {}: {}", data, e.toString());
            }
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", staging, e.toString());
            }
        }
    }
}
