package dev.tagger.datasets;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The upload formats, each with the names, file endings and media types that select it and the
 * {@link FormatReader} that reads it. A new format is a new constant here and its reader.
 * <ul>
 *   <li>{@link #JSONL}: one JSON object a line, {@code {"text": "...", "labels": ["a", "b"]}}</li>
 *   <li>{@link #CSV}: RFC 4180, a header row naming the columns {@code text} and {@code labels}; the labels cell
 *       holds label names separated by {@code ;}, {@code |} or {@code ,}</li>
 *   <li>{@link #TSV}: GoEmotions layout, no header, {@code text<TAB>comma-separated label ids<TAB>id}; the ids
 *       index a label list that must be given</li>
 * </ul>
 */
public enum DatasetFormat {
    JSONL(new JsonlReader(), List.of("jsonl", "ndjson", "jsonlines"), List.of(".jsonl", ".ndjson", ".jsonlines"),
            List.of("application/jsonl", "application/x-jsonl", "application/jsonlines", "application/x-jsonlines",
                    "application/ndjson", "application/x-ndjson", "application/json-lines")),
    CSV(new CsvReader(), List.of("csv"), List.of(".csv"),
            List.of("text/csv", "application/csv", "text/x-csv", "application/x-csv")),
    TSV(new TsvReader(), List.of("tsv"), List.of(".tsv", ".tab"),
            List.of("text/tab-separated-values", "text/tsv", "text/x-tsv"));

    private final FormatReader reader;
    private final List<String> names;
    private final List<String> extensions;
    private final List<String> contentTypes;

    DatasetFormat(FormatReader reader, List<String> names, List<String> extensions, List<String> contentTypes) {
        this.reader = reader;
        this.names = names;
        this.extensions = extensions;
        this.contentTypes = contentTypes;
    }

    FormatReader reader() {
        return reader;
    }

    /** Names accepted by {@link #fromName}, lower case; the first is the one the API shows. */
    public List<String> names() {
        return names;
    }

    /** File name endings recognised for this format, lower case with the dot. */
    public List<String> extensions() {
        return extensions;
    }

    /** Media types recognised for this format, lower case without parameters. */
    public List<String> contentTypes() {
        return contentTypes;
    }

    /**
     * The format named by an explicit override: one of its {@link #names()} (e.g. {@code jsonl}, {@code ndjson},
     * {@code csv}, {@code tsv}), in any case, with or without a leading dot.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static DatasetFormat fromName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith(".")) {
            n = n.substring(1);
        }
        for (DatasetFormat f : values()) {
            if (f.names.contains(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown dataset format '" + name + "'; expected " + choices());
    }

    /** The formats' first names for messages: {@code jsonl, csv or tsv}. */
    private static String choices() {
        DatasetFormat[] all = values();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            sb.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].names.get(0));
        }
        return sb.toString();
    }

    /** The format a file name's ending suggests (any directories in it are ignored), if any. */
    public static Optional<DatasetFormat> fromFilename(String filename) {
        if (filename == null) {
            return Optional.empty();
        }
        String base = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
                .strip().toLowerCase(Locale.ROOT);
        for (DatasetFormat f : values()) {
            for (String ext : f.extensions) {
                if (base.length() > ext.length() && base.endsWith(ext)) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The format a media type names, if any; parameters such as {@code ;charset=utf-8} are ignored. Generic types
     * ({@code text/plain}, {@code application/octet-stream}, {@code application/json}) name none.
     */
    public static Optional<DatasetFormat> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
                .strip().toLowerCase(Locale.ROOT);
        for (DatasetFormat f : values()) {
            if (f.contentTypes.contains(type)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Decides the format of an upload: the explicit override when given (not blank), else the file name's ending,
     * else the content type.
     *
     * @param override    an explicit format name for {@link #fromName}, or {@code null}/blank
     * @param filename    the uploaded file's name, or {@code null}
     * @param contentType the upload's media type, or {@code null}
     * @throws IllegalArgumentException when the override is not a format, or nothing tells the format
     */
    public static DatasetFormat resolve(String override, String filename, String contentType) {
        if (override != null && !override.isBlank()) {
            return fromName(override);
        }
        return fromFilename(filename)
                .or(() -> fromContentType(contentType))
                .orElseThrow(() -> new IllegalArgumentException("cannot tell the dataset format from "
                        + (filename == null ? "an upload without a file name" : "file name '" + filename + "'")
                        + (contentType == null ? " and no content type" : " and content type '" + contentType + "'")
                        + "; name it explicitly (" + choices() + ")"));
    }
}
