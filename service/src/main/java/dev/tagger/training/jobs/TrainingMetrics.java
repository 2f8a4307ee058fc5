package dev.tagger.training.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The training meters, under the {@code tagger.training.} prefix: jobs by state, examples processed, the current
 * loss, the last job's validation macro-F1 and a histogram of job durations by outcome.
 */
public final class TrainingMetrics {

    private static final Duration[] DURATION_BUCKETS = {
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
            Duration.ofHours(8), Duration.ofHours(24)};

    private final MeterRegistry registry;
    private final Counter examples;
    private final AtomicReference<Double> loss = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> lastMacroF1 = new AtomicReference<>(Double.NaN);

    public TrainingMetrics(MeterRegistry registry, JobRepository jobs) {
        this.registry = registry;
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("tagger.training.jobs", jobs, j -> j.count(s)).description("Training jobs by state")
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        examples = Counter.builder("tagger.training.examples")
                .description("Training examples processed by optimizer steps (each epoch counts again)")
                .register(registry);
        Gauge.builder("tagger.training.loss", loss, AtomicReference::get)
                .description("Training loss of the last optimizer step (NaN before any)").register(registry);
        Gauge.builder("tagger.training.validation.macro_f1", lastMacroF1, AtomicReference::get)
                .description("Validation macro-F1 of the last successful job (NaN before any)").register(registry);
    }

    void step(int batchExamples, float stepLoss) {
        examples.increment(batchExamples);
        loss.set((double) stepLoss);
    }

    void succeeded(double macroF1) {
        lastMacroF1.set(macroF1);
    }

    /** @param outcome succeeded, failed or cancelled */
    void duration(String outcome, long nanos) {
        Timer.builder("tagger.training.duration").description("Time a job ran, from start to its final state")
                .tag("outcome", outcome).serviceLevelObjectives(DURATION_BUCKETS)
                .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofHours(24))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
