package dev.tagger.store.local;

import dev.tagger.bulk.BulkInput;
import dev.tagger.bulk.BulkJob;
import dev.tagger.bulk.BulkJobRepository;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bulk jobs in files, one folder each:
 * <pre>
 *   &lt;store&gt;/classify-jobs/&lt;id&gt;/job.json        the job (atomic write: temporary + fsync + rename)
 *   &lt;store&gt;/classify-jobs/&lt;id&gt;/inputs.jsonl    its texts, {"id", "text"} a line (dropped when it ends)
 *   &lt;store&gt;/classify-jobs/&lt;id&gt;/results.jsonl   one result line per text, appended and forced per chunk
 * </pre>
 * A new job's folder is written as a hidden temporary sibling and renamed into place whole, so a crash leaves either
 * the whole job or a temporary that the next open removes. Results are appended whole lines at a time and forced to
 * disk; a crash can leave a torn last line, which {@link #openResults} cuts off, and readers never see (they read up
 * to the last newline). One process owns the folder.
 */
public final class FileBulkJobRepository implements BulkJobRepository {

    private static final Logger log = LoggerFactory.getLogger(FileBulkJobRepository.class);
    static final String JOB = "job.json";
    static final String INPUTS = "inputs.jsonl";
    static final String RESULTS = "results.jsonl";

    private final Path dir;
    private final Map<String, BulkJob> jobs = new ConcurrentHashMap<>();

    public FileBulkJobRepository(Path storeDir) {
        this.dir = storeDir.toAbsolutePath().normalize().resolve("classify-jobs");
        try {
            Files.createDirectories(dir);
            AtomicFiles.removeTemporaries(dir);
            try (DirectoryStream<Path> folders = Files.newDirectoryStream(dir)) {
                for (Path f : folders) {
                    Path job = f.resolve(JOB);
                    if (!Files.isRegularFile(job)) {
                        continue;
                    }
                    try {
                        BulkJob j = Json.FILES.readValue(Files.readAllBytes(job), BulkJob.class);
                        jobs.put(j.id(), j);
                    } catch (JacksonException | IOException e) {
                        log.warn("skipping unreadable bulk job {}: {}", job, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the bulk job store " + dir, e);
        }
    }

    private Path folder(String id) {
        if (id == null || !id.matches("[a-z0-9-]{1,64}")) {
            throw new NoSuchElementException("no bulk job " + id);
        }
        return dir.resolve(id);
    }

    @Override
    public Draft create(String id) throws IOException {
        Path target = folder(id);
        Path tmp = dir.resolve("." + id + AtomicFiles.TEMP_INFIX + UUID.randomUUID());
        Files.createDirectories(tmp);
        FileChannel ch = FileChannel.open(tmp.resolve(INPUTS), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch),
                StandardCharsets.UTF_8), 64 * 1024);
        return new Draft() {
            private boolean committed;

            @Override
            public void add(BulkInput input) throws IOException {
                Map<String, Object> line = new LinkedHashMap<>();
                if (input.id() != null) {
                    line.put("id", input.id());
                }
                line.put("text", input.text());
                out.write(Json.MAPPER.writeValueAsString(line));
                out.write('\n');
            }

            @Override
            public void commit(BulkJob job) throws IOException {
                out.flush();
                ch.force(true);
                out.close();
                AtomicFiles.write(tmp.resolve(JOB), Json.FILES.writeValueAsBytes(job));
                Files.createFile(tmp.resolve(RESULTS));
                AtomicFiles.forceFolder(tmp);
                AtomicFiles.move(tmp, target);
                jobs.put(job.id(), job);
                committed = true;
            }

            @Override
            public void close() throws IOException {
                if (!committed) {
                    try {
                        out.close();
                    } finally {
                        AtomicFiles.deleteRecursively(tmp);
                    }
                }
            }
        };
    }

    @Override
    public Optional<BulkJob> find(String id) {
        return Optional.ofNullable(id == null ? null : jobs.get(id));
    }

    @Override
    public List<BulkJob> list() {
        List<BulkJob> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(BulkJob::createdAt).reversed().thenComparing(BulkJob::id));
        return all;
    }

    @Override
    public void save(BulkJob job) {
        try {
            AtomicFiles.write(folder(job.id()).resolve(JOB), Json.FILES.writeValueAsBytes(job));
            jobs.put(job.id(), job);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bulk job " + job.id(), e);
        }
    }

    @Override
    public boolean delete(String id) throws IOException {
        if (jobs.remove(id) == null) {
            return false;
        }
        // Renamed away first, so a crash midway leaves a temporary, not half a job.
        Path gone = dir.resolve("." + id + AtomicFiles.TEMP_INFIX + UUID.randomUUID());
        AtomicFiles.move(folder(id), gone);
        AtomicFiles.deleteRecursively(gone);
        return true;
    }

    @Override
    public Inputs inputs(String id, long skip) throws IOException {
        BufferedReader r;
        try {
            r = Files.newBufferedReader(folder(id).resolve(INPUTS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("the inputs of bulk job " + id + " are missing", e);
        }
        for (long i = 0; i < skip; i++) {
            if (r.readLine() == null) {
                r.close();
                throw new IOException("the inputs of bulk job " + id + " end before line " + (skip + 1));
            }
        }
        return new Inputs() {
            private String next = read();

            private String read() {
                try {
                    String line;
                    do {
                        line = r.readLine();
                    } while (line != null && line.isEmpty());
                    return line;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public BulkInput next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                JsonNode n = Json.MAPPER.readTree(next);
                next = read();
                return new BulkInput(n.hasNonNull("id") ? n.get("id").asString() : null, n.get("text").asString());
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }

    @Override
    public Results openResults(String id) throws IOException {
        Path file = folder(id).resolve(RESULTS);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long complete = lastNewline(ch, ch.size());
        long lines = 0;
        if (complete < ch.size()) {
            log.info("bulk job {}: cutting a torn last result line ({} bytes)", id, ch.size() - complete);
            ch.truncate(complete);
            ch.force(true);
        }
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        ch.position(0);
        while (ch.read(buf) > 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                if (buf.get() == '\n') {
                    lines++;
                }
            }
            buf.clear();
        }
        ch.position(complete);
        long counted = lines;
        return new Results() {
            @Override
            public long lines() {
                return counted;
            }

            @Override
            public void append(byte[] bytes, int count) throws IOException {
                appendWhole(ch, bytes);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /**
     * Appends a chunk of result lines at the channel's position and forces it to disk, whole or not at all: when a
     * write or the force fails (a full disk), the file is cut back to where the chunk began, so that it holds exactly
     * the lines of the chunks that were appended (the job's processed count) and no torn line. Cutting a file needs
     * no free space.
     */
    static void appendWhole(FileChannel ch, byte[] bytes) throws IOException {
        long start = ch.position();
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        } catch (IOException e) {
            try {
                ch.truncate(start);
                ch.position(start);
            } catch (IOException again) {
                // the torn tail stays: readers stop at the last newline, and a resume cuts it (openResults)
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** The offset just after the last newline before {@code size} (0 when there is none). */
    private static long lastNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - start));
            ch.read(buf, start);
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    @Override
    public InputStream readResults(String id) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(folder(id).resolve(RESULTS), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchElementException("no bulk job " + id);
        }
        long complete = lastNewline(ch, ch.size());
        InputStream whole = Channels.newInputStream(ch);
        return new InputStream() {
            private long left = complete;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = whole.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = whole.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                whole.close();
            }
        };
    }

    @Override
    public void dropInputs(String id) {
        try {
            Files.deleteIfExists(folder(id).resolve(INPUTS));
        } catch (IOException e) {
            log.warn("cannot delete the inputs of bulk job {}: {}", id, e.toString());
        }
    }
}
