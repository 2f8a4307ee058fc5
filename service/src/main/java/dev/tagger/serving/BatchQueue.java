package dev.tagger.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one bounded queue that every text of every request goes through. Admission is all-or-nothing
 * per request (a request of many texts is never half-queued), and a batch is cut around the oldest
 * waiting text from the texts closest to it in length, so padding stays small and nothing starves.
 */
public final class BatchQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final List<PendingText> items = new ArrayList<>();
    private final int capacity;
    private boolean closed;

    public BatchQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Queues all texts or none; false when they do not fit. */
    boolean offer(List<PendingText> texts) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the batch queue is closed");
            }
            if (items.size() + texts.size() > capacity) {
                return false;
            }
            long now = System.nanoTime();
            for (PendingText t : texts) {
                t.enqueuedNanos = now;
                items.add(t);
            }
            notEmpty.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
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
     * Blocks for the next batch; null once closed and drained.
     *
     * @param maxSize   texts per batch
     * @param maxTokens batch size x longest text; a single text longer than this still runs alone
     * @param maxWaitNanos after the first text arrives, wait up to this long for a fuller batch
     */
    List<PendingText> take(int maxSize, int maxTokens, long maxWaitNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                items.removeIf(p -> p.ticket.cancelled());
                if (!items.isEmpty()) {
                    break;
                }
                if (closed) {
                    return null;
                }
                notEmpty.await();
            }
            if (maxWaitNanos > 0 && !closed) {
                long deadline = items.get(0).enqueuedNanos + maxWaitNanos;
                long left;
                while (items.size() < maxSize && (left = deadline - System.nanoTime()) > 0 && !closed) {
                    notEmpty.awaitNanos(left);
                }
                items.removeIf(p -> p.ticket.cancelled());
                if (items.isEmpty()) {
                    return take(maxSize, maxTokens, maxWaitNanos);
                }
            }
            List<PendingText> batch = select(items, maxSize, maxTokens);
            items.removeAll(batch);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest text plus its nearest neighbours in length (same model only), within the budget. */
    static List<PendingText> select(List<PendingText> queued, int maxSize, int maxTokens) {
        PendingText oldest = queued.get(0);
        List<PendingText> same = new ArrayList<>();
        for (PendingText p : queued) {
            if (p.model == oldest.model) {
                same.add(p);
            }
        }
        same.sort(Comparator.comparingInt(PendingText::length));
        int at = same.indexOf(oldest);
        int lo = at;
        int hi = at;
        int longest = oldest.length();
        while (hi - lo + 1 < maxSize) {
            PendingText below = lo > 0 ? same.get(lo - 1) : null;
            PendingText above = hi + 1 < same.size() ? same.get(hi + 1) : null;
            if (below == null && above == null) {
                break;
            }
            boolean takeBelow = above == null
                    || (below != null && oldest.length() - below.length() <= above.length() - oldest.length());
            int newLongest = takeBelow ? longest : Math.max(longest, above.length());
            if ((long) (hi - lo + 2) * newLongest > maxTokens) {
                if (takeBelow || below == null || (long) (hi - lo + 2) * longest > maxTokens) {
                    break;
                }
                takeBelow = true;
                newLongest = longest;
            }
            if (takeBelow) {
                lo--;
            } else {
                hi++;
            }
            longest = newLongest;
        }
        return new ArrayList<>(same.subList(lo, hi + 1));
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
