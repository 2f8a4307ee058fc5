package dev.tagger.serving;

import dev.tagger.model.ModelBundle;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The classification facade: tokenizes on the caller's thread, queues every text, and turns the
 * probabilities into per-label decisions with the model's thresholds (or the caller's override).
 */
@Service
public class Classifier {

    private final PredictorPool pool;
    private final InferenceMetrics metrics;

    public Classifier(PredictorPool pool, InferenceMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    /**
     * @param threshold one threshold for every label instead of the model's, or null
     * @param topK      keep at most this many predicted labels, or null
     * @param allScores return every label's probability (true) or only the predicted labels' (false)
     */
    public record Options(Float threshold, Integer topK, boolean allScores) {
    }

    /** One text's answer: predicted labels by descending probability, and the probabilities. */
    public record TextResult(List<String> labels, Map<String, Float> scores, boolean truncated) {
    }

    /** Nanoseconds spent in each stage (queue and inference: the slowest text of the request). */
    public record Timings(long tokenization, long queue, long inference, long total) {
    }

    public record Classification(String modelId, String modelVersion, List<TextResult> results, Timings timings) {
    }

    /** A queued request: its result, and a way to give up on it. */
    public record Submission(CompletableFuture<Classification> result, Runnable cancel) {
    }

    /**
     * Queues the texts. Fails at once with {@link ServiceUnavailableException} when the model is not
     * loaded or the queue cannot take all of them; otherwise completes when the last text is done.
     */
    public Submission submit(List<String> texts, Options options) {
        long start = System.nanoTime();
        ServingModel model = pool.acquire();
        try {
            TextTokenizer tokenizer = model.tokenizer();
            RequestTicket ticket = new RequestTicket(texts.size());
            List<PendingText> pending = new ArrayList<>(texts.size());
            boolean[] truncated = new boolean[texts.size()];
            for (int i = 0; i < texts.size(); i++) {
                TokenizedText t = tokenizer.tokenize(texts.get(i));
                truncated[i] = t.truncated();
                metrics.inputTokens.record(t.length());
                pending.add(new PendingText(t, i, ticket, model));
            }
            long tokenized = System.nanoTime();
            metrics.tokenization.record(tokenized - start, TimeUnit.NANOSECONDS);
            if (!pool.queue().offer(pending)) {
                metrics.request("overloaded", System.nanoTime() - start);
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED,
                        "the queue holds " + pool.queue().size() + " of at most " + pool.queue().capacity()
                                + " texts; this request has " + texts.size(), 1);
            }
            CompletableFuture<Classification> result = ticket.future().handle((probs, error) -> {
                try {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        metrics.request(cause instanceof CancellationException ? "cancelled" : "error",
                                System.nanoTime() - start);
                        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
                    }
                    long end = System.nanoTime();
                    List<TextResult> results = decide(model.bundle(), probs, truncated, options);
                    metrics.textsClassified.increment(texts.size());
                    for (boolean t : truncated) {
                        if (t) {
                            metrics.textsTruncated.increment();
                        }
                    }
                    metrics.request("ok", end - start);
                    return new Classification(model.bundle().id(), model.bundle().version(), results,
                            new Timings(tokenized - start, ticket.queueNanos(), ticket.inferenceNanos(), end - start));
                } finally {
                    pool.release(model);
                }
            });
            return new Submission(result, () -> {
                ticket.cancel();
            });
        } catch (RuntimeException e) {
            pool.release(model);
            throw e;
        }
    }

    private List<TextResult> decide(ModelBundle bundle, float[][] probs, boolean[] truncated, Options o) {
        List<String> labels = bundle.labels();
        float[] thresholds = bundle.thresholds();
        List<TextResult> out = new ArrayList<>(probs.length);
        for (int i = 0; i < probs.length; i++) {
            float[] p = probs[i];
            Integer[] order = new Integer[p.length];
            for (int j = 0; j < p.length; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, Comparator.comparingDouble(j -> -p[j]));
            List<String> predicted = new ArrayList<>();
            Map<String, Float> scores = new LinkedHashMap<>();
            for (int j : order) {
                float threshold = o.threshold() != null ? o.threshold() : thresholds[j];
                boolean passes = p[j] >= threshold && (o.topK() == null || predicted.size() < o.topK());
                if (passes) {
                    predicted.add(labels.get(j));
                }
                if (o.allScores() || passes) {
                    scores.put(labels.get(j), p[j]);
                }
            }
            metrics.predicted(predicted);
            out.add(new TextResult(predicted, scores, truncated[i]));
        }
        return out;
    }
}
