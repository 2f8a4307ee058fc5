package dev.tagger.datasets;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each format's reader feeds the same {@link RowSink}: the same rows written in JSONL, CSV and TSV reach it as the
 * same examples, and a rule the sink owns gives the same problem whichever reader found the row.
 */
class FormatReadersTest {

    private static final List<String> LABELS = List.of("joy", "anger", "love");

    private static final String JSONL = """
            {"text": "I love it", "labels": ["joy", "love"]}
            {"text": "meh", "labels": []}
            {"text": "  grr  ", "labels": ["anger"]}
            """;
    private static final String CSV = "text,labels\nI love it,joy;love\nmeh,\n  grr  ,anger\n";
    private static final String TSV = "I love it\t0,2\tid1\nmeh\t\tid2\n  grr  \t1\tid3\n";

    /** What a reader handed to a fresh sink, and the sink's report. */
    private record Fed(List<Example> examples, DatasetReport report) {
    }

    private static Fed feed(DatasetFormat format, List<String> labels, String input) throws IOException {
        List<Example> received = new ArrayList<>();
        RowSink sink = new RowSink(labels, DatasetLimits.DEFAULTS, DatasetParser.DEFAULT_MAX_PROBLEMS, received::add);
        Utf8LineReader lines = new Utf8LineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                DatasetLimits.DEFAULTS.maxBytes(), DatasetLimits.DEFAULTS.maxLineBytes());
        format.reader().read(lines, sink);
        return new Fed(received, sink.finish(format, received));
    }

    @Test
    void theSameRowsInEveryFormatReachTheSinkAsTheSameExamples() throws IOException {
        List<Example> expected = List.of(Example.of("I love it", "joy", "love"), Example.of("meh"),
                Example.of("  grr  ", "anger"));
        for (Fed fed : List.of(feed(DatasetFormat.JSONL, LABELS, JSONL), feed(DatasetFormat.CSV, LABELS, CSV),
                feed(DatasetFormat.TSV, LABELS, TSV))) {
            assertThat(fed.examples()).isEqualTo(expected);
            assertThat(fed.report().ok()).isTrue();
            assertThat(fed.report().rowsRead()).isEqualTo(3);
            assertThat(fed.report().labels()).containsExactly("joy", "anger", "love");
            assertThat(fed.report().stats().labelCounts()).containsEntry("joy", 1L).containsEntry("anger", 1L)
                    .containsEntry("love", 1L);
            assertThat(fed.report().stats().unlabeled()).isEqualTo(1);
        }
    }

    @Test
    void aRuleOfTheSinkGivesTheSameProblemWhicheverReaderFoundTheRow() throws IOException {
        List<DatasetProblem> jsonl = feed(DatasetFormat.JSONL, LABELS,
                "{\"text\": \"ok\", \"labels\": []}\n{\"text\": \" \", \"labels\": [\"joy\"]}\n").report().problems();
        List<DatasetProblem> csv = feed(DatasetFormat.CSV, LABELS, "text,labels\nok,\n\" \",joy\n").report()
                .problems();
        List<DatasetProblem> tsv = feed(DatasetFormat.TSV, LABELS, "ok\t\tid1\n \t0\tid2\n").report().problems();
        DatasetProblem blank = new DatasetProblem(2, "text", "text is blank");
        assertThat(jsonl).containsExactly(blank);
        // the CSV header is line 1, so its second data row is on line 3
        assertThat(csv).containsExactly(new DatasetProblem(3, "text", "text is blank"));
        assertThat(tsv).containsExactly(blank);
    }

    @Test
    void whatOnlyTheFormatCanSeeIsReportedByItsReader() throws IOException {
        assertThat(feed(DatasetFormat.JSONL, null, "{\"text\": \"x\"}\n").report().problems()).containsExactly(
                new DatasetProblem(1, "labels", "missing \"labels\" (use [] for an example with no labels)"));
        assertThat(feed(DatasetFormat.CSV, null, "text\nx\n").report().problems()).containsExactly(
                new DatasetProblem(1, null, "a header row naming the columns 'text' and 'labels' is required; "
                        + "found: text"));
        assertThat(feed(DatasetFormat.TSV, LABELS, "x\t7\tid\n").report().problems()).containsExactly(
                new DatasetProblem(1, "labels", "label id 7 is out of range: the label list has 3 labels "
                        + "(ids 0 to 2)"));
    }

    @Test
    void aReaderStopsOnceTheSinkHasStopped() throws IOException {
        List<Example> received = new ArrayList<>();
        RowSink sink = new RowSink(null, DatasetLimits.DEFAULTS.withMaxRows(1), 10, received::add);
        Utf8LineReader lines = new Utf8LineReader(new ByteArrayInputStream(
                "a\t\t1\nb\t\t2\nc\t\t3\n".getBytes(StandardCharsets.UTF_8)), 1000, 1000);
        DatasetFormat.TSV.reader().read(lines, sink);
        assertThat(sink.stopped()).isTrue();
        assertThat(received).isEmpty();
        assertThat(sink.finish(DatasetFormat.TSV, received).problems()).extracting(DatasetProblem::field)
                .containsExactly("labels");

        RowSink limited = new RowSink(List.of("x"), DatasetLimits.DEFAULTS.withMaxRows(1), 10, received::add);
        DatasetFormat.TSV.reader().read(new Utf8LineReader(new ByteArrayInputStream(
                "a\t0\t1\nb\t0\t2\nc\t0\t3\n".getBytes(StandardCharsets.UTF_8)), 1000, 1000), limited);
        assertThat(received).containsExactly(Example.of("a", "x"));
        assertThat(limited.finish(DatasetFormat.TSV, received).problems()).extracting(DatasetProblem::message)
                .containsExactly("more than 1 rows, the limit (maxRows)");
    }

    @Test
    void everyFormatHasItsOwnReaderAndIsNamedInTheMessages() {
        assertThat(List.of(DatasetFormat.values())).extracting(DatasetFormat::reader).doesNotHaveDuplicates()
                .doesNotContainNull();
        for (DatasetFormat f : DatasetFormat.values()) {
            assertThat(DatasetFormat.fromName(f.names().get(0))).isEqualTo(f);
            assertThat(f.names().get(0)).isEqualTo(f.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
