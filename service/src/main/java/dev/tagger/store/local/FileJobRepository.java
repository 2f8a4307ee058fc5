package dev.tagger.store.local;

import dev.tagger.datasets.Example;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;
import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Training jobs in files, one JSON file each ({@link StoredJob}), written atomically (temporary file + rename):
 * <pre>
 *   &lt;store&gt;/jobs/&lt;id&gt;.json             the job
 *   &lt;store&gt;/jobs/&lt;id&gt;.examples.jsonl   examples sent with the job, kept until it ends
 * </pre>
 * Every job is also held in memory, which answers every read; progress stays there, every other change reaches
 * the file. One process owns the directory: changes are serialised by this object, not by file locks, and a job
 * that was RUNNING when the directory was opened is {@linkplain #abandoned abandoned}.
 * <p>
 * A change is written before memory shows it, so a failed write (a full disk) changes nothing. A final state that
 * cannot be written ({@link #endUnrecorded}) is shown from memory only and written with the next write that
 * succeeds; a restart before that finds the job RUNNING, hence abandoned.
 */
public final class FileJobRepository implements JobRepository {

    private static final Logger log = LoggerFactory.getLogger(FileJobRepository.class);
    private static final String JOB_SUFFIX = ".json";
    private static final String EXAMPLES_SUFFIX = ".examples.jsonl";
    private static final Comparator<TrainJob> NEWEST_FIRST = Comparator.comparing(TrainJob::createdAt).reversed()
            .thenComparing(TrainJob::id);

    /** A job and when it was added, so that queued jobs run in the order they were submitted. */
    private record Slot(TrainJob job, long seq) {
    }

    private final Path dir;
    private final Map<String, Slot> jobs = new ConcurrentHashMap<>();
    private final Set<String> runningAtOpen = ConcurrentHashMap.newKeySet();
    /** Jobs whose final state is in memory only: its write failed. Guarded by this. */
    private final Set<String> unrecorded = new LinkedHashSet<>();
    private long nextSeq;

    public FileJobRepository(Path storeDir) {
        this.dir = storeDir.toAbsolutePath().normalize().resolve("jobs");
        try {
            Files.createDirectories(dir);
            AtomicFiles.removeTemporaries(dir);
            load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the job store " + dir, e);
        }
    }

    private void load() throws IOException {
        List<TrainJob> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + JOB_SUFFIX)) {
            for (Path f : files) {
                try {
                    found.add(Json.FILES.readValue(Files.readAllBytes(f), StoredJob.class).toJob());
                } catch (JacksonException | IOException | IllegalArgumentException e) {
                    log.warn("skipping unreadable job file {}: {}", f, e.getMessage());
                }
            }
        }
        found.sort(Comparator.comparing(TrainJob::createdAt).thenComparing(TrainJob::id));
        for (TrainJob j : found) {
            jobs.put(j.id(), new Slot(j, nextSeq++));
            if (j.status() == JobStatus.RUNNING) {
                runningAtOpen.add(j.id());
            }
        }
    }

    @Override
    public synchronized void create(TrainJob job, List<Example> examples) {
        if (jobs.containsKey(job.id())) {
            throw new IllegalArgumentException("job " + job.id() + " exists already");
        }
        if (examples != null) {
            writeExamples(job.id(), examples);
        }
        try {
            write(job);
        } catch (RuntimeException e) {
            // a job that was never stored must not leave its examples behind (nothing would ever delete them)
            deleteExamples(job.id());
            throw e;
        }
        jobs.put(job.id(), new Slot(job, nextSeq++));
        writeUnrecorded();
    }

    @Override
    public Optional<TrainJob> find(String id) {
        Slot s = id == null ? null : jobs.get(id);
        return Optional.ofNullable(s == null ? null : s.job());
    }

    @Override
    public Page list(Set<JobStatus> states, long offset, int limit) {
        List<TrainJob> matching = jobs.values().stream().map(Slot::job).filter(j -> states.contains(j.status()))
                .sorted(NEWEST_FIRST).toList();
        int from = (int) Math.min(Math.max(offset, 0), matching.size());
        int to = (int) Math.min((long) from + Math.max(limit, 0), matching.size());
        return new Page(matching.subList(from, to), matching.size());
    }

    @Override
    public long count(JobStatus status) {
        return jobs.values().stream().filter(s -> s.job().status() == status).count();
    }

    @Override
    public synchronized Optional<TrainJob> claimNext(Instant now) {
        Optional<Slot> next = jobs.values().stream().filter(s -> s.job().status() == JobStatus.QUEUED)
                .min(Comparator.comparingLong(Slot::seq));
        return next.map(s -> update(s.job().id(), j -> j.started(now)));
    }

    /** Jobs that were RUNNING when this repository was opened, and still are: no process runs them any more. */
    @Override
    public List<TrainJob> abandoned(Instant now) {
        return runningAtOpen.stream().map(jobs::get).filter(s -> s != null && s.job().status() == JobStatus.RUNNING)
                .map(Slot::job).sorted(Comparator.comparing(TrainJob::createdAt)).toList();
    }

    @Override
    public synchronized TrainJob update(String id, UnaryOperator<TrainJob> change) {
        TrainJob next = change.apply(current(id).job());
        write(next);
        put(next);
        unrecorded.remove(id);
        if (next.status().isFinal()) {
            deleteExamples(id);
        }
        writeUnrecorded();
        return next;
    }

    /** Holds the final state in memory; the next write that succeeds writes it too. */
    @Override
    public synchronized Optional<TrainJob> endUnrecorded(String id, UnaryOperator<TrainJob> change) {
        TrainJob next = change.apply(current(id).job());
        if (!next.status().isFinal()) {
            throw new IllegalArgumentException("endUnrecorded needs a final state, not " + next.status());
        }
        put(next);
        unrecorded.add(id);
        // the examples serve no job any more, and deleting them frees space on a full disk
        deleteExamples(id);
        return Optional.of(next);
    }

    /** Writes the final states that could not be written before; those that still fail wait for the next try. */
    private void writeUnrecorded() {
        for (Iterator<String> it = unrecorded.iterator(); it.hasNext(); ) {
            Slot s = jobs.get(it.next());
            try {
                write(s.job());
                it.remove();
                log.info("job {}: its final state {} is written now", s.job().id(), s.job().status());
            } catch (RuntimeException e) {
                log.debug("job {}: its final state still cannot be written: {}", s.job().id(), e.toString());
            }
        }
    }

    @Override
    public synchronized TrainJob recordProgress(String id, TrainJob.Progress progress) {
        TrainJob next = current(id).job().withProgress(progress);
        put(next);
        return next;
    }

    @Override
    public synchronized TrainJob appendEpoch(String id, TrainJob.EpochReport epoch) {
        return update(id, j -> j.withEpoch(epoch));
    }

    private Slot current(String id) {
        Slot s = jobs.get(id);
        if (s == null) {
            throw new NoSuchElementException("no job " + id);
        }
        return s;
    }

    private void put(TrainJob job) {
        jobs.put(job.id(), new Slot(job, current(job.id()).seq()));
    }

    private void write(TrainJob job) {
        try {
            AtomicFiles.write(dir.resolve(job.id() + JOB_SUFFIX), Json.FILES.writeValueAsBytes(StoredJob.of(job)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job " + job.id(), e);
        }
    }

    private void writeExamples(String id, List<Example> examples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Example e : examples) {
            out.writeBytes(Json.MAPPER.writeValueAsBytes(e));
            out.write('\n');
        }
        try {
            AtomicFiles.write(dir.resolve(id + EXAMPLES_SUFFIX), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the examples of job " + id, e);
        }
    }

    @Override
    public List<Example> examples(String id) throws IOException {
        Path file = dir.resolve(id + EXAMPLES_SUFFIX);
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isEmpty()) {
                    out.add(Json.MAPPER.readValue(line, Example.class));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException("the examples of job " + id + " are missing (" + file + ")", e);
        }
        return out;
    }

    private void deleteExamples(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + EXAMPLES_SUFFIX));
        } catch (IOException e) {
            log.warn("cannot delete the examples of job {}: {}", id, e.toString());
        }
    }
}
