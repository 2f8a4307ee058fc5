package dev.tagger.datasets;

import dev.tagger.io.Json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link DatasetFormat#JSONL}: one JSON object a line, {@code {"text": "...", "labels": ["a", "b"]}}. */
final class JsonlReader implements FormatReader {

    /** Strict: a key given twice or anything after the object is an error, not silently dropped. */
    private static final ObjectReader JSON = Json.MAPPER.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public void read(Utf8LineReader lines, RowSink sink) throws IOException {
        Utf8LineReader.Line line;
        while ((line = sink.nextRow(lines)) != null) {
            long n = line.number();
            JsonNode node;
            try {
                node = JSON.readTree(line.text());
            } catch (JacksonException e) {
                sink.reject(n, null, "not valid JSON: " + jsonMessage(e));
                continue;
            }
            if (node == null || !node.isObject()) {
                sink.reject(n, null, "expected a JSON object {\"text\": ..., \"labels\": [...]}, found " + kind(node));
                continue;
            }
            boolean bad = false;
            String text = null;
            JsonNode textNode = node.get("text");
            if (textNode == null) {
                bad = sink.problem(n, "text", "missing \"text\"");
            } else if (!textNode.isString()) {
                bad = sink.problem(n, "text", "\"text\" must be a string, found " + kind(textNode));
            } else {
                text = textNode.stringValue();
            }
            List<String> labels = new ArrayList<>();
            JsonNode labelsNode = node.get("labels");
            if (labelsNode == null) {
                bad = sink.problem(n, "labels", "missing \"labels\" (use [] for an example with no labels)");
            } else if (!labelsNode.isArray()) {
                bad = sink.problem(n, "labels", "\"labels\" must be an array of strings, found " + kind(labelsNode));
            } else {
                for (int i = 0; i < labelsNode.size(); i++) {
                    JsonNode label = labelsNode.get(i);
                    if (!label.isString()) {
                        bad = sink.problem(n, "labels", "labels[" + i + "] must be a string, found " + kind(label));
                    } else {
                        labels.add(label.stringValue());
                    }
                }
            }
            sink.row(n, text, labels, bad);
        }
    }

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * What is wrong with the line, by column and kind, not in the parser's words (they quote the input and name
     * the parser's settings).
     */
    private static String jsonMessage(JacksonException e) {
        String at = e.getLocation() != null && e.getLocation().getColumnNr() > 0
                ? " at column " + e.getLocation().getColumnNr() : "";
        java.util.Optional<Json.LimitExceeded> limit = Json.limitExceeded(e);
        if (limit.isPresent()) {
            return "the line " + limit.get().words() + at;
        }
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Duplicate")) {
            return "a field is given twice" + at;
        }
        if (m.startsWith("Trailing token")) {
            return "more than one JSON value on the line" + at;
        }
        return "a syntax error" + at;
    }
}
