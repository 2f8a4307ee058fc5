package dev.tagger.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where a {@link FormatReader} puts what it read: the rules every format shares live here, once. It checks each
 * row (text, label names, the label list, the limits), counts rows, labels and text lengths, collects every problem
 * up to a cap (all are counted) and hands accepted examples on. A problem from {@link #stop} ends the parse: the
 * reader sees {@link #stopped()} and returns.
 * <p>
 * One sink serves one parse; it is not thread-safe.
 */
final class RowSink {

    private static final int MAX_MESSAGE_QUOTE = 60;

    private final DatasetLimits limits;
    private final int maxProblems;
    private final Consumer<? super Example> accepted;
    private final LongTexts longTexts;
    private long truncatedTexts;

    private final List<DatasetProblem> problems = new ArrayList<>();
    private long problemCount;
    private boolean stopped;

    /** Given labels by name, or {@code null} when the label list is derived. */
    private Map<String, Integer> labelIndex;
    private List<String> givenLabels;
    private long[] givenCounts;
    private final Map<String, long[]> derivedCounts = new HashMap<>();

    private long rowsRead;
    private long rejected;
    private long acceptedRows;
    private long unlabeled;
    private int[] lengths = new int[1024];

    /**
     * @param labels   the label list, or {@code null} to derive it from the accepted rows
     * @param accepted receives each accepted example as soon as its row is checked
     */
    RowSink(List<String> labels, DatasetLimits limits, int maxProblems, Consumer<? super Example> accepted) {
        this(labels, limits, maxProblems, accepted, LongTexts.REJECT);
    }

    /** @param longTexts what a text over {@code maxTextChars} does: reject its row, or be cut to the limit */
    RowSink(List<String> labels, DatasetLimits limits, int maxProblems, Consumer<? super Example> accepted,
            LongTexts longTexts) {
        this.longTexts = longTexts;
        this.limits = limits;
        this.maxProblems = maxProblems;
        this.accepted = accepted;
        if (labels != null) {
            prepareLabels(labels);
        }
    }

    DatasetLimits limits() {
        return limits;
    }

    /** The given label list (checked, trimmed, without duplicates), or {@code null} when it is derived. */
    List<String> givenLabels() {
        return givenLabels;
    }

    /** Whether a limit ended the parse. */
    boolean stopped() {
        return stopped;
    }

    private void prepareLabels(List<String> labels) {
        if (labels.size() > limits.maxLabels()) {
            stop(0, "labels", String.format(Locale.ROOT,
                    "the label list has %,d labels, more than the limit of %,d (maxLabels)",
                    labels.size(), limits.maxLabels()));
            return;
        }
        labelIndex = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            String raw = labels.get(i);
            String label = raw == null ? "" : raw.strip();
            String invalid = invalidLabel(label);
            if (invalid != null) {
                problem(0, "labels", "label list entry " + (i + 1) + " " + invalid);
            } else if (labelIndex.putIfAbsent(label, labelIndex.size()) != null) {
                problem(0, "labels", "label '" + quote(label) + "' appears more than once in the label list");
            }
        }
        givenLabels = List.copyOf(labelIndex.keySet());
        givenCounts = new long[givenLabels.size()];
    }

    /** Why a (trimmed) label name is not acceptable, or {@code null}. */
    private static String invalidLabel(String label) {
        return LabelNames.problem(label);
    }

    // ---- lines and rows -------------------------------------------------------------------------------------

    /**
     * For formats with one row a line: the next non-blank line that counts as a row and could be decoded;
     * {@code null} at the end or once stopped. Lines that are too long or not UTF-8 are rejected on the way.
     */
    Utf8LineReader.Line nextRow(Utf8LineReader lines) throws IOException {
        Utf8LineReader.Line line;
        while (!stopped && (line = lines.next()) != null) {
            if (line.ok() && line.text().isBlank()) {
                continue;
            }
            if (countRow(line.number()) && lineReadable(line)) {
                return line;
            }
        }
        return null;
    }

    /** Counts a data row; false (and the parse stops) when it is one too many. */
    boolean countRow(long line) {
        rowsRead++;
        if (rowsRead > limits.maxRows()) {
            rowsRead--;
            stop(line, null, String.format(Locale.ROOT,
                    "more than %,d rows, the limit (maxRows)", limits.maxRows()));
            return false;
        }
        return true;
    }

    /** Reports (and rejects) a line that is too long or not UTF-8; true when it can be parsed. */
    private boolean lineReadable(Utf8LineReader.Line line) {
        if (line.tooLong()) {
            reject(line.number(), null, String.format(Locale.ROOT, "line is longer than %,d bytes; it was skipped",
                    limits.maxLineBytes()));
            return false;
        }
        if (line.malformedAt() > 0) {
            reject(line.number(), null, "invalid UTF-8 at byte " + line.malformedAt() + " of the line");
            return false;
        }
        return true;
    }

    /**
     * A row as the format read it: checks what every format shares and accepts the row when nothing is wrong.
     *
     * @param n         the line it starts on
     * @param text      its text, or {@code null} when the reader could not find one (the row is rejected; the
     *                  reader has reported why)
     * @param rawLabels its label names, untrimmed
     * @param bad       whether the reader already found a problem in the row
     */
    void row(long n, String text, List<String> rawLabels, boolean bad) {
        if (text != null) {
            if (text.isBlank()) {
                bad = problem(n, "text", "text is blank");
            } else if (hasUnpairedSurrogate(text)) {
                bad = problem(n, "text", "text contains an unpaired UTF-16 surrogate (an invalid \\u escape)");
            } else {
                int chars = text.codePointCount(0, text.length());
                if (chars > limits.maxTextChars() && longTexts == LongTexts.TRUNCATE) {
                    // cut at a code point, never inside a surrogate pair
                    text = text.substring(0, text.offsetByCodePoints(0, limits.maxTextChars()));
                    truncatedTexts++;
                } else if (chars > limits.maxTextChars()) {
                    bad = problem(n, "text", String.format(Locale.ROOT,
                            "text has %,d characters, more than the limit of %,d (maxTextChars)",
                            chars, limits.maxTextChars()));
                }
            }
        }
        List<String> rowLabels = new ArrayList<>(rawLabels.size());
        Set<String> seen = new HashSet<>();
        for (String raw : rawLabels) {
            String label = raw.strip();
            String invalid = invalidLabel(label);
            if (invalid != null) {
                bad = problem(n, "labels", "label " + invalid);
            } else if (!seen.add(label)) {
                bad = problem(n, "labels", "label '" + quote(label) + "' appears more than once in the row");
            } else if (labelIndex != null && !labelIndex.containsKey(label)) {
                bad = problem(n, "labels", "unknown label '" + quote(label) + "': not in the given label list");
            } else {
                rowLabels.add(label);
            }
        }
        if (bad || text == null) {
            rejected++;
            return;
        }
        if (!countLabels(n, rowLabels)) {
            return;
        }
        if (rowLabels.isEmpty()) {
            unlabeled++;
        }
        if (acceptedRows == lengths.length) {
            lengths = Arrays.copyOf(lengths, lengths.length * 2);
        }
        lengths[(int) acceptedRows] = text.codePointCount(0, text.length());
        acceptedRows++;
        accepted.accept(new Example(text, rowLabels));
    }

    /** Counts the labels of a row being accepted; false (the row rejected, the parse stopped) past maxLabels. */
    private boolean countLabels(long n, List<String> rowLabels) {
        if (labelIndex != null) {
            for (String label : rowLabels) {
                givenCounts[labelIndex.get(label)]++;
            }
            return true;
        }
        int fresh = 0;
        for (String label : rowLabels) {
            if (!derivedCounts.containsKey(label)) {
                fresh++;
            }
        }
        if (derivedCounts.size() + fresh > limits.maxLabels()) {
            rejected++;
            stop(n, "labels", String.format(Locale.ROOT,
                    "more than %,d distinct labels, the limit (maxLabels)", limits.maxLabels()));
            return false;
        }
        for (String label : rowLabels) {
            derivedCounts.computeIfAbsent(label, k -> new long[1])[0]++;
        }
        return true;
    }

    // ---- problems -------------------------------------------------------------------------------------------

    /** Records a problem; returns true so that callers can write {@code bad = problem(...)}. */
    boolean problem(long line, String field, String message) {
        problemCount++;
        if (problems.size() < maxProblems) {
            problems.add(new DatasetProblem(line, field, message));
        }
        return true;
    }

    /** Records a problem and rejects the row it is on. */
    void reject(long line, String field, String message) {
        problem(line, field, message);
        rejected++;
    }

    /** Records the problems of one row (e.g. the syntax errors of a CSV record) and rejects it. */
    void reject(List<DatasetProblem> rowProblems) {
        rowProblems.forEach(p -> problem(p.line(), p.field(), p.message()));
        rejected++;
    }

    /** Records a problem that ends the parse. */
    void stop(long line, String field, String message) {
        problem(line, field, message);
        stopped = true;
    }

    /** The report, once the reader has returned; an input without rows and problems gets one for that. */
    DatasetReport finish(DatasetFormat format, List<Example> examples) {
        if (acceptedRows == 0 && problemCount == 0) {
            problem(0, null, "no examples: the input has no data rows");
        }
        return new DatasetReport(format, stats(), rowsRead, rejected, problems, problemCount, examples);
    }

    private DatasetStats stats() {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (labelIndex != null) {
            for (int i = 0; i < givenLabels.size(); i++) {
                counts.put(givenLabels.get(i), givenCounts[i]);
            }
        } else {
            new TreeMap<>(derivedCounts).forEach((label, count) -> counts.put(label, count[0]));
        }
        return new DatasetStats(acceptedRows, List.copyOf(counts.keySet()), counts, unlabeled,
                TextLengthStats.of(lengths, (int) acceptedRows), truncatedTexts);
    }

    // ---- message helpers shared by the readers --------------------------------------------------------------

    /** Whether the string has a surrogate that is not half of a pair (possible only through JSON escapes). */
    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A value shortened for quoting in a message. */
    static String quote(String value) {
        return value.length() > MAX_MESSAGE_QUOTE ? value.substring(0, MAX_MESSAGE_QUOTE) + "..." : value;
    }
}
