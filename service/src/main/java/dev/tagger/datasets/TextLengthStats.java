package dev.tagger.datasets;

import java.util.Arrays;

/**
 * Text lengths in characters (Unicode code points) over the accepted examples. Percentiles use the nearest-rank
 * method: the p-th percentile of n sorted lengths is the one at 1-based rank {@code ceil(p / 100 * n)}, so it is
 * always a length that occurs. All zero for an empty dataset.
 */
public record TextLengthStats(int p50, int p90, int p99, int max) {

    public static final TextLengthStats EMPTY = new TextLengthStats(0, 0, 0, 0);

    /** Computes the stats of the first {@code n} entries of {@code lengths} (which is not modified). */
    public static TextLengthStats of(int[] lengths, int n) {
        if (n == 0) {
            return EMPTY;
        }
        int[] sorted = Arrays.copyOf(lengths, n);
        Arrays.sort(sorted);
        return new TextLengthStats(nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99),
                sorted[n - 1]);
    }

    public static TextLengthStats of(int... lengths) {
        return of(lengths, lengths.length);
    }

    private static int nearestRank(int[] sorted, int percent) {
        // ceil(percent * n / 100) in exact integer arithmetic
        long rank = ((long) percent * sorted.length + 99) / 100;
        return sorted[(int) Math.max(rank, 1) - 1];
    }
}
