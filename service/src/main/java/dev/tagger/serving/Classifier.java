package dev.tagger.serving;

import dev.tagger.model.LongText;
import dev.tagger.model.ModelBundle;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TextWindows;
import dev.tagger.text.TokenizedText;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The classification facade: admits the request into the queue from an estimate of its work, tokenizes on the
 * caller's thread (truncating, or cutting long texts into windows), queues every text or window, and turns the
 * probabilities into per-label decisions with the model's thresholds (or the caller's override).
 */
@Service
public class Classifier {

    /**
     * A text is flagged when more than this share of its tokens are unknown to the vocabulary: the model reads
     * too little of it for its labels to mean much.
     */
    static final double UNKNOWN_SHARE_FLAG = 0.5;
    /**
     * Characters per token assumed to admit a request before it is tokenized (English word pieces average about
     * 4.5 with spaces); once tokenized, the real count is admitted again.
     */
    private static final int CHARS_PER_TOKEN_ESTIMATE = 4;

    private final PredictorPool pool;
    private final InferenceMetrics metrics;

    public Classifier(PredictorPool pool, InferenceMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    /**
     * @param threshold   one threshold for every label instead of the model's, or null
     * @param topK        keep at most this many predicted labels, or null
     * @param allScores   return every label's probability (true) or only the predicted labels' (false)
     * @param longText    truncate or chunk texts longer than the model's token limit; null: the model's default
     * @param aggregation how a chunked text's windows combine, per label; null: the model's default
     * @param window      tokens per window ([CLS]/[SEP] included); null: the model's default, else its max_tokens
     * @param stride      tokens shared by consecutive windows; null: the model's default, else a quarter window
     * @param maxWindows  windows one chunked text may take at most
     */
    public record Options(Float threshold, Integer topK, boolean allScores, LongText.Mode longText,
                          LongText.Aggregation aggregation, Integer window, Integer stride, int maxWindows) {

        /** Long texts read as the model says, at most 16 windows each. */
        public Options(Float threshold, Integer topK, boolean allScores) {
            this(threshold, topK, allScores, null, null, null, null, 16);
        }
    }

    /**
     * One text's answer: predicted labels by descending probability, and the probabilities.
     *
     * @param truncated       whether tokens after the model's limit were left unread
     * @param windows         how many windows the text was read in (1 unless chunked)
     * @param outOfVocabulary whether most of its tokens are unknown to the model's vocabulary (another language or
     *                        script, say): the labels then say little about the text
     */
    public record TextResult(List<String> labels, Map<String, Float> scores, boolean truncated, int windows,
                             @JsonProperty("out_of_vocabulary") boolean outOfVocabulary) {
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
     * Queues the texts. Fails at once with {@link ServiceUnavailableException} when the model is not loaded or the
     * queue cannot answer them in time, and with {@link InvalidInputException} when a text or option cannot be read
     * as asked; otherwise completes when the last text is done.
     */
    public Submission submit(List<String> texts, Options options) {
        return submit(texts, options, false);
    }

    /**
     * Queues the texts of a bulk job in the queue's background lane: no admission (the caller bounds what it has
     * queued), run only when no interactive text waits, answered exactly as {@link #submit} answers. Fails at once
     * with {@link ServiceUnavailableException} when no model is loaded or the service is shutting down, and with
     * {@link InvalidInputException} when a text or option cannot be read as asked.
     */
    public Submission submitBackground(List<String> texts, Options options) {
        return submit(texts, options, true);
    }

    /**
     * Checks the options against the served model (window and stride against its max_tokens) without queuing
     * anything; does nothing while no model is loaded (the job then checks them when it starts).
     *
     * @throws InvalidInputException naming the option
     */
    public void check(Options options) {
        ServingModel m = pool.current();
        if (m != null) {
            Reading.of(m.bundle(), options);
        }
    }

    private Submission submit(List<String> texts, Options options, boolean background) {
        long start = System.nanoTime();
        ServingModel model = pool.acquire();
        BatchQueue queue = pool.queue();
        BatchQueue.Reservation reservation = null;
        try {
            Reading reading = Reading.of(model.bundle(), options);
            if (background) {
                return queueBackground(model, queue, texts, reading, options, start);
            }
            int entries = 0;
            long tokens = 0;
            for (String t : texts) {
                int windows = reading.estimatedWindows(t);
                entries += windows;
                tokens += windows == 1 ? Math.min(reading.window, t.length() / CHARS_PER_TOKEN_ESTIMATE + 3)
                        : (long) windows * reading.window;
            }
            reservation = queue.reserve(Math.min(entries, queue.capacity()), tokens);
            List<TextWindows> read = tokenize(model.tokenizer(), texts, reading);
            long tokenized = System.nanoTime();
            metrics.tokenization.record(tokenized - start, TimeUnit.NANOSECONDS);
            int total = read.stream().mapToInt(w -> w.windows().size()).sum();
            if (total > queue.capacity()) {
                throw InvalidInputException.option("texts", "this request needs " + total + " windows; the queue holds "
                        + "at most " + queue.capacity() + " (tagger.batching.queue-capacity): send fewer or shorter texts",
                        queue.capacity());
            }
            RequestTicket ticket = new RequestTicket(total);
            List<PendingText> pending = new ArrayList<>(total);
            for (TextWindows w : read) {
                for (TokenizedText t : w.windows()) {
                    metrics.inputTokens.record(t.length());
                    pending.add(new PendingText(t, pending.size(), ticket, model));
                }
            }
            queue.commit(reservation, pending);
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
                    List<TextResult> results = decide(model.bundle(), combine(probs, read, reading.aggregation), read,
                            options);
                    metrics.request("ok", end - start);
                    return new Classification(model.bundle().id(), model.bundle().version(), results,
                            new Timings(tokenized - start, ticket.queueNanos(), ticket.inferenceNanos(), end - start));
                } finally {
                    pool.release(model);
                }
            });
            return new Submission(result, ticket::cancel);
        } catch (RuntimeException e) {
            if (reservation != null) {
                queue.cancel(reservation);
            }
            if (e instanceof ServiceUnavailableException u && u.reason() == ServiceUnavailableException.Reason.OVERLOADED) {
                metrics.request("overloaded", System.nanoTime() - start);
            }
            pool.release(model);
            throw e;
        }
    }

    /** The background half of {@link #submit}: tokenize, queue in the background lane, answer the same way. */
    private Submission queueBackground(ServingModel model, BatchQueue queue, List<String> texts, Reading reading,
                                       Options options, long start) {
        List<TextWindows> read = tokenize(model.tokenizer(), texts, reading);
        int total = read.stream().mapToInt(w -> w.windows().size()).sum();
        RequestTicket ticket = new RequestTicket(total);
        List<PendingText> pending = new ArrayList<>(total);
        for (TextWindows w : read) {
            for (TokenizedText t : w.windows()) {
                pending.add(new PendingText(t, pending.size(), ticket, model, true));
            }
        }
        queue.commitBackground(pending);
        long tokenized = System.nanoTime();
        // Not in the request timers: those describe interactive latency, which bulk work must not blur.
        CompletableFuture<Classification> result = ticket.future().handle((probs, error) -> {
            try {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
                }
                List<TextResult> results = decide(model.bundle(), combine(probs, read, reading.aggregation), read,
                        options);
                long end = System.nanoTime();
                return new Classification(model.bundle().id(), model.bundle().version(), results,
                        new Timings(tokenized - start, ticket.queueNanos(), ticket.inferenceNanos(), end - start));
            } finally {
                pool.release(model);
            }
        });
        return new Submission(result, ticket::cancel);
    }

    /**
     * How one request reads its texts on one model.
     *
     * @param window tokens per window, [CLS]/[SEP] included
     * @param width  word-piece tokens per window (the window less [CLS]/[SEP], which the tokenizer counts exactly)
     */
    record Reading(boolean chunk, LongText.Aggregation aggregation, int maxWindows, int window, int overlap, int width) {

        static Reading of(ModelBundle b, Options o) {
            LongText model = b.longText();
            boolean chunk = (o.longText() != null ? o.longText() : model.mode()) == LongText.Mode.CHUNK;
            int max = b.maxTokens();
            if (o.window() != null && (o.window() < 3 || o.window() > max)) {
                throw InvalidInputException.option("window", "'window' must be from 3 tokens to the model's max_tokens ("
                        + max + ")", max);
            }
            int window = !chunk ? max : Math.min(max, o.window() != null ? o.window()
                    : model.window() != null ? model.window() : max);
            int width = Math.max(1, window - 2);
            if (o.stride() != null && o.stride() >= width) {
                throw InvalidInputException.option("stride", "'stride' (" + o.stride() + " tokens shared by consecutive "
                        + "windows) must be less than the window's " + width + " tokens", width - 1);
            }
            Integer stride = o.stride() != null ? o.stride() : model.stride();
            int overlap = stride != null ? Math.min(stride, width - 1) : width / 4;
            return new Reading(chunk, o.aggregation() != null ? o.aggregation() : model.aggregation(),
                    chunk ? Math.max(1, o.maxWindows()) : 1, window, overlap, width);
        }

        /** Windows a text of this length is expected to take, before it is tokenized. */
        int estimatedWindows(String text) {
            int content = text.length() / CHARS_PER_TOKEN_ESTIMATE + 1;
            if (!chunk || content <= width) {
                return 1;
            }
            int step = width - overlap;
            return (int) Math.min(maxWindows, 1 + ((long) content - width + step - 1) / step);
        }
    }

    private List<TextWindows> tokenize(TextTokenizer tokenizer, List<String> texts, Reading reading) {
        List<TextWindows> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            TextWindows w = tokenizer.windows(texts.get(i), reading.window, reading.maxWindows, reading.overlap);
            if (reading.chunk && !w.complete()) {
                throw InvalidInputException.text(i, "needs more than " + reading.maxWindows + " windows of "
                        + reading.window + " tokens (tagger.api.max-windows); send a shorter text or split it",
                        reading.maxWindows);
            }
            out.add(w);
        }
        return out;
    }

    /** One row of probabilities per text: its windows' rows combined label by label. */
    static float[][] combine(float[][] perWindow, List<TextWindows> read, LongText.Aggregation aggregation) {
        float[][] out = new float[read.size()][];
        int at = 0;
        for (int i = 0; i < read.size(); i++) {
            int n = read.get(i).windows().size();
            float[] p = perWindow[at].clone();
            for (int w = 1; w < n; w++) {
                float[] q = perWindow[at + w];
                for (int j = 0; j < p.length; j++) {
                    p[j] = aggregation == LongText.Aggregation.MAX ? Math.max(p[j], q[j]) : p[j] + q[j];
                }
            }
            if (aggregation == LongText.Aggregation.MEAN && n > 1) {
                for (int j = 0; j < p.length; j++) {
                    p[j] /= n;
                }
            }
            out[i] = p;
            at += n;
        }
        return out;
    }

    private List<TextResult> decide(ModelBundle bundle, float[][] probs, List<TextWindows> read, Options o) {
        // Counted where the labels are counted (interactive and bulk alike), so that label rates are shares of texts.
        metrics.textsClassified.increment(probs.length);
        List<String> labels = bundle.labels();
        float[] thresholds = bundle.thresholds();
        List<TextResult> out = new ArrayList<>(probs.length);
        for (int i = 0; i < probs.length; i++) {
            float[] p = probs[i];
            Integer[] order = new Integer[p.length];
            for (int j = 0; j < p.length; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.comparingDouble(j -> -p[j]));
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
            TextWindows w = read.get(i);
            boolean unknown = w.unknownShare() > UNKNOWN_SHARE_FLAG;
            if (!w.complete()) {
                metrics.textsTruncated.increment();
            }
            if (unknown) {
                metrics.textsOutOfVocabulary.increment();
            }
            out.add(new TextResult(predicted, scores, !w.complete(), w.windows().size(), unknown));
        }
        return out;
    }
}
