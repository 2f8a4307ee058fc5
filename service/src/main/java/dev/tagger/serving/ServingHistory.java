package dev.tagger.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last minutes of serving, sampled in memory from the service's own meters: what the console's Serving page
 * draws so that a change in throughput, latency or label rates (drift) shows without a Prometheus server.
 *
 * <p>Every {@link #INTERVAL} it reads the cumulative meters (texts classified, the request-duration histogram of
 * answered requests, the queue depth gauge, the per-label prediction counters) and keeps the difference from the
 * previous reading as one {@link Sample}, in a ring of {@link #CAPACITY} samples. Nothing here is a second source
 * of truth: Prometheus scrapes the same meters.
 */
public final class ServingHistory implements AutoCloseable {

    /** Time between samples. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Samples kept: ten minutes. */
    public static final int CAPACITY = 120;

    /**
     * One interval.
     *
     * @param end            when the interval ended
     * @param seconds        its length
     * @param texts          texts classified in it
     * @param requests       requests answered in it (outcome ok)
     * @param p50Millis      median request duration (null without requests), interpolated in the histogram bucket
     * @param p99Millis      99th percentile, likewise
     * @param queueDepth     texts waiting in the batch queue when it ended
     * @param labelRates     for each label predicted since start: the share of the interval's texts it was predicted
     *                       for (empty without texts)
     * @param emptyRate      the share of texts for which no label passed its threshold
     */
    public record Sample(Instant end, double seconds, long texts, long requests, Double p50Millis, Double p99Millis,
                         double queueDepth, Map<String, Double> labelRates, Double emptyRate) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private Reading previous;

    private record Reading(Instant at, double texts, double empty, Map<String, Double> labels,
                           List<CountAtBucket> buckets, long requests) {
    }

    /** Samples every {@link #INTERVAL} on a daemon thread of its own until closed. */
    public ServingHistory(MeterRegistry registry) {
        this(registry, Clock.systemUTC(), true);
    }

    ServingHistory(MeterRegistry registry, Clock clock, boolean schedule) {
        this.registry = registry;
        this.clock = clock;
        this.previous = read();
        if (schedule) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "serving-history");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::sample, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** The samples, oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Takes one sample now (the timer calls it; tests may too). */
    synchronized void sample() {
        Reading now = read();
        Reading before = previous;
        previous = now;
        double seconds = Math.max(1e-3, Duration.between(before.at(), now.at()).toNanos() / 1e9);
        long texts = Math.round(now.texts() - before.texts());
        Map<String, Double> rates = new TreeMap<>();
        Double emptyRate = null;
        if (texts > 0) {
            for (Map.Entry<String, Double> e : now.labels().entrySet()) {
                double delta = e.getValue() - before.labels().getOrDefault(e.getKey(), 0.0);
                rates.put(e.getKey(), delta / texts);
            }
            emptyRate = (now.empty() - before.empty()) / texts;
        }
        long requests = now.requests() - before.requests();
        double[] counts = bucketDeltas(before.buckets(), now.buckets());
        Sample s = new Sample(now.at(), seconds, texts, requests,
                percentile(now.buckets(), counts, 0.50), percentile(now.buckets(), counts, 0.99),
                gauge("tagger.queue.depth"), Collections.unmodifiableMap(rates), emptyRate);
        if (samples.size() == CAPACITY) {
            samples.removeFirst();
        }
        samples.addLast(s);
    }

    private Reading read() {
        Map<String, Double> labels = new HashMap<>();
        for (Counter c : registry.find("tagger.label.predicted").counters()) {
            labels.merge(c.getId().getTag("label"), c.count(), Double::sum);
        }
        Timer ok = registry.find("tagger.request.duration").tag("outcome", "ok").timer();
        List<CountAtBucket> buckets = List.of();
        long requests = 0;
        if (ok != null) {
            HistogramSnapshot snapshot = ok.takeSnapshot();
            buckets = List.of(snapshot.histogramCounts());
            requests = snapshot.count();
        }
        return new Reading(clock.instant(), counter("tagger.texts.classified"), counter("tagger.predictions.empty"),
                labels, buckets, requests);
    }

    private double counter(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    private double gauge(String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? 0 : g.value();
    }

    /** Per-bucket counts of the interval (not cumulative) from two cumulative bucket readings. */
    private static double[] bucketDeltas(List<CountAtBucket> before, List<CountAtBucket> now) {
        double[] out = new double[now.size()];
        double below = 0;
        for (int i = 0; i < now.size(); i++) {
            double was = i < before.size() ? before.get(i).count() : 0;
            double cumulative = now.get(i).count() - was;
            out[i] = Math.max(0, cumulative - below);
            below = Math.max(below, cumulative);
        }
        return out;
    }

    /**
     * The q-quantile in milliseconds, interpolated linearly inside the bucket that holds it (the histogram has fixed
     * buckets from 1 ms to 10 s, so this is as exact as the buckets are); null when the interval has no request.
     * A quantile past the last bucket reads as the last bound.
     */
    static Double percentile(List<CountAtBucket> buckets, double[] counts, double q) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        double seen = 0;
        double lower = 0;
        for (int i = 0; i < counts.length; i++) {
            double upper = buckets.get(i).bucket(TimeUnit.MILLISECONDS);
            if (counts[i] > 0 && seen + counts[i] >= rank) {
                return lower + (upper - lower) * ((rank - seen) / counts[i]);
            }
            seen += counts[i];
            lower = upper;
        }
        return lower;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
