package dev.tagger.store.local;

import dev.tagger.training.jobs.JobEvents;
import dev.tagger.training.jobs.JobRepository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Job events within this process: every listener hears them in order, on one delivery thread of its own.
 * Enough when the process that runs the jobs also serves their event streams.
 */
public final class LocalJobEvents implements JobEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalJobEvents.class);

    private final JobRepository jobs;
    private final Map<String, List<Consumer<JobEvent>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "train-events");
        t.setDaemon(true);
        return t;
    });

    public LocalJobEvents(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public synchronized void publish(JobEvent event) {
        List<Consumer<JobEvent>> list = listeners.get(event.job().id());
        if (list == null) {
            return;
        }
        delivery.execute(() -> {
            for (Consumer<JobEvent> l : list) {
                deliver(l, event);
            }
        });
    }

    /**
     * The job is read after the listener is added and under the lock that publishing takes: a change made before
     * is in that first event, one made after follows it, none is lost.
     */
    @Override
    public synchronized void subscribe(String jobId, Consumer<JobEvent> listener) {
        listeners.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(listener);
        jobs.find(jobId).ifPresent(now -> delivery.execute(() -> deliver(listener, new JobEvent(Kind.STATUS, now))));
    }

    @Override
    public synchronized void unsubscribe(String jobId, Consumer<JobEvent> listener) {
        listeners.computeIfPresent(jobId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
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
        delivery.shutdown();
    }
}
