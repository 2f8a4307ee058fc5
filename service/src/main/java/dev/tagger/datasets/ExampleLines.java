package dev.tagger.datasets;

import dev.tagger.io.Json;

import tools.jackson.core.JacksonException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * How a repository keeps a dataset's examples, whatever format they were uploaded in: one compact JSON object a
 * line, {@code {"text":"...","labels":["..."]}}, UTF-8. One codec, so every repository stores the same bytes.
 */
public final class ExampleLines {

    private ExampleLines() {
    }

    /** Writes one example and its line break. */
    public static void write(Writer out, Example example) throws IOException {
        out.write(Json.MAPPER.writeValueAsString(example));
        out.write('\n');
    }

    /**
     * Reads every example; empty lines are skipped.
     *
     * @param source names the data in the error message when a line cannot be read
     */
    public static List<Example> read(BufferedReader in, String source) throws IOException {
        List<Example> out = new ArrayList<>();
        String line;
        long number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(Json.MAPPER.readValue(line, Example.class));
            } catch (JacksonException e) {
                throw new IOException("corrupt " + source + " at line " + number + ": " + e.getOriginalMessage(), e);
            }
        }
        return out;
    }
}
