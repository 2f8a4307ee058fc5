package dev.tagger.store.shared;

import dev.tagger.training.jobs.JobEvents;
import dev.tagger.training.jobs.TrainJob;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Job events read from the database, so that a stream on any replica follows a job that runs on any trainer. One
 * thread polls the rows of the jobs someone follows here; a row whose revision moved on becomes events: one
 * {@link Kind#EPOCH} per epoch added (none is skipped, however many came between two polls), {@link Kind#STATUS} when
 * the state changed, {@link Kind#PROGRESS} otherwise. A job run here wakes the poller at once when it publishes.
 * Progress reaches the row at most twice a second ({@link PgJobRepository}), which is what a stream shows.
 */
public final class PgJobEvents implements JobEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgJobEvents.class);

    /** One listener's place in one job's history. */
    private static final class Follower {
        final Consumer<JobEvent> listener;
        long rev;
        TrainJob seen;

        Follower(Consumer<JobEvent> listener, long rev, TrainJob seen) {
            this.listener = listener;
            this.rev = rev;
            this.seen = seen;
        }
    }

    private final DataSource ds;
    private final Duration interval;
    private final Map<String, List<Follower>> followers = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread poller;
    private volatile boolean closed;

    public PgJobEvents(DataSource ds, Duration interval) {
        this.ds = ds;
        this.interval = interval;
        this.poller = new Thread(this::loop, "train-events-poll");
        poller.setDaemon(true);
        poller.start();
    }

    /** The change is in the row already (the repository wrote it): look now rather than at the next tick. */
    @Override
    public void publish(JobEvent event) {
        if (followers.containsKey(event.job().id())) {
            wake.release();
        }
    }

    /**
     * The first event is the row as it is now, read on the poller's thread like every later one, and the follower
     * remembers its revision: the next events are exactly the changes after it.
     */
    @Override
    public void subscribe(String jobId, Consumer<JobEvent> listener) {
        synchronized (this) {
            followers.computeIfAbsent(jobId, k -> new ArrayList<>()).add(new Follower(listener, -1, null));
        }
        wake.release();
    }

    @Override
    public synchronized void unsubscribe(String jobId, Consumer<JobEvent> listener) {
        followers.computeIfPresent(jobId, (k, list) -> {
            list.removeIf(f -> f.listener == listener);
            return list.isEmpty() ? null : list;
        });
    }

    private void loop() {
        while (!closed) {
            try {
                wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (!followers.isEmpty()) {
                    poll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database is away: streams stay open and catch up when it is back.
                log.debug("cannot poll job events: {}", e.toString());
            }
        }
    }

    private void poll() {
        String[] ids = followers.keySet().toArray(String[]::new);
        Map<String, Object[]> rows = Database.inTransaction(ds, c -> {
            Map<String, Object[]> out = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, rev, job FROM train_jobs WHERE id = ANY(?)")) {
                s.setArray(1, c.createArrayOf("text", ids));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.put(r.getString(1), new Object[] {r.getLong(2), r.getString(3)});
                    }
                }
            }
            return out;
        });
        for (Map.Entry<String, Object[]> row : rows.entrySet()) {
            List<Follower> list;
            synchronized (this) {
                List<Follower> live = followers.get(row.getKey());
                list = live == null ? List.of() : List.copyOf(live);
            }
            long rev = (Long) row.getValue()[0];
            TrainJob now = null;
            for (Follower f : list) {
                if (f.rev >= rev) {
                    continue;
                }
                now = now != null ? now : PgJobRepository.parse((String) row.getValue()[1]);
                for (JobEvent e : changes(f.seen, now)) {
                    deliver(f.listener, e);
                }
                f.rev = rev;
                f.seen = now;
            }
        }
    }

    /** The events that lead from what a follower saw to the job as it is. */
    static List<JobEvent> changes(TrainJob before, TrainJob now) {
        List<JobEvent> out = new ArrayList<>();
        if (before == null) {
            out.add(new JobEvent(Kind.STATUS, now));
            return out;
        }
        // A retried job starts its epochs again: then every epoch it has is new.
        int seenEpochs = before.epochs().size() <= now.epochs().size() ? before.epochs().size() : 0;
        for (int i = seenEpochs; i < now.epochs().size(); i++) {
            // Each epoch as its own event, carrying the job as it was then (no later epochs yet).
            TrainJob at = i == now.epochs().size() - 1 ? now : upTo(now, i + 1);
            out.add(new JobEvent(Kind.EPOCH, at));
        }
        if (before.status() != now.status()) {
            out.add(new JobEvent(Kind.STATUS, now));
        } else if (out.isEmpty() && (!Objects.equals(before.progress(), now.progress())
                || !Objects.equals(before.baseline(), now.baseline())
                || before.cancelRequested() != now.cancelRequested())) {
            out.add(new JobEvent(Kind.PROGRESS, now));
        }
        return out;
    }

    private static TrainJob upTo(TrainJob j, int epochs) {
        return new TrainJob(j.id(), j.status(), j.createdAt(), j.startedAt(), j.finishedAt(), j.cancelRequested(),
                j.request(), j.progress(), j.baseline(), j.epochs().subList(0, epochs), j.result(), j.error(),
                j.warnings());
    }

    private static void deliver(Consumer<JobEvent> listener, JobEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.debug("a listener of job {} failed: {}", event.job().id(), e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
