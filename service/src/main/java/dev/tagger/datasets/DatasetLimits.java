package dev.tagger.datasets;

/**
 * Hard limits on an uploaded dataset. Exceeding {@code maxTextChars} rejects the row; exceeding any other limit
 * ends the parse with a problem that names the limit.
 *
 * @param maxRows      most data rows (header and blank lines not counted)
 * @param maxTextChars most characters (Unicode code points) in one text
 * @param maxLabels    most distinct labels (also the most labels a given label list may have)
 * @param maxBytes     most bytes of input
 */
public record DatasetLimits(long maxRows, int maxTextChars, int maxLabels, long maxBytes) {

    /** Most characters (code points) of one label name. */
    public static final int MAX_LABEL_CHARS = 100;

    public static final DatasetLimits DEFAULTS = new DatasetLimits(1_000_000, 10_000, 1_000, 200L * 1024 * 1024);

    public DatasetLimits {
        if (maxRows < 1 || maxTextChars < 1 || maxLabels < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("dataset limits must be positive: " + maxRows + ", " + maxTextChars
                    + ", " + maxLabels + ", " + maxBytes);
        }
    }

    public DatasetLimits withMaxRows(long value) {
        return new DatasetLimits(value, maxTextChars, maxLabels, maxBytes);
    }

    public DatasetLimits withMaxTextChars(int value) {
        return new DatasetLimits(maxRows, value, maxLabels, maxBytes);
    }

    public DatasetLimits withMaxLabels(int value) {
        return new DatasetLimits(maxRows, maxTextChars, value, maxBytes);
    }

    public DatasetLimits withMaxBytes(long value) {
        return new DatasetLimits(maxRows, maxTextChars, maxLabels, value);
    }

    /**
     * The longest line (or CSV record) that is buffered, derived from the other limits: room for a text of
     * {@code maxTextChars} fully JSON-escaped plus 1 MiB for labels and other columns, at most {@code maxBytes}.
     * Longer lines are skipped with a problem without being held in memory.
     */
    public long maxLineBytes() {
        return Math.min(maxBytes, (1L << 20) + 12L * maxTextChars);
    }
}
