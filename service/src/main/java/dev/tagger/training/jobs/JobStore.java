package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.StoreIds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Training jobs, one JSON file each, written atomically (temporary file + atomic rename):
 * <pre>
 *   &lt;store&gt;/jobs/&lt;id&gt;.json             the job as GET /train-jobs/{id} shows it
 *   &lt;store&gt;/jobs/&lt;id&gt;.examples.jsonl   examples sent with the job, kept until it ends
 * </pre>
 * Every job is also held in memory; progress updates stay there, state changes and epochs reach the file.
 * <p>
 * When the store opens after a stop or a crash, a job the file shows RUNNING comes back FAILED with the reason
 * "interrupted by a restart" (its partial training is lost; no half-written model exists, bundles are written
 * atomically). A QUEUED job had not started: it is handed back by {@link #queuedAtStart()} to run again, in the
 * order it was submitted.
 */
public final class JobStore {

    public static final String INTERRUPTED = "interrupted by a restart";

    private static final Logger log = LoggerFactory.getLogger(JobStore.class);
    private static final String JOB_SUFFIX = ".json";
    private static final String EXAMPLES_SUFFIX = ".examples.jsonl";

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final JsonMapper JSON_LINES = JsonMapper.builder().build();

    private final Path dir;
    private final Clock clock;
    private final Map<String, TrainJob> jobs = new ConcurrentHashMap<>();
    private final List<String> queuedAtStart = new ArrayList<>();

    public JobStore(Path storeDir, Clock clock) {
        this.dir = storeDir.toAbsolutePath().normalize().resolve("jobs");
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            AtomicFiles.removeTemporaries(dir);
            load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the job store " + dir, e);
        }
    }

    private void load() throws IOException {
        List<TrainJob> queued = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + JOB_SUFFIX)) {
            for (Path f : files) {
                TrainJob job;
                try {
                    job = JSON.readValue(Files.readAllBytes(f), TrainJob.class);
                } catch (JacksonException | IOException e) {
                    log.warn("skipping unreadable job file {}: {}", f, e.getMessage());
                    continue;
                }
                if (job.status() == JobStatus.RUNNING) {
                    job = job.finished(JobStatus.FAILED, clock.instant(), null, INTERRUPTED);
                    write(job);
                    deleteExamples(job.id());
                    log.warn("job {} was running when the service stopped; it is marked FAILED", job.id());
                } else if (job.status() == JobStatus.QUEUED) {
                    queued.add(job);
                }
                jobs.put(job.id(), job);
            }
        }
        queued.sort(Comparator.comparing(TrainJob::createdAt));
        queued.forEach(j -> queuedAtStart.add(j.id()));
        if (!queued.isEmpty()) {
            log.info("{} job(s) were queued when the service stopped; they are queued again", queued.size());
        }
    }

    /** Jobs that were QUEUED when the store opened, oldest first. */
    public List<String> queuedAtStart() {
        return List.copyOf(queuedAtStart);
    }

    /** A new, time-ordered job id: base-36 milliseconds, a dash, 6 random base-36 characters. */
    public String newId() {
        return StoreIds.timeOrdered(clock.instant());
    }

    public Clock clock() {
        return clock;
    }

    public Optional<TrainJob> get(String id) {
        return Optional.ofNullable(id == null ? null : jobs.get(id));
    }

    /** Every job, newest first. */
    public List<TrainJob> list() {
        List<TrainJob> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(TrainJob::createdAt).reversed().thenComparing(TrainJob::id));
        return all;
    }

    public long count(JobStatus status) {
        return jobs.values().stream().filter(j -> j.status() == status).count();
    }

    /** Adds or replaces a job, in memory and on disk. */
    public synchronized void save(TrainJob job) {
        write(job);
        jobs.put(job.id(), job);
    }

    /**
     * Changes a job atomically with respect to other changes.
     *
     * @param persist whether the change reaches the file (state changes, epochs) or stays in memory (progress)
     * @return the changed job
     */
    public synchronized TrainJob update(String id, UnaryOperator<TrainJob> change, boolean persist) {
        TrainJob current = jobs.get(id);
        if (current == null) {
            throw new IllegalArgumentException("no job " + id);
        }
        TrainJob next = change.apply(current);
        if (persist) {
            write(next);
        }
        jobs.put(id, next);
        return next;
    }

    private void write(TrainJob job) {
        try {
            AtomicFiles.write(dir.resolve(job.id() + JOB_SUFFIX), JSON.writeValueAsBytes(job));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job " + job.id(), e);
        }
    }

    /** Keeps the examples sent with a job until it ends. */
    public void saveExamples(String id, List<Example> examples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Example e : examples) {
            out.writeBytes(JSON_LINES.writeValueAsBytes(e));
            out.write('\n');
        }
        try {
            AtomicFiles.write(dir.resolve(id + EXAMPLES_SUFFIX), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the examples of job " + id, e);
        }
    }

    public List<Example> examples(String id) throws IOException {
        Path file = dir.resolve(id + EXAMPLES_SUFFIX);
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isEmpty()) {
                    out.add(JSON_LINES.readValue(line, Example.class));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException("the examples of job " + id + " are missing (" + file + ")", e);
        }
        return out;
    }

    public void deleteExamples(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + EXAMPLES_SUFFIX));
        } catch (IOException e) {
            log.warn("cannot delete the examples of job {}: {}", id, e.toString());
        }
    }
}
