package dev.tagger.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one queue that every text (or window of a text) of every request goes through, and its admission.
 *
 * <p>A request is admitted before its texts are tokenized: it reserves room from an estimate, then commits the real
 * entries, all or nothing. Admission asks two things: does it fit under the hard cap on queued entries, and will it
 * be answered before its deadline? The queue knows its work in tokens (queued, reserved and running: the tokens the
 * packed encoder really computes) and the measured throughput, so a request whose predicted answer comes after its
 * deadline is refused at once with a Retry-After from the same estimate instead of being let in to time out.
 *
 * <p>Batches are cut by {@link BatchSelection}.
 *
 * <p>Bulk jobs queue in a background lane of their own that admission does not count (an interactive request never
 * waits behind it, so it must not be refused for it). A worker takes background work only when no interactive
 * entry waits, in batches of at most {@code tagger.bulk.max-batch-tokens} (what one bulk batch can delay an
 * interactive request by), and while interactive requests have arrived recently, background batches leave one
 * worker free. The bulk runner bounds how much it has queued; the lane itself has no cap.
 */
public final class BatchQueue {

    /**
     * Share of the deadline that admitted work is planned to fill: the throughput estimate lags a sudden change (a
     * batch of long windows, a noisy neighbour on the CPU), and the rest of the deadline absorbs that.
     */
    static final double HEADROOM = 0.8;
    /**
     * Tokens per second of one worker before any batch has been measured: well under what one CPU core reaches
     * with the built-in model, so that a cold service errs towards refusing rather than timing out.
     */
    static final double PRIOR_TOKENS_PER_SECOND = 1_000;
    /** Weight of the newest batch in the throughput average (about the last ten batches count). */
    private static final double ALPHA = 0.1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final List<PendingText> items = new ArrayList<>();
    private final List<PendingText> background = new ArrayList<>();
    private long backgroundQueuedTokens;
    private int backgroundRunning;
    private int backgroundMaxSize = Integer.MAX_VALUE;
    private int backgroundMaxTokens = Integer.MAX_VALUE;
    private long interactiveQuietNanos = 1_000_000_000L;
    /** When an interactive request was last queued: until the quiet time has passed, one worker stays free for it. */
    private long lastInteractiveNanos = System.nanoTime() - (1L << 50);
    private final int capacity;
    private final long deadlineNanos;
    private int workers = 1;
    private boolean closed;
    private int reservedEntries;
    private long reservedTokens;
    private long queuedTokens;
    private long runningTokens;
    /** When each running batch was taken: one that overruns its estimate lowers the throughput at once. */
    private final Map<List<PendingText>, Long> runningSince = new IdentityHashMap<>();
    private double averageTokens = PRIOR_TOKENS_PER_SECOND * 0.05;
    private double averageNanos = 0.05e9;

    /**
     * @param capacity        entries (texts or windows) queued at most
     * @param requestDeadline how long a request may take; admission plans for a share of it
     */
    public BatchQueue(int capacity, Duration requestDeadline) {
        this.capacity = capacity;
        this.deadlineNanos = requestDeadline.toNanos();
    }

    /** Room held for one request while its texts are tokenized: {@link #commit} or {@link #cancel} it. */
    static final class Reservation {
        private final int entries;
        private final long tokens;
        private boolean open = true;

        private Reservation(int entries, long tokens) {
            this.entries = entries;
            this.tokens = tokens;
        }
    }

    /** Workers draining the queue; the predicted wait divides the work among them. */
    void setWorkers(int n) {
        lock.lock();
        try {
            workers = Math.max(1, n);
        } finally {
            lock.unlock();
        }
    }

    /**
     * How background batches are cut and when they may use every worker.
     *
     * @param maxSize   entries per background batch (at most the interactive limit the worker passes to take)
     * @param maxTokens tokens per background batch
     * @param quiet     how long after the last interactive request background work keeps one worker free
     */
    public void configureBackground(int maxSize, int maxTokens, Duration quiet) {
        lock.lock();
        try {
            backgroundMaxSize = Math.max(1, maxSize);
            backgroundMaxTokens = Math.max(1, maxTokens);
            interactiveQuietNanos = quiet.toNanos();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues bulk work in the background lane, outside admission: it runs when no interactive entry waits.
     *
     * @throws ServiceUnavailableException SHUTTING_DOWN once the queue is closed
     */
    void commitBackground(List<PendingText> texts) {
        lock.lock();
        try {
            if (closed) {
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.SHUTTING_DOWN,
                        "the service is shutting down", 5);
            }
            long now = System.nanoTime();
            for (PendingText t : texts) {
                t.enqueuedNanos = now;
                background.add(t);
            }
            backgroundQueuedTokens += tokens(texts);
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Background entries waiting. */
    public int backgroundSize() {
        return locked(background::size);
    }

    /** Tokens of the background entries waiting. */
    public long backgroundTokens() {
        return locked(() -> backgroundQueuedTokens);
    }

    /** Background batches that may run at once now: every worker once interactive traffic has been quiet. */
    private int backgroundAllowedLocked(long now) {
        boolean quiet = now - lastInteractiveNanos >= interactiveQuietNanos;
        return quiet ? workers : Math.max(1, workers - 1);
    }

    /**
     * Admits a request from an estimate of its work, before any tokenization.
     *
     * @throws ServiceUnavailableException OVERLOADED when it does not fit or would miss its deadline
     */
    Reservation reserve(int entries, long tokens) {
        lock.lock();
        try {
            admit(entries, tokens);
            reservedEntries += entries;
            reservedTokens += tokens;
            return new Reservation(entries, tokens);
        } finally {
            lock.unlock();
        }
    }

    /** Queues the request's real entries in place of its reservation, all or none; the reservation ends either way. */
    void commit(Reservation r, List<PendingText> texts) {
        lock.lock();
        try {
            end(r);
            long tokens = tokens(texts);
            admit(texts.size(), tokens);
            long now = System.nanoTime();
            lastInteractiveNanos = now;
            for (PendingText t : texts) {
                t.enqueuedNanos = now;
                items.add(t);
            }
            queuedTokens += tokens;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Gives the room back (tokenization failed or the request was refused); idempotent. */
    void cancel(Reservation r) {
        lock.lock();
        try {
            end(r);
        } finally {
            lock.unlock();
        }
    }

    private void end(Reservation r) {
        if (r.open) {
            r.open = false;
            reservedEntries -= r.entries;
            reservedTokens -= r.tokens;
        }
    }

    private void admit(int entries, long tokens) {
        if (closed) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.SHUTTING_DOWN,
                    "the service is shutting down", 5);
        }
        double perSecond = tokensPerSecondLocked() * workers;
        int held = items.size() + reservedEntries;
        if (held + entries > capacity) {
            long excess = held + entries - capacity;
            double perEntry = held == 0 ? 0 : (double) (queuedTokens + reservedTokens) / held;
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED,
                    "the queue holds " + held + " of at most " + capacity + " texts; this request has " + entries,
                    retryAfter(excess * perEntry / perSecond));
        }
        long ahead = queuedTokens + reservedTokens + runningTokens;
        double seconds = (ahead + tokens) / perSecond;
        double budget = deadlineNanos * HEADROOM / 1e9;
        if (ahead > 0 && seconds > budget) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED, String.format(Locale.ROOT,
                    "%d tokens are ahead of this request's %d at about %.0f tokens/s: it would be answered in %.1f s, "
                            + "past its deadline of %.1f s", ahead, tokens, perSecond, seconds, deadlineNanos / 1e9),
                    retryAfter(seconds - budget));
        }
    }

    private static long retryAfter(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds));
    }

    /** Entries waiting (not yet taken by a worker). */
    public int size() {
        return locked(items::size);
    }

    public int capacity() {
        return capacity;
    }

    /** Tokens admitted and not yet computed: queued, reserved and running. */
    public long pendingTokens() {
        return locked(() -> queuedTokens + reservedTokens + runningTokens);
    }

    /** The measured throughput of one worker (tokens per second; the prior until batches have run). */
    public double tokensPerSecond() {
        return locked(this::tokensPerSecondLocked);
    }

    /** The average of finished batches, or less while a running batch has taken longer than that promised. */
    private double tokensPerSecondLocked() {
        double perSecond = averageTokens / averageNanos * 1e9;
        long now = System.nanoTime();
        for (Map.Entry<List<PendingText>, Long> e : runningSince.entrySet()) {
            double elapsed = (now - e.getValue()) / 1e9;
            perSecond = Math.min(perSecond, tokens(e.getKey()) / Math.max(elapsed, 1e-9));
        }
        return perSecond;
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting worker; they drain what is queued and then get null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks for the next batch; null once closed and drained. The batch's tokens count as running until
     * {@link #finished}.
     *
     * @param maxSize   entries per batch
     * @param maxTokens tokens the encoder computes per batch (packed: the sum of lengths; padded: size x longest);
     *                  a single entry over it still runs alone
     * @param maxWaitNanos after the first entry arrives, wait up to this long for a fuller batch
     */
    List<PendingText> take(int maxSize, int maxTokens, long maxWaitNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                dropCancelled();
                if (!items.isEmpty()) {
                    break;
                }
                if (closed) {
                    // Background work is not drained: the bulk runner has stopped and resumes it after a restart.
                    return null;
                }
                if (!background.isEmpty()) {
                    long now = System.nanoTime();
                    if (backgroundRunning < backgroundAllowedLocked(now)) {
                        return takeBackground(maxSize);
                    }
                    // Held back: look again when a batch finishes or (while one worker is kept free) the quiet ends.
                    long quietLeft = lastInteractiveNanos + interactiveQuietNanos - now;
                    if (quietLeft > 0 && backgroundRunning < workers) {
                        notEmpty.awaitNanos(quietLeft);
                    } else {
                        notEmpty.await();
                    }
                    continue;
                }
                notEmpty.await();
            }
            if (maxWaitNanos > 0 && !closed) {
                long deadline = items.get(0).enqueuedNanos + maxWaitNanos;
                long left;
                while (items.size() < maxSize && (left = deadline - System.nanoTime()) > 0 && !closed) {
                    notEmpty.awaitNanos(left);
                }
                dropCancelled();
                if (items.isEmpty()) {
                    return take(maxSize, maxTokens, maxWaitNanos);
                }
            }
            List<PendingText> batch = BatchSelection.select(items, maxSize, maxTokens);
            items.removeAll(batch);
            long tokens = tokens(batch);
            queuedTokens -= tokens;
            runningTokens += tokens;
            runningSince.put(batch, System.nanoTime());
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private List<PendingText> takeBackground(int maxSize) {
        List<PendingText> batch = BatchSelection.select(background, Math.min(maxSize, backgroundMaxSize),
                backgroundMaxTokens);
        background.removeAll(batch);
        backgroundQueuedTokens -= tokens(batch);
        backgroundRunning++;
        runningSince.put(batch, System.nanoTime());
        return batch;
    }

    /**
     * A batch from {@link #take} is done; {@code nanos} is how long the encoder took on it (0: it did not run, or
     * failed, and says nothing about throughput).
     */
    void finished(List<PendingText> batch, long nanos) {
        lock.lock();
        try {
            long tokens = tokens(batch);
            if (!batch.isEmpty() && batch.get(0).background) {
                backgroundRunning--;
                // A worker held back by the one-worker-free rule may take the next background batch now.
                notEmpty.signalAll();
            } else {
                runningTokens -= tokens;
            }
            runningSince.remove(batch);
            if (nanos > 0) {
                averageTokens = ALPHA * tokens + (1 - ALPHA) * averageTokens;
                averageNanos = ALPHA * nanos + (1 - ALPHA) * averageNanos;
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropCancelled() {
        for (Iterator<PendingText> it = items.iterator(); it.hasNext(); ) {
            PendingText p = it.next();
            if (p.ticket.cancelled()) {
                it.remove();
                queuedTokens -= p.length();
            }
        }
        for (Iterator<PendingText> it = background.iterator(); it.hasNext(); ) {
            PendingText p = it.next();
            if (p.ticket.cancelled()) {
                it.remove();
                backgroundQueuedTokens -= p.length();
            }
        }
    }

    private static long tokens(List<PendingText> batch) {
        return batch.stream().mapToLong(PendingText::length).sum();
    }

    /** For shutdown: waits until the queue is empty or the time is up. */
    boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (size() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
