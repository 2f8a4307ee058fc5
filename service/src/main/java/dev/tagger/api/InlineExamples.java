package dev.tagger.api;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetReport;
import dev.tagger.datasets.Example;
import dev.tagger.io.Json;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code training_data.examples} of POST /train-jobs, validated exactly as the rows of an uploaded JSONL dataset
 * are (same rules, same limits); every problem names its example, e.g. {@code training_data.examples[3].labels}.
 * The rules are the dataset parser's, and it reads bytes, so the examples pass through it as JSONL; the job gets
 * them as {@link Example}s.
 */
final class InlineExamples {

    private InlineExamples() {
    }

    /**
     * @param labels the job's label list, or null when the data's labels are to be used
     * @throws ApiException (422) naming the first example at fault, with every problem under {@code errors}
     */
    static List<Example> validate(JsonNode examples, List<String> labels, DatasetLimits limits, int maxExamples) {
        if (examples == null || !examples.isArray() || examples.isEmpty()) {
            throw ApiException.invalid("training_data.examples", "'examples' must be a non-empty array of "
                    + "{\"text\": \"...\", \"labels\": [\"...\"]}");
        }
        if (examples.size() > maxExamples) {
            throw ApiException.invalid("training_data.examples", "'examples' holds " + examples.size()
                    + " examples; at most " + maxExamples + " can be sent with a job: upload a dataset"
                    + " (POST /datasets) for more", maxExamples);
        }
        ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
        for (JsonNode e : examples) {
            jsonl.writeBytes(Json.MAPPER.writeValueAsBytes(e));
            jsonl.write('\n');
        }
        DatasetReport report;
        try {
            report = new DatasetParser(DatasetFormat.JSONL, labels, limits)
                    .parse(new ByteArrayInputStream(jsonl.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!report.ok()) {
            List<Map<String, Object>> errors = new ArrayList<>();
            for (DatasetProblem p : report.problems()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("field", field(p));
                e.put("message", p.message());
                errors.add(e);
            }
            DatasetProblem first = report.problems().get(0);
            throw ApiException.invalid(field(first), "the examples have " + report.problemCount()
                    + " problem(s); first: " + first.message())
                    .with("errors", errors).with("error_count", report.problemCount());
        }
        return report.examples();
    }

    private static String field(DatasetProblem p) {
        String at = p.line() > 0 ? "training_data.examples[" + (p.line() - 1) + "]" : "training_data.examples";
        return p.field() != null ? at + "." + p.field() : at;
    }
}
