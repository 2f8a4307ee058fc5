package dev.tagger.serving;

import dev.tagger.datasets.MutableClock;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The serving history keeps each interval's difference of the real meters, with percentiles from its buckets. */
class ServingHistoryTest {

    // The service's registry: its histograms count since start, which the history's differences rely on.
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InferenceMetrics metrics = new InferenceMetrics(registry);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T16:00:00Z"));

    @Test
    void eachSampleHoldsOnlyItsIntervalsTextsLatenciesAndLabelRates() {
        AtomicInteger depth = new AtomicInteger(3);
        registry.gauge("tagger.queue.depth", depth);
        // Before the history starts: never counted.
        classify(10, 100, List.of("joy"));
        ServingHistory history = new ServingHistory(registry, clock, false);

        // 100 texts in 5 s: 90 answered in 4 ms, 10 in 40 ms; "joy" for 25 of them, no label for 10.
        for (int i = 0; i < 100; i++) {
            classify(1, i < 90 ? 4 : 40, i < 25 ? List.of("joy") : i < 90 ? List.of("anger") : List.of());
        }
        clock.advance(Duration.ofSeconds(5));
        history.sample();

        ServingHistory.Sample s = history.samples().get(0);
        assertThat(s.texts()).isEqualTo(100);
        assertThat(s.requests()).isEqualTo(100);
        assertThat(s.seconds()).isEqualTo(5.0);
        assertThat(s.labelRates().get("joy")).isEqualTo(0.25, within(1e-9));
        assertThat(s.labelRates().get("anger")).isEqualTo(0.65, within(1e-9));
        assertThat(s.emptyRate()).isEqualTo(0.10, within(1e-9));
        assertThat(s.queueDepth()).isEqualTo(3.0);
        // 4 ms lies in the (2, 5] bucket, 40 ms in (30, 50]: the median inside the first, p99 inside the second.
        assertThat(s.p50Millis()).isBetween(2.0, 5.0);
        assertThat(s.p99Millis()).isBetween(30.0, 50.0);

        // A quiet interval: no texts, no latency, no rates.
        clock.advance(Duration.ofSeconds(5));
        history.sample();
        ServingHistory.Sample quiet = history.samples().get(1);
        assertThat(quiet.texts()).isZero();
        assertThat(quiet.p50Millis()).isNull();
        assertThat(quiet.labelRates()).isEmpty();
        assertThat(quiet.emptyRate()).isNull();
        history.close();
    }

    @Test
    void theRingKeepsTheLastTenMinutes() {
        ServingHistory history = new ServingHistory(registry, clock, false);
        for (int i = 0; i < ServingHistory.CAPACITY + 5; i++) {
            clock.advance(ServingHistory.INTERVAL);
            history.sample();
        }
        List<ServingHistory.Sample> samples = history.samples();
        assertThat(samples).hasSize(ServingHistory.CAPACITY);
        assertThat(samples.get(samples.size() - 1).end()).isEqualTo(clock.instant());
        assertThat(samples.get(0).end()).isEqualTo(clock.instant().minus(
                ServingHistory.INTERVAL.multipliedBy(ServingHistory.CAPACITY - 1)));
        history.close();
    }

    private void classify(int texts, long millis, List<String> labels) {
        for (int i = 0; i < texts; i++) {
            metrics.textsClassified.increment();
            metrics.predicted(labels);
        }
        metrics.request("ok", TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
