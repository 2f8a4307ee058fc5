package dev.tagger.serving;

import dev.tagger.engine.TorchEngine;
import dev.tagger.model.nn.Predictor;
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
            } catch (RuntimeException e) {
                // Whatever went wrong, the worker lives on and nobody waits for an answer that will not come.
                log.error("batch of {} texts failed on {}", batch.size(), device, e);
                batch.forEach(p -> p.ticket.fail(failure(p, e)));
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    /** Runs one batch under the worker's own lease on its model, and answers every entry in it. */
    void runBatch(List<PendingText> batch) {
        ServingModel model = batch.get(0).model;
        if (!model.retain()) {
            // Closed: every request that held the model has ended (cancelled or timed out), so nobody waits.
            queue.finished(batch, 0);
            return;
        }
        long start = System.nanoTime();
        long took = 0;
        try {
            List<TokenizedText> tokens = new ArrayList<>(batch.size());
            int longest = 0;
            long sum = 0;
            for (PendingText p : batch) {
                tokens.add(p.tokens);
                longest = Math.max(longest, p.length());
                sum += p.length();
                metrics.queueWait.record(start - p.enqueuedNanos, TimeUnit.NANOSECONDS);
            }
            Predictor predictor = model.replica(device);
            float[][] probs;
            try {
                probs = predictor.probabilities(tokens);
            } catch (RuntimeException e) {
                log.error("batch of {} texts failed on {}", batch.size(), device, e);
                runAlone(predictor, batch, start, e);
                return;
            }
            took = System.nanoTime() - start;
            metrics.inference.record(took, TimeUnit.NANOSECONDS);
            metrics.batchSize.record(batch.size());
            metrics.batchTokens.record(BatchSelection.cost(model.packed(), batch.size(), longest, sum));
            for (int i = 0; i < batch.size(); i++) {
                PendingText p = batch.get(i);
                p.ticket.complete(p.index, probs[i], start - p.enqueuedNanos, took);
            }
        } finally {
            model.release();
            queue.finished(batch, took);
        }
    }

    /** After a failed batch: each entry alone, so that one bad text fails only its own request, with the reason. */
    private void runAlone(Predictor predictor, List<PendingText> batch, long start, RuntimeException batchError) {
        for (PendingText p : batch) {
            if (p.ticket.cancelled()) {
                continue;
            }
            long t0 = System.nanoTime();
            try {
                if (batch.size() == 1) {
                    throw batchError;
                }
                float[] probs = predictor.probabilities(List.of(p.tokens))[0];
                p.ticket.complete(p.index, probs, start - p.enqueuedNanos, System.nanoTime() - t0);
            } catch (RuntimeException e) {
                p.ticket.fail(failure(p, e));
            }
        }
    }

    private static ServiceUnavailableException failure(PendingText p, Throwable e) {
        return new ServiceUnavailableException(ServiceUnavailableException.Reason.INFERENCE_FAILED,
                "the model " + p.model.bundle().id() + " could not score a text of this request (" + p.length()
                        + " tokens): " + firstLine(e), 1);
    }

    /** The engine's first line, short: its later lines are the TorchScript interpreter's trace. */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? "no message" : e.getMessage().strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl).strip();
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
