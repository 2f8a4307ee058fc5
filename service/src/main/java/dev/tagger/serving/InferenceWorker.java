package dev.tagger.serving;

import dev.tagger.engine.TorchEngine;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A thread bound to one device that takes batches from the queue, runs them and completes the tickets. */
final class InferenceWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);

    private final BatchQueue queue;
    private final Device device;
    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final InferenceMetrics metrics;
    private final AtomicInteger busy;

    InferenceWorker(BatchQueue queue, Device device, int maxBatchSize, int maxBatchTokens, long maxWaitNanos,
                    InferenceMetrics metrics, AtomicInteger busy) {
        this.queue = queue;
        this.device = device;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.maxWaitNanos = maxWaitNanos;
        this.metrics = metrics;
        this.busy = busy;
    }

    @Override
    public void run() {
        TorchEngine.noGradOnThisThread();
        while (true) {
            List<PendingText> batch;
            try {
                batch = queue.take(maxBatchSize, maxBatchTokens, maxWaitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            busy.incrementAndGet();
            try {
                runBatch(batch);
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    private void runBatch(List<PendingText> batch) {
        long start = System.nanoTime();
        List<TokenizedText> tokens = new ArrayList<>(batch.size());
        int longest = 0;
        for (PendingText p : batch) {
            tokens.add(p.tokens);
            longest = Math.max(longest, p.length());
            metrics.queueWait.record(start - p.enqueuedNanos, TimeUnit.NANOSECONDS);
        }
        try {
            float[][] probs = batch.get(0).model.replica(device).probabilities(tokens);
            long took = System.nanoTime() - start;
            metrics.inference.record(took, TimeUnit.NANOSECONDS);
            metrics.batchSize.record(batch.size());
            metrics.batchTokens.record((double) batch.size() * longest);
            for (int i = 0; i < batch.size(); i++) {
                PendingText p = batch.get(i);
                p.ticket.complete(p.index, probs[i], start - p.enqueuedNanos, took);
            }
        } catch (RuntimeException e) {
            log.error("batch of {} texts failed on {}", batch.size(), device, e);
            for (PendingText p : batch) {
                p.ticket.fail(e);
            }
        }
    }
}
