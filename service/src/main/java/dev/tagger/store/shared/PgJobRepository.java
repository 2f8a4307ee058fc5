package dev.tagger.store.shared;

import dev.tagger.datasets.Example;
import dev.tagger.io.Json;
import dev.tagger.store.local.StoredJob;
import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Training jobs in PostgreSQL, and the queue every trainer claims from.
 * <p>
 * A claim takes the oldest QUEUED row with {@code SELECT ... FOR UPDATE SKIP LOCKED}, so that trainers claiming at
 * once each get a different job without waiting on each other, and gives it a lease: an owner (this replica) and
 * an expiry that a heartbeat thread renews while the job runs here. A trainer that dies stops renewing; once its
 * lease has expired the next claim by any trainer takes the job back: QUEUED again while it has had fewer than
 * {@code maxAttempts} claims, FAILED with the reason otherwise (CANCELLED if a cancel was asked for). Lease times are
 * the database's clock, so trainers with skewed clocks agree on them.
 * <p>
 * The claim count is also a fencing token: changes this replica makes to a job it claimed carry the count it
 * claimed it with, and a job taken over by another trainer refuses them ({@link LeaseLostException}), so no job
 * reaches a final state twice. Changes from replicas that do not run the job (a cancel from an API replica) take the
 * row lock and apply to the job as it is.
 */
public final class PgJobRepository implements JobRepository, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgJobRepository.class);
    private static final String COLUMNS = "id, job, attempts, owner";
    /** Progress ticks many times a second; the database gets at most one write per job in this interval. */
    private static final long PROGRESS_WRITE_NANOS = 500_000_000L;

    /** A job claimed by this replica: the claim count it holds, the latest progress, and when it was written. */
    private static final class Claim {
        final int attempt;
        volatile TrainJob latest;
        volatile long progressWritten;

        Claim(int attempt, TrainJob latest) {
            this.attempt = attempt;
            this.latest = latest;
        }
    }

    /** A job was taken over by another trainer after this replica's lease expired: its changes are refused. */
    public static final class LeaseLostException extends IllegalStateException {
        LeaseLostException(String id) {
            super("the lease on job " + id + " was lost: another trainer has taken it over");
        }
    }

    private final DataSource ds;
    private final String replicaId;
    private final Duration lease;
    private final int maxAttempts;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;

    public PgJobRepository(DataSource ds, String replicaId, Duration lease, int maxAttempts) {
        this.ds = ds;
        this.replicaId = replicaId;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(lease.toMillis() / 3, 50);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void create(TrainJob job, List<Example> examples) {
        String lines = null;
        if (examples != null) {
            StringBuilder b = new StringBuilder();
            for (Example e : examples) {
                b.append(Json.MAPPER.writeValueAsString(e)).append('\n');
            }
            lines = b.toString();
        }
        String examplesText = lines;
        Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO train_jobs (id, status, created_at, job, "
                    + "examples) VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, job.id());
                s.setString(2, job.status().name());
                s.setTimestamp(3, Timestamp.from(job.createdAt()));
                s.setString(4, json(job));
                s.setString(5, examplesText);
                if (s.executeUpdate() == 0) {
                    throw new IllegalArgumentException("job " + job.id() + " exists already");
                }
            }
            return null;
        });
    }

    @Override
    public Optional<TrainJob> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT job FROM train_jobs WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(withLocalProgress(parse(r.getString(1))))
                            : Optional.<TrainJob>empty();
                }
            }
        });
    }

    @Override
    public Page list(Set<JobStatus> states, long offset, int limit) {
        String[] names = states.stream().map(Enum::name).toArray(String[]::new);
        return Database.inTransaction(ds, c -> {
            long total;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM train_jobs WHERE status = ANY(?)")) {
                s.setArray(1, c.createArrayOf("text", names));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    total = r.getLong(1);
                }
            }
            List<TrainJob> items = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT job FROM train_jobs WHERE status = ANY(?) "
                    + "ORDER BY created_at DESC, id OFFSET ? LIMIT ?")) {
                s.setArray(1, c.createArrayOf("text", names));
                s.setLong(2, Math.max(offset, 0));
                s.setInt(3, Math.max(limit, 0));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        items.add(withLocalProgress(parse(r.getString(1))));
                    }
                }
            }
            return new Page(items, total);
        });
    }

    @Override
    public long count(JobStatus status) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM train_jobs WHERE status = ?")) {
                s.setString(1, status.name());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<TrainJob> claimNext(Instant now) {
        reclaimExpired(now);
        return Database.inTransaction(ds, c -> {
            String id;
            TrainJob job;
            int attempt;
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM train_jobs "
                    + "WHERE status = 'QUEUED' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED")) {
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<TrainJob>empty();
                    }
                    id = r.getString(1);
                    job = parse(r.getString(2)).started(now);
                    attempt = r.getInt(3) + 1;
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE train_jobs SET status = 'RUNNING', job = ?::jsonb, "
                    + "attempts = ?, owner = ?, lease_until = now() + ? * interval '1 millisecond', rev = rev + 1 "
                    + "WHERE id = ?")) {
                s.setString(1, json(job));
                s.setInt(2, attempt);
                s.setString(3, replicaId);
                s.setLong(4, lease.toMillis());
                s.setString(5, id);
                s.executeUpdate();
            }
            claims.put(id, new Claim(attempt, job));
            return Optional.of(job);
        });
    }

    /**
     * Takes back the jobs whose lease expired: queued again, or ended when they have used up their attempts or a
     * cancel was asked for. Rows another trainer is reclaiming at the same moment are skipped, not waited for.
     */
    private void reclaimExpired(Instant now) {
        Database.inTransaction(ds, c -> {
            List<Object[]> expired = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM train_jobs "
                    + "WHERE status = 'RUNNING' AND lease_until < now() FOR UPDATE SKIP LOCKED")) {
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        expired.add(new Object[] {r.getString(1), parse(r.getString(2)), r.getInt(3), r.getString(4)});
                    }
                }
            }
            for (Object[] e : expired) {
                String id = (String) e[0];
                TrainJob job = (TrainJob) e[1];
                int attempts = (Integer) e[2];
                TrainJob next;
                if (job.cancelRequested()) {
                    next = job.finished(JobStatus.CANCELLED, now, null, "cancelled on request");
                } else if (attempts >= maxAttempts) {
                    next = job.finished(JobStatus.FAILED, now, null, "its trainer stopped renewing the lease "
                            + attempts + " time(s), the most allowed (tagger.shared.max-attempts=" + maxAttempts + ")");
                } else {
                    next = TrainJob.queued(id, job.createdAt(), job.request()).withWarnings(job.warnings());
                }
                log.warn("job {}: the lease of trainer {} expired (attempt {} of {}); now {}", id, e[3], attempts,
                        maxAttempts, next.status());
                write(c, next, true);
            }
            return null;
        });
    }

    /** Jobs whose trainer is gone are taken back by {@link #claimNext} (retried, attempts counted): none here. */
    @Override
    public List<TrainJob> abandoned(Instant now) {
        return List.of();
    }

    @Override
    public TrainJob update(String id, UnaryOperator<TrainJob> change) {
        Claim mine = claims.get(id);
        TrainJob next = Database.inTransaction(ds, c -> {
            TrainJob current;
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM train_jobs WHERE id = ? "
                    + "FOR UPDATE")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new NoSuchElementException("no job " + id);
                    }
                    current = parse(r.getString(2));
                    if (mine != null && (r.getInt(3) != mine.attempt || !replicaId.equals(r.getString(4))
                            || current.status() != JobStatus.RUNNING)) {
                        claims.remove(id);
                        throw new LeaseLostException(id);
                    }
                }
            }
            if (mine != null) {
                // The row may hold older progress than this replica has; a cancel from elsewhere is in the row.
                current = current.withProgress(mine.latest.progress());
            }
            TrainJob changed = change.apply(current);
            write(c, changed, changed.status().isFinal());
            return changed;
        });
        if (mine != null) {
            if (next.status().isFinal()) {
                claims.remove(id);
            } else {
                mine.latest = next;
                mine.progressWritten = System.nanoTime();
            }
        }
        return next;
    }

    @Override
    public TrainJob recordProgress(String id, TrainJob.Progress progress) {
        Claim mine = claims.get(id);
        if (mine == null) {
            return update(id, j -> j.withProgress(progress));
        }
        TrainJob next = mine.latest.withProgress(progress);
        mine.latest = next;
        if (System.nanoTime() - mine.progressWritten >= PROGRESS_WRITE_NANOS) {
            // The progress that replicas' event streams read; what is lost in between is only finer-grained ticks.
            update(id, j -> j);
        }
        return mine.latest;
    }

    @Override
    public TrainJob appendEpoch(String id, TrainJob.EpochReport epoch) {
        return update(id, j -> j.withEpoch(epoch));
    }

    @Override
    public List<Example> examples(String id) throws IOException {
        String lines = Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT examples FROM train_jobs WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
        if (lines == null) {
            throw new IOException("the examples of job " + id + " are missing");
        }
        List<Example> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isEmpty()) {
                out.add(Json.MAPPER.readValue(line, Example.class));
            }
        }
        return out;
    }

    /** Renews the lease of every job this replica runs; a job that was taken over is dropped from the claims. */
    void renewLeases() {
        if (claims.isEmpty()) {
            return;
        }
        try {
            Database.inTransaction(ds, c -> {
                for (Map.Entry<String, Claim> e : claims.entrySet()) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE train_jobs SET lease_until = now() + ? * "
                            + "interval '1 millisecond' WHERE id = ? AND owner = ? AND attempts = ? "
                            + "AND status = 'RUNNING'")) {
                        s.setLong(1, lease.toMillis());
                        s.setString(2, e.getKey());
                        s.setString(3, replicaId);
                        s.setInt(4, e.getValue().attempt);
                        if (s.executeUpdate() == 0) {
                            log.warn("job {}: the lease was lost; another trainer may run it", e.getKey());
                        }
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            // The database is away: the lease may expire meanwhile, and fencing keeps the job from ending twice.
            log.warn("cannot renew job leases: {}", e.toString());
        }
    }

    /** Stops renewing leases, as a crash would; for tests of a trainer that dies. */
    void abandonClaims() {
        heartbeat.shutdownNow();
    }

    /** The row, with the progress this replica holds in memory when it runs the job (newer than the row's). */
    private TrainJob withLocalProgress(TrainJob fromRow) {
        Claim mine = claims.get(fromRow.id());
        return mine == null || fromRow.status() != JobStatus.RUNNING ? fromRow
                : fromRow.withProgress(mine.latest.progress());
    }

    private static void write(Connection c, TrainJob job, boolean dropExamples) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE train_jobs SET status = ?, job = ?::jsonb, rev = rev + 1"
                + (job.status() == JobStatus.QUEUED ? ", owner = NULL, lease_until = NULL" : "")
                + (dropExamples ? ", examples = NULL" : "") + " WHERE id = ?")) {
            s.setString(1, job.status().name());
            s.setString(2, json(job));
            s.setString(3, job.id());
            s.executeUpdate();
        }
    }

    static String json(TrainJob job) {
        return Json.MAPPER.writeValueAsString(StoredJob.of(job));
    }

    static TrainJob parse(String json) {
        return Json.MAPPER.readValue(json, StoredJob.class).toJob();
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }
}
