package dev.tagger.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The serving meters, all under the {@code tagger.} prefix. Latencies are histograms with fixed
 * buckets from 1 ms to 10 s, so percentiles can be aggregated across replicas in Prometheus.
 */
public final class InferenceMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
            ms(1), ms(2), ms(5), ms(10), ms(20), ms(30), ms(50), ms(75), ms(100), ms(150), ms(200), ms(300),
            ms(500), ms(750), ms(1000), ms(2000), ms(5000), ms(10000)};
    private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};
    private static final double[] TOKEN_BUCKETS = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

    private final MeterRegistry registry;
    final Timer tokenization;
    final Timer queueWait;
    final Timer inference;
    final DistributionSummary batchSize;
    final DistributionSummary batchTokens;
    final DistributionSummary inputTokens;
    final Counter textsClassified;
    final Counter textsTruncated;
    final Counter textsOutOfVocabulary;
    final Counter emptyPredictions;
    private final ConcurrentHashMap<String, Counter> labelCounters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> requestTimers = new ConcurrentHashMap<>();

    public InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        tokenization = latency("tagger.tokenization.duration", "Time to tokenize the texts of one request");
        queueWait = latency("tagger.queue.wait", "Time a text waited in the batch queue");
        inference = latency("tagger.inference.duration", "Time to run one batch through the model");
        batchSize = DistributionSummary.builder("tagger.batch.size").description("Texts per batch")
                .serviceLevelObjectives(BATCH_SIZE_BUCKETS).register(registry);
        batchTokens = DistributionSummary.builder("tagger.batch.tokens")
                .description("Tokens the encoder computed per batch (packed: the texts' own; padded: size x longest)")
                .serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
        inputTokens = DistributionSummary.builder("tagger.input.tokens").description("Tokens per text after truncation")
                .serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
        textsClassified = Counter.builder("tagger.texts.classified").description("Texts classified").register(registry);
        textsTruncated = Counter.builder("tagger.texts.truncated").description("Texts cut to the token limit")
                .register(registry);
        textsOutOfVocabulary = Counter.builder("tagger.texts.out.of.vocabulary")
                .description("Texts most of whose tokens the model's vocabulary does not know").register(registry);
        emptyPredictions = Counter.builder("tagger.predictions.empty")
                .description("Texts for which no label passed its threshold").register(registry);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(ms(1)).maximumExpectedValue(ms(10000)).register(registry);
    }

    /** End-to-end classification time of one request by outcome (ok, overloaded, timeout, error). */
    void request(String outcome, long nanos) {
        requestTimers.computeIfAbsent(outcome, o -> Timer.builder("tagger.request.duration")
                .description("Time to classify one request, from tokenization to the last probability")
                .tag("outcome", o).serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(ms(1)).maximumExpectedValue(ms(10000)).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Drift signal: how often each label is predicted. */
    void predicted(List<String> labels) {
        if (labels.isEmpty()) {
            emptyPredictions.increment();
        }
        for (String l : labels) {
            labelCounters.computeIfAbsent(l, k -> Counter.builder("tagger.label.predicted")
                    .description("Texts for which the label passed its threshold").tag("label", k)
                    .register(registry)).increment();
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }
}
