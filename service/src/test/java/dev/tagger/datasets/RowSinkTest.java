package dev.tagger.datasets;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules every format shares, fed row by row as a reader would. */
class RowSinkTest {

    private final List<Example> accepted = new ArrayList<>();

    private RowSink sink(List<String> labels, DatasetLimits limits, int maxProblems) {
        return new RowSink(labels, limits, maxProblems, accepted::add);
    }

    @Test
    void acceptedRowsAreTrimmedCountedAndHandedOnAtOnce() {
        RowSink sink = sink(null, DatasetLimits.DEFAULTS, 10);
        assertThat(sink.countRow(1)).isTrue();
        sink.row(1, " keeps its spaces ", List.of(" b ", "a"), false);
        assertThat(accepted).containsExactly(Example.of(" keeps its spaces ", "b", "a"));
        assertThat(sink.countRow(2)).isTrue();
        sink.row(2, "none", List.of(), false);

        DatasetReport report = sink.finish(DatasetFormat.JSONL, accepted);
        assertThat(report.ok()).isTrue();
        assertThat(report.rowsRead()).isEqualTo(2);
        assertThat(report.labels()).containsExactly("a", "b");
        assertThat(report.stats().unlabeled()).isEqualTo(1);
        assertThat(report.stats().textLength().max()).isEqualTo(18);
    }

    @Test
    void aBadRowIsRejectedWithEveryProblemAndNotHandedOn() {
        RowSink sink = sink(List.of("a", "b"), DatasetLimits.DEFAULTS.withMaxTextChars(5), 10);
        sink.row(1, "too long", List.of("a", "a", "c", " "), false);
        sink.row(2, "fine", List.of("b"), true);
        sink.row(3, null, List.of("a"), false);

        DatasetReport report = sink.finish(DatasetFormat.CSV, accepted);
        assertThat(accepted).isEmpty();
        assertThat(report.rejectedRows()).isEqualTo(3);
        assertThat(report.problems()).extracting(DatasetProblem::message).containsExactly(
                "text has 8 characters, more than the limit of 5 (maxTextChars)",
                "label 'a' appears more than once in the row",
                "unknown label 'c': not in the given label list",
                "label is blank");
        assertThat(report.stats().labelCounts()).containsEntry("a", 0L).containsEntry("b", 0L);
    }

    @Test
    void aBadLabelListIsReportedBeforeAnyRow() {
        RowSink sink = sink(List.of("a", " a ", "", "c\u0001"), DatasetLimits.DEFAULTS, 10);
        assertThat(sink.stopped()).isFalse();
        assertThat(sink.givenLabels()).containsExactly("a");
        assertThat(sink.finish(DatasetFormat.TSV, accepted).problems()).containsExactly(
                new DatasetProblem(0, "labels", "label 'a' appears more than once in the label list"),
                new DatasetProblem(0, "labels", "label list entry 3 is blank"),
                new DatasetProblem(0, "labels", "label list entry 4 'c\u0001' contains a control character"));

        RowSink tooMany = sink(List.of("a", "b", "c"), DatasetLimits.DEFAULTS.withMaxLabels(2), 10);
        assertThat(tooMany.stopped()).isTrue();
        assertThat(tooMany.givenLabels()).isNull();
    }

    @Test
    void problemsPastTheCapAreCountedNotKeptAndAStopEndsTheParse() {
        RowSink sink = sink(null, DatasetLimits.DEFAULTS, 2);
        for (int i = 1; i <= 5; i++) {
            sink.reject(i, null, "bad " + i);
        }
        assertThat(sink.stopped()).isFalse();
        sink.stop(6, null, "enough");
        assertThat(sink.stopped()).isTrue();
        DatasetReport report = sink.finish(DatasetFormat.JSONL, accepted);
        assertThat(report.problemCount()).isEqualTo(6);
        assertThat(report.problems()).extracting(DatasetProblem::message).containsExactly("bad 1", "bad 2");
        assertThat(report.rejectedRows()).isEqualTo(5);
    }

    @Test
    void anInputWithNeitherRowsNorProblemsHasTheNoExamplesProblem() {
        assertThat(sink(null, DatasetLimits.DEFAULTS, 10).finish(DatasetFormat.CSV, accepted).problems())
                .containsExactly(new DatasetProblem(0, null, "no examples: the input has no data rows"));
    }
}
