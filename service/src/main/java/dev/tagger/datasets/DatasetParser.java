package dev.tagger.datasets;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Streaming parser and validator for uploaded datasets. It reads the input once, line by line (UTF-8, strictly),
 * checks every row and collects every problem instead of stopping at the first; rows with a problem are left out
 * and the rest are accepted. Exceeding a {@link DatasetLimits} limit other than the text length ends the parse.
 * <p>
 * Rules common to all formats: the text must not be blank (it is kept as is, not trimmed) and must have at most
 * {@code maxTextChars} characters (code points); label names are trimmed and must not be blank, contain control
 * characters or repeat within a row; when a label list is given every label must be in it. Blank lines are
 * skipped. An input with no data rows is a problem too.
 * <p>
 * The label list of the result is the given one, or, without one, the labels of the accepted rows sorted
 * alphabetically ({@link String#compareTo}).
 * <p>
 * Instances are immutable and may be shared; {@link #parse} may be called concurrently.
 */
public final class DatasetParser {

    public static final int DEFAULT_MAX_PROBLEMS = 100;

    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Pattern CSV_LABEL_SEPARATORS = Pattern.compile("[;|,]");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final int MAX_MESSAGE_QUOTE = 60;

    private final DatasetFormat format;
    private final List<String> labels;
    private final DatasetLimits limits;
    private final int maxProblems;

    /**
     * @param format the input format
     * @param labels the label list, or {@code null} to derive it from the data (required for {@link DatasetFormat#TSV},
     *               whose label ids index it)
     * @param limits the limits to enforce
     */
    public DatasetParser(DatasetFormat format, List<String> labels, DatasetLimits limits) {
        this(format, labels, limits, DEFAULT_MAX_PROBLEMS);
    }

    /**
     * @param maxProblems how many problems to keep in the report (all are counted)
     */
    public DatasetParser(DatasetFormat format, List<String> labels, DatasetLimits limits, int maxProblems) {
        this.format = Objects.requireNonNull(format, "format");
        this.labels = labels == null ? null : new ArrayList<>(labels);
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxProblems < 0) {
            throw new IllegalArgumentException("maxProblems must not be negative: " + maxProblems);
        }
        this.maxProblems = maxProblems;
    }

    /** Parses the whole input; the report holds the accepted examples. The stream is not closed. */
    public DatasetReport parse(InputStream in) throws IOException {
        List<Example> examples = new ArrayList<>();
        return new Run(examples::add, examples).parse(in);
    }

    /**
     * Parses the whole input and hands each accepted example to {@code sink} as soon as it is read, without keeping
     * them: the report's example list is empty. Examples reach the sink before later rows are read, so the caller
     * must check {@link DatasetReport#ok()} before using what it received. The stream is not closed.
     */
    public DatasetReport parse(InputStream in, Consumer<? super Example> sink) throws IOException {
        return new Run(Objects.requireNonNull(sink, "sink"), List.of()).parse(in);
    }

    /**
     * Reads a label list file: UTF-8 (strict), one label a line, trimmed, blank lines skipped (so a missing final
     * newline does not matter). Duplicates are kept; the parser reports them.
     */
    public static List<String> readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in);
        }
    }

    /** Like {@link #readLabels(Path)}, from a stream (not closed). */
    public static List<String> readLabels(InputStream in) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in.readAllBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("label list is not valid UTF-8", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String label = line.strip();
            if (!label.isEmpty()) {
                out.add(label);
            }
        }
        return out;
    }

    /** The state of one parse. */
    private final class Run {
        private final Consumer<? super Example> sink;
        private final List<Example> examples;

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
        private long accepted;
        private long unlabeled;
        private int[] lengths = new int[1024];

        Run(Consumer<? super Example> sink, List<Example> examples) {
            this.sink = sink;
            this.examples = examples;
        }

        DatasetReport parse(InputStream in) throws IOException {
            Objects.requireNonNull(in, "in");
            prepareLabels();
            if (!stopped && format == DatasetFormat.TSV && labelIndex == null) {
                limitProblem(0, "labels", "the TSV (GoEmotions) format needs the label list that its label ids "
                        + "index, e.g. labels.txt");
            }
            Utf8LineReader lines = new Utf8LineReader(in, limits.maxBytes(), limits.maxLineBytes());
            if (!stopped) {
                switch (format) {
                    case JSONL -> parseJsonl(lines);
                    case CSV -> parseCsv(lines);
                    case TSV -> parseTsv(lines);
                }
            }
            if (lines.bytesExceeded()) {
                limitProblem(0, null, String.format(Locale.ROOT,
                        "input is larger than the limit of %,d bytes (maxBytes)", limits.maxBytes()));
            }
            if (accepted == 0 && problemCount == 0) {
                problem(0, null, "no examples: the input has no data rows");
            }
            return new DatasetReport(format, stats(), rowsRead, rejected, problems, problemCount, examples);
        }

        // ---- labels -------------------------------------------------------------------------------------------

        private void prepareLabels() {
            if (labels == null) {
                return;
            }
            if (labels.size() > limits.maxLabels()) {
                limitProblem(0, "labels", String.format(Locale.ROOT,
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
        private String invalidLabel(String label) {
            if (label.isEmpty()) {
                return "is blank";
            }
            for (int i = 0; i < label.length(); i++) {
                if (Character.isISOControl(label.charAt(i))) {
                    return "'" + quote(label) + "' contains a control character";
                }
            }
            if (hasUnpairedSurrogate(label)) {
                return "contains an unpaired UTF-16 surrogate (an invalid \\u escape)";
            }
            return null;
        }

        // ---- formats ------------------------------------------------------------------------------------------

        /** The next non-blank line that counts as a row and could be decoded; null at the end or once stopped. */
        private Utf8LineReader.Line nextRow(Utf8LineReader lines) throws IOException {
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

        private void parseJsonl(Utf8LineReader lines) throws IOException {
            Utf8LineReader.Line line;
            while ((line = nextRow(lines)) != null) {
                long n = line.number();
                JsonNode node;
                try {
                    node = JSON.readTree(line.text());
                } catch (JacksonException e) {
                    reject(n, null, "not valid JSON: " + jsonMessage(e));
                    continue;
                }
                if (node == null || !node.isObject()) {
                    reject(n, null, "expected a JSON object {\"text\": ..., \"labels\": [...]}, found "
                            + kind(node));
                    continue;
                }
                boolean bad = false;
                String text = null;
                JsonNode textNode = node.get("text");
                if (textNode == null) {
                    bad = problem(n, "text", "missing \"text\"");
                } else if (!textNode.isString()) {
                    bad = problem(n, "text", "\"text\" must be a string, found " + kind(textNode));
                } else {
                    text = textNode.stringValue();
                }
                List<String> rowLabels = new ArrayList<>();
                JsonNode labelsNode = node.get("labels");
                if (labelsNode == null) {
                    bad = problem(n, "labels", "missing \"labels\" (use [] for an example with no labels)");
                } else if (!labelsNode.isArray()) {
                    bad = problem(n, "labels", "\"labels\" must be an array of strings, found " + kind(labelsNode));
                } else {
                    for (int i = 0; i < labelsNode.size(); i++) {
                        JsonNode label = labelsNode.get(i);
                        if (!label.isString()) {
                            bad = problem(n, "labels", "labels[" + i + "] must be a string, found " + kind(label));
                        } else {
                            rowLabels.add(label.stringValue());
                        }
                    }
                }
                row(n, text, rowLabels, bad);
            }
        }

        private void parseCsv(Utf8LineReader lines) throws IOException {
            CsvRecordReader records = new CsvRecordReader(lines, limits.maxLineBytes());
            CsvRecordReader.Record header = records.next();
            if (header == null) {
                return;
            }
            if (!header.problems().isEmpty()) {
                header.problems().forEach(p -> problem(p.line(), p.field(), p.message()));
                limitProblem(header.line(), null, "the header row cannot be read");
                return;
            }
            int textColumn = -1;
            int labelsColumn = -1;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < header.fields().size(); i++) {
                String name = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
                names.add(name);
                if (name.equals("text") || name.equals("labels")) {
                    if (names.indexOf(name) != i) {
                        limitProblem(header.line(), name, "the header names the column '" + name + "' twice");
                        return;
                    }
                    if (name.equals("text")) {
                        textColumn = i;
                    } else {
                        labelsColumn = i;
                    }
                }
            }
            if (textColumn < 0 || labelsColumn < 0) {
                limitProblem(header.line(), null, "a header row naming the columns 'text' and 'labels' is required; "
                        + "found: " + quote(String.join(",", header.fields())));
                return;
            }
            int columns = header.fields().size();
            CsvRecordReader.Record record;
            while (!stopped && (record = records.next()) != null) {
                long n = record.line();
                if (!countRow(n)) {
                    continue;
                }
                if (!record.problems().isEmpty()) {
                    // after a syntax or encoding error the fields cannot be trusted: report only that
                    record.problems().forEach(p -> problem(p.line(), p.field(), p.message()));
                    rejected++;
                    continue;
                }
                if (record.fields().size() != columns) {
                    reject(n, null, "expected " + columns + " fields as in the header, found "
                            + record.fields().size());
                    continue;
                }
                List<String> rowLabels = new ArrayList<>();
                for (String token : CSV_LABEL_SEPARATORS.split(record.fields().get(labelsColumn), -1)) {
                    if (!token.isBlank()) {
                        rowLabels.add(token);
                    }
                }
                row(n, record.fields().get(textColumn), rowLabels, false);
            }
        }

        private void parseTsv(Utf8LineReader lines) throws IOException {
            Utf8LineReader.Line line;
            while ((line = nextRow(lines)) != null) {
                long n = line.number();
                String[] columns = line.text().split("\t", -1);
                if (columns.length != 3) {
                    reject(n, null, "expected 3 tab-separated columns (text, label ids, id), found "
                            + columns.length);
                    continue;
                }
                boolean bad = false;
                List<String> rowLabels = new ArrayList<>();
                String ids = columns[1].strip();
                if (!ids.isEmpty()) {
                    for (String token : ids.split(",", -1)) {
                        String id = token.strip();
                        if (id.isEmpty()) {
                            bad = problem(n, "labels", "empty label id in '" + quote(columns[1]) + "'");
                        } else if (!INTEGER.matcher(id).matches()) {
                            bad = problem(n, "labels", "label id '" + quote(id) + "' is not an integer");
                        } else {
                            long value = id.length() > 12 ? Long.MAX_VALUE : Long.parseLong(id);
                            if (value < 0 || value >= givenLabels.size()) {
                                bad = problem(n, "labels", "label id " + id + " is out of range: the label list has "
                                        + givenLabels.size() + " labels (ids 0 to " + (givenLabels.size() - 1)
                                        + ")");
                            } else {
                                rowLabels.add(givenLabels.get((int) value));
                            }
                        }
                    }
                }
                row(n, columns[0], rowLabels, bad);
            }
        }

        // ---- rows ---------------------------------------------------------------------------------------------

        /** Counts a data row; false (and the parse stops) when it is one too many. */
        private boolean countRow(long line) {
            rowsRead++;
            if (rowsRead > limits.maxRows()) {
                rowsRead--;
                limitProblem(line, null, String.format(Locale.ROOT,
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

        /** Checks the parts every format shares and accepts the row when nothing is wrong. */
        private void row(long n, String text, List<String> rawLabels, boolean bad) {
            if (text != null) {
                if (text.isBlank()) {
                    bad = problem(n, "text", "text is blank");
                } else if (hasUnpairedSurrogate(text)) {
                    bad = problem(n, "text", "text contains an unpaired UTF-16 surrogate (an invalid \\u escape)");
                } else {
                    int chars = text.codePointCount(0, text.length());
                    if (chars > limits.maxTextChars()) {
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
            if (labelIndex == null) {
                int fresh = 0;
                for (String label : rowLabels) {
                    if (!derivedCounts.containsKey(label)) {
                        fresh++;
                    }
                }
                if (derivedCounts.size() + fresh > limits.maxLabels()) {
                    rejected++;
                    limitProblem(n, "labels", String.format(Locale.ROOT,
                            "more than %,d distinct labels, the limit (maxLabels)", limits.maxLabels()));
                    return;
                }
                for (String label : rowLabels) {
                    derivedCounts.computeIfAbsent(label, k -> new long[1])[0]++;
                }
            } else {
                for (String label : rowLabels) {
                    givenCounts[labelIndex.get(label)]++;
                }
            }
            if (rowLabels.isEmpty()) {
                unlabeled++;
            }
            if (accepted == lengths.length) {
                lengths = Arrays.copyOf(lengths, lengths.length * 2);
            }
            lengths[(int) accepted] = text.codePointCount(0, text.length());
            accepted++;
            sink.accept(new Example(text, rowLabels));
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
            return new DatasetStats(accepted, List.copyOf(counts.keySet()), counts, unlabeled,
                    TextLengthStats.of(lengths, (int) accepted));
        }

        // ---- problems -----------------------------------------------------------------------------------------

        /** Records a problem; returns true so that callers can write {@code bad = problem(...)}. */
        private boolean problem(long line, String field, String message) {
            problemCount++;
            if (problems.size() < maxProblems) {
                problems.add(new DatasetProblem(line, field, message));
            }
            return true;
        }

        private void reject(long line, String field, String message) {
            problem(line, field, message);
            rejected++;
        }

        /** Records a problem that ends the parse. */
        private void limitProblem(long line, String field, String message) {
            problem(line, field, message);
            stopped = true;
        }
    }

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

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String jsonMessage(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "unreadable";
        }
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }

    /** A value shortened for quoting in a message. */
    private static String quote(String value) {
        return value.length() > MAX_MESSAGE_QUOTE ? value.substring(0, MAX_MESSAGE_QUOTE) + "..." : value;
    }
}
