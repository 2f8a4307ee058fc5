package dev.tagger.bulk;

import dev.tagger.io.Json;
import dev.tagger.text.TextCheck;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the texts of an uploaded bulk input, streaming, and checks each one as /classify checks its texts. Formats:
 * <ul>
 *   <li>{@code jsonl}: one JSON object a line with a string {@code text} and an optional {@code id} (a string or a
 *       number); other fields are ignored (a labelled dataset file can be classified as it is);</li>
 *   <li>{@code csv}: RFC 4180 under a header row that names a {@code text} column and optionally an {@code id}
 *       column; quoted fields may hold commas, quotes ({@code ""}) and line breaks;</li>
 *   <li>{@code txt}: one text a line, no ids.</li>
 * </ul>
 * Blank lines are skipped in every format, so result line N answers the Nth text: give ids to join on. The bytes
 * must be UTF-8 (a byte order mark is dropped). The first problem stops the read with a {@link BulkInputException}
 * naming its 1-based line.
 */
public final class BulkInputs {

    public enum Format {
        JSONL, CSV, TXT;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** A format by its key, or null. */
        public static Format parse(String value) {
            for (Format f : values()) {
                if (f.key().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return f;
                }
            }
            return null;
        }

        /** The format a file name's ending or a content type says, or null. */
        public static Format guess(String filename, String contentType) {
            String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return JSONL;
            }
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".txt")) {
                return TXT;
            }
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (type.startsWith("application/jsonl") || type.startsWith("application/x-ndjson")
                    || type.startsWith("application/x-jsonlines")) {
                return JSONL;
            }
            if (type.startsWith("text/csv")) {
                return CSV;
            }
            if (type.startsWith("text/plain")) {
                return TXT;
            }
            return null;
        }
    }

    /** Takes each text as it is read. */
    @FunctionalInterface
    public interface Sink {
        void accept(BulkInput input) throws IOException;
    }

    /**
     * @param maxTexts     texts of one job at most ({@code tagger.bulk.max-texts})
     * @param maxTextChars characters (code points) of one text ({@code tagger.api.max-text-chars})
     */
    public record Limits(long maxTexts, int maxTextChars) {
    }

    private final Limits limits;
    private final Sink sink;
    private long count;

    private BulkInputs(Limits limits, Sink sink) {
        this.limits = limits;
        this.sink = sink;
    }

    /**
     * Reads every text of {@code in} into {@code sink}.
     *
     * @return how many texts there were (at least one)
     * @throws BulkInputException at the first problem
     */
    public static long read(InputStream in, Format format, Limits limits, Sink sink) throws IOException {
        BulkInputs r = new BulkInputs(limits, sink);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        LineSource lines = new LineSource(reader);
        try {
            switch (format) {
                case JSONL -> r.jsonl(lines);
                case CSV -> r.csv(lines);
                case TXT -> r.txt(lines);
                default -> throw new IllegalArgumentException(format.toString());
            }
        } catch (CharacterCodingException e) {
            throw new BulkInputException(lines.number + 1, "file", "line " + (lines.number + 1)
                    + " is not valid UTF-8", null);
        }
        if (r.count == 0) {
            throw new BulkInputException(0, "file", "the input holds no text", 1);
        }
        return r.count;
    }

    /** A checked text, with its line, then to the sink. */
    public static void check(long line, String text, Limits limits) {
        if (text.length() > limits.maxTextChars() && text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            throw new BulkInputException(line, "text", "line " + line + ": the text has "
                    + text.codePointCount(0, text.length()) + " characters; at most " + limits.maxTextChars()
                    + " are allowed (tagger.api.max-text-chars)", limits.maxTextChars());
        }
        String problem = TextCheck.problem(text);
        if (problem != null) {
            throw new BulkInputException(line, "text", "line " + line + ": the text " + problem, null);
        }
    }

    private void add(long line, String id, String text) throws IOException {
        check(line, text, limits);
        if (++count > limits.maxTexts()) {
            throw new BulkInputException(line, "file", "the input holds more than " + limits.maxTexts()
                    + " texts (tagger.bulk.max-texts); split it into several jobs", limits.maxTexts());
        }
        sink.accept(new BulkInput(id, text));
    }

    private void jsonl(LineSource lines) throws IOException {
        String line;
        while ((line = lines.next()) != null) {
            if (line.isBlank()) {
                continue;
            }
            long n = lines.number;
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (JacksonException e) {
                // One line is parsed at a time, so the parser's line is always 1: only its column says where.
                String at = Json.where(e).replace(" at line 1 column ", " at column ");
                java.util.Optional<Json.LimitExceeded> limit = Json.limitExceeded(e);
                throw new BulkInputException(n, "file", "line " + n + limit.map(l -> " " + l.words())
                        .orElse(" is not valid JSON") + at, limit.map(Json.LimitExceeded::limit).orElse(null));
            }
            if (node == null || !node.isObject()) {
                throw new BulkInputException(n, "file", "line " + n + " must be a JSON object such as "
                        + "{\"id\": \"a1\", \"text\": \"...\"}", null);
            }
            JsonNode text = node.get("text");
            if (text == null || !text.isString()) {
                throw new BulkInputException(n, "text", "line " + n + " needs a string 'text'", null);
            }
            JsonNode id = node.get("id");
            String idValue = null;
            if (id != null && !id.isNull()) {
                if (!id.isString() && !id.isIntegralNumber()) {
                    throw new BulkInputException(n, "id", "line " + n + ": 'id' must be a string or an integer", null);
                }
                idValue = id.asString();
            }
            add(n, idValue, text.asString());
        }
    }

    private void txt(LineSource lines) throws IOException {
        String line;
        while ((line = lines.next()) != null) {
            if (!line.isBlank()) {
                add(lines.number, null, line);
            }
        }
    }

    private void csv(LineSource lines) throws IOException {
        List<String> header = record(lines);
        while (header != null && header.size() == 1 && header.get(0).isBlank()) {
            header = record(lines);
        }
        if (header == null) {
            throw new BulkInputException(0, "file", "the input holds no text", 1);
        }
        long headerLine = lines.number;
        int textAt = -1;
        int idAt = -1;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (name.equals("text") && textAt < 0) {
                textAt = i;
            } else if (name.equals("id") && idAt < 0) {
                idAt = i;
            }
        }
        if (textAt < 0) {
            throw new BulkInputException(headerLine, "file", "line " + headerLine + ": a header row naming a 'text' "
                    + "column (and optionally 'id') is required; found: " + String.join(",", header), null);
        }
        List<String> row;
        while (true) {
            long start = lines.number + 1;
            row = record(lines);
            if (row == null) {
                return;
            }
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw new BulkInputException(start, "file", "line " + start + ": expected " + header.size()
                        + " fields as in the header, found " + row.size(), header.size());
            }
            String id = idAt >= 0 && !row.get(idAt).isEmpty() ? row.get(idAt) : null;
            add(start, id, row.get(textAt));
        }
    }

    /** One RFC 4180 record (its fields), or null at the end; a quoted field may run over several lines. */
    private static List<String> record(LineSource lines) throws IOException {
        String line = lines.next();
        if (line == null) {
            return null;
        }
        long first = lines.number;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"' && field.isEmpty()) {
                // Quoted: up to a quote not doubled, across lines.
                i++;
                while (true) {
                    if (i >= line.length()) {
                        line = lines.next();
                        if (line == null) {
                            throw new BulkInputException(first, "file", "line " + first + ": a quoted field is not "
                                    + "closed before the end of the input", null);
                        }
                        field.append('\n');
                        i = 0;
                        continue;
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new BulkInputException(lines.number, "file", "line " + lines.number + ": only a comma may "
                            + "follow a closing quote", null);
                }
            } else {
                int comma = line.indexOf(',', i);
                String raw = comma < 0 ? line.substring(i) : line.substring(i, comma);
                if (raw.indexOf('"') >= 0) {
                    throw new BulkInputException(lines.number, "file", "line " + lines.number + ": a quote inside an "
                            + "unquoted field; quote the field and double the quote (\"\")", null);
                }
                field.append(raw);
                i = comma < 0 ? line.length() : comma;
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma
            if (i >= line.length()) {
                fields.add("");
                return fields;
            }
        }
    }

    /** Lines without their terminators (a trailing CR dropped, a BOM dropped from the first), counted. */
    private static final class LineSource {
        private final BufferedReader reader;
        long number;

        LineSource(BufferedReader reader) {
            this.reader = reader;
        }

        String next() throws IOException {
            String line = reader.readLine();
            if (line == null) {
                return null;
            }
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            return line;
        }
    }
}
