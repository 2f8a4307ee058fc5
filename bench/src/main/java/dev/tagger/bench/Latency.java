package dev.tagger.bench;

import java.util.Arrays;

/**
 * Latency percentiles in milliseconds (nearest rank).
 *
 * @param count how many samples
 */
record Latency(int count, double p50, double p95, double p99, double mean, double max) {

    static final Latency EMPTY = new Latency(0, 0, 0, 0, 0, 0);

    static Latency ofNanos(long[] nanos, int n) {
        if (n == 0) {
            return EMPTY;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Latency(n, ms(rank(sorted, 50)), ms(rank(sorted, 95)), ms(rank(sorted, 99)), sum / n / 1e6,
                ms(sorted[n - 1]));
    }

    private static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
