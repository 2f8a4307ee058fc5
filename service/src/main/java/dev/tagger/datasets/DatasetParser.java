package dev.tagger.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Streaming parser and validator for uploaded datasets. It reads the input once, line by line (UTF-8, strictly),
 * checks every row and collects every problem instead of stopping at the first; rows with a problem are left out
 * and the rest are accepted. Exceeding a {@link DatasetLimits} limit other than the text length ends the parse.
 * The format's {@link FormatReader} turns lines into rows; a {@link RowSink} holds the rules all formats share.
 * <p>
 * Rules common to all formats: the text must not be blank (it is kept as is, not trimmed) and must have at most
 * {@code maxTextChars} characters (code points); label names are trimmed and must not be blank, be longer than
 * {@link DatasetLimits#MAX_LABEL_CHARS}, contain control or bidirectional control characters, start or end with
 * a space character that trimming keeps (a no-break space), or repeat within a row; when a label list is given
 * every label must be in it. Blank lines are
 * skipped. An input with no data rows is a problem too.
 * <p>
 * The label list of the result is the given one, or, without one, the labels of the accepted rows sorted
 * alphabetically ({@link String#compareTo}).
 * <p>
 * Instances are immutable and may be shared; {@link #parse} may be called concurrently.
 */
public final class DatasetParser {

    public static final int DEFAULT_MAX_PROBLEMS = 100;

    private final DatasetFormat format;
    private final List<String> labels;
    private final DatasetLimits limits;
    private final int maxProblems;
    private LongTexts longTexts = LongTexts.REJECT;

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

    /** What a text over {@code maxTextChars} does (default {@link LongTexts#REJECT}); returns this parser. */
    public DatasetParser longTexts(LongTexts mode) {
        this.longTexts = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Parses the whole input; the report holds the accepted examples. The stream is not closed. */
    public DatasetReport parse(InputStream in) throws IOException {
        List<Example> examples = new ArrayList<>();
        return run(in, examples::add, examples);
    }

    /**
     * Parses the whole input and hands each accepted example to {@code sink} as soon as it is read, without keeping
     * them: the report's example list is empty. Examples reach the sink before later rows are read, so the caller
     * must check {@link DatasetReport#ok()} before using what it received. The stream is not closed.
     */
    public DatasetReport parse(InputStream in, Consumer<? super Example> sink) throws IOException {
        return run(in, Objects.requireNonNull(sink, "sink"), List.of());
    }

    private DatasetReport run(InputStream in, Consumer<? super Example> accepted, List<Example> kept)
            throws IOException {
        Objects.requireNonNull(in, "in");
        RowSink sink = new RowSink(labels, limits, maxProblems, accepted, longTexts);
        Utf8LineReader lines = new Utf8LineReader(in, limits.maxBytes(), limits.maxLineBytes());
        if (!sink.stopped()) {
            format.reader().read(lines, sink);
        }
        if (lines.bytesExceeded()) {
            sink.stop(0, null, String.format(Locale.ROOT,
                    "input is larger than the limit of %,d bytes (maxBytes)", limits.maxBytes()));
        }
        return sink.finish(format, kept);
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
}
