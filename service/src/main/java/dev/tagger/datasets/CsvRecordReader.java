package dev.tagger.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads RFC 4180 records from lines: fields separated by {@code ,}; a field that starts with {@code "} is quoted,
 * may hold commas, line breaks and doubled quotes ({@code ""} for one {@code "}), and ends at a quote followed by a
 * comma or the end of the line. A line break inside a quoted field is kept as {@code \n} (a CRLF becomes
 * {@code \n}). Strict: a quote inside an unquoted field, or anything but a comma after a closing quote, is a
 * problem. A blank line (nothing but white space) outside a quoted field is skipped.
 */
final class CsvRecordReader {

    /**
     * One record.
     *
     * @param line     the line it starts on
     * @param fields   its fields
     * @param problems what was wrong with its syntax or encoding (it should then be rejected)
     */
    record Record(long line, List<String> fields, List<DatasetProblem> problems) {
    }

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private final Utf8LineReader lines;
    private final long maxRecordChars;

    CsvRecordReader(Utf8LineReader lines, long maxRecordChars) {
        this.lines = lines;
        this.maxRecordChars = maxRecordChars;
    }

    /** The next record, or {@code null} at the end of the input or once the byte limit is exceeded. */
    Record next() throws IOException {
        Utf8LineReader.Line current;
        do {
            current = lines.next();
            if (current == null) {
                return null;
            }
        } while (current.ok() && current.text().isBlank());

        long start = current.number();
        List<String> fields = new ArrayList<>();
        List<DatasetProblem> problems = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long recordChars = 0;
        boolean truncated = false;
        long quoteOpenedOn = start;
        State state = State.FIELD_START;

        while (true) {
            if (current.tooLong()) {
                problems.add(new DatasetProblem(current.number(), null, String.format(Locale.ROOT,
                        "line is longer than %,d bytes; it was skipped", lines.maxLineBytes())));
            } else if (current.malformedAt() > 0) {
                problems.add(new DatasetProblem(current.number(), null,
                        "invalid UTF-8 at byte " + current.malformedAt() + " of the line"));
            }
            String text = current.text();
            boolean quoteProblem = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (state) {
                    case FIELD_START -> {
                        if (c == '"') {
                            state = State.QUOTED;
                            quoteOpenedOn = current.number();
                        } else if (c == ',') {
                            fields.add("");
                        } else {
                            field.append(c);
                            state = State.UNQUOTED;
                        }
                    }
                    case UNQUOTED -> {
                        if (c == ',') {
                            fields.add(field.toString());
                            field.setLength(0);
                            state = State.FIELD_START;
                        } else {
                            if (c == '"' && !quoteProblem) {
                                quoteProblem = true;
                                problems.add(new DatasetProblem(current.number(), null, "field " + (fields.size() + 1)
                                        + ": a quote inside an unquoted field; quote the whole field and double "
                                        + "the quotes inside it"));
                            }
                            field.append(c);
                        }
                    }
                    case QUOTED -> {
                        if (c == '"') {
                            state = State.QUOTE_IN_QUOTED;
                        } else {
                            field.append(c);
                        }
                    }
                    case QUOTE_IN_QUOTED -> {
                        if (c == '"') {
                            field.append('"');
                            state = State.QUOTED;
                        } else if (c == ',') {
                            fields.add(field.toString());
                            field.setLength(0);
                            state = State.FIELD_START;
                        } else {
                            if (!quoteProblem) {
                                quoteProblem = true;
                                problems.add(new DatasetProblem(current.number(), null, "field " + (fields.size() + 1)
                                        + ": unexpected character after a closing quote; double the quotes inside "
                                        + "a quoted field"));
                            }
                            field.append(c);
                            state = State.UNQUOTED;
                        }
                    }
                }
            }
            recordChars += text.length();
            if (!truncated && recordChars > maxRecordChars) {
                truncated = true;
                problems.add(new DatasetProblem(start, null, String.format(Locale.ROOT,
                        "record is longer than %,d characters", maxRecordChars)));
            }
            if (truncated) {
                field.setLength(0);
            }
            if (state != State.QUOTED) {
                break;
            }
            // A line break inside a quoted field belongs to the field.
            field.append('\n');
            recordChars++;
            current = lines.next();
            if (current == null) {
                if (lines.bytesExceeded()) {
                    return null;
                }
                problems.add(new DatasetProblem(quoteOpenedOn, null, "field " + (fields.size() + 1)
                        + ": quoted field opened on line " + quoteOpenedOn + " is never closed"));
                break;
            }
        }
        fields.add(field.toString());
        return new Record(start, fields, problems);
    }
}
