package dev.tagger.serving;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Collects the per-text results of one request, in input order, whichever batches they ran in. */
final class RequestTicket {

    private final float[][] probabilities;
    private final AtomicInteger remaining;
    private final CompletableFuture<float[][]> done = new CompletableFuture<>();
    private final AtomicLong maxQueueNanos = new AtomicLong();
    private final AtomicLong maxInferenceNanos = new AtomicLong();
    private volatile boolean cancelled;

    RequestTicket(int texts) {
        probabilities = new float[texts][];
        remaining = new AtomicInteger(texts);
    }

    void complete(int index, float[] probs, long queueNanos, long inferenceNanos) {
        probabilities[index] = probs;
        maxQueueNanos.accumulateAndGet(queueNanos, Math::max);
        maxInferenceNanos.accumulateAndGet(inferenceNanos, Math::max);
        if (remaining.decrementAndGet() == 0) {
            done.complete(probabilities);
        }
    }

    void fail(Throwable error) {
        done.completeExceptionally(error);
    }

    /** The request gave up (its deadline passed): its queued texts are skipped. */
    void cancel() {
        cancelled = true;
        done.cancel(false);
    }

    boolean cancelled() {
        return cancelled;
    }

    CompletableFuture<float[][]> future() {
        return done;
    }

    long queueNanos() {
        return maxQueueNanos.get();
    }

    long inferenceNanos() {
        return maxInferenceNanos.get();
    }
}
