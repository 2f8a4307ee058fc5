package dev.tagger.datasets;

import static dev.tagger.datasets.DatasetTestSupport.parse;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class DatasetStatsTest {

    @Test
    void nearestRankPercentilesOnAHandComputedSet() {
        // sorted: 1 3 5 7 9; p50 rank ceil(2.5)=3 -> 5; p90 rank ceil(4.5)=5 -> 9; p99 rank ceil(4.95)=5 -> 9
        assertThat(TextLengthStats.of(5, 1, 9, 3, 7)).isEqualTo(new TextLengthStats(5, 9, 9, 9));
        // 1..10: p50 rank 5 -> 5; p90 rank 9 -> 9; p99 rank ceil(9.9)=10 -> 10
        assertThat(TextLengthStats.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1)).isEqualTo(new TextLengthStats(5, 9, 10, 10));
        int[] hundred = new int[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }
        assertThat(TextLengthStats.of(hundred)).isEqualTo(new TextLengthStats(50, 90, 99, 100));
        assertThat(TextLengthStats.of(4)).isEqualTo(new TextLengthStats(4, 4, 4, 4));
        assertThat(TextLengthStats.of()).isEqualTo(TextLengthStats.EMPTY);
    }

    @Test
    void percentilesUseOnlyTheFirstNEntriesAndDoNotModifyTheArray() {
        int[] lengths = {3, 1, 2, 1000, 1000};
        assertThat(TextLengthStats.of(lengths, 3)).isEqualTo(new TextLengthStats(2, 3, 3, 3));
        assertThat(lengths).containsExactly(3, 1, 2, 1000, 1000);
    }

    @Test
    void reportStatsFromParsedRows() {
        // text lengths 1, 4, 2, 8, 5 (the emoji counts as one character); rejected rows do not count
        DatasetReport report = parse(DatasetFormat.JSONL, null, """
                {"text": "a", "labels": ["pos"]}
                {"text": "abcd", "labels": ["neg", "pos"]}
                {"text": "😀b", "labels": []}
                {"text": "abcdefgh", "labels": ["pos"]}
                {"text": "", "labels": ["ignored"]}
                {"text": "abcde", "labels": []}
                """);
        DatasetStats stats = report.stats();
        assertThat(stats.rows()).isEqualTo(5);
        assertThat(stats.labelCount()).isEqualTo(2);
        assertThat(stats.labels()).containsExactly("neg", "pos");
        assertThat(stats.labelCounts()).containsExactly(entry("neg", 1L), entry("pos", 3L));
        assertThat(stats.unlabeled()).isEqualTo(2);
        // sorted 1 2 4 5 8: p50 rank 3 -> 4; p90 rank 5 -> 8; p99 -> 8
        assertThat(stats.textLength()).isEqualTo(new TextLengthStats(4, 8, 8, 8));
        assertThat(report.problemCount()).isEqualTo(1);
    }

    @Test
    void derivedLabelsAreAlphabeticalWhateverTheRowOrder() {
        DatasetReport forward = parse(DatasetFormat.CSV, null, "text,labels\nx,zeta\ny,alpha;Mid\nz,mid\n");
        DatasetReport backward = parse(DatasetFormat.CSV, null, "text,labels\nz,mid\ny,alpha;Mid\nx,zeta\n");
        assertThat(forward.labels()).containsExactly("Mid", "alpha", "mid", "zeta");
        assertThat(backward.labels()).isEqualTo(forward.labels());
    }

    @Test
    void exampleIsImmutableAndNullSafe() {
        List<String> labels = new ArrayList<>(List.of("a"));
        Example example = new Example("t", labels);
        labels.add("b");
        assertThat(example.labels()).containsExactly("a");
        assertThatThrownBy(() -> example.labels().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Example(null, List.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Example("t", null)).isInstanceOf(NullPointerException.class);
        assertThat(Example.of("t").labels()).isEmpty();
    }

    @Test
    void problemToStringNamesLineAndField() {
        assertThat(new DatasetProblem(3, "text", "text is blank")).hasToString("line 3 [text]: text is blank");
        assertThat(new DatasetProblem(0, null, "too big")).hasToString("input: too big");
    }
}
