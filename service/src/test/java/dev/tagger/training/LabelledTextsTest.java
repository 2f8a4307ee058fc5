package dev.tagger.training;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.Example;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelledTextsTest {

    @Test
    void examplesBecomeRowsOfTheLabelColumns() {
        LabelledTexts t = LabelledTexts.of(List.of(Example.of("one", "b"), Example.of("two"),
                Example.of("three", "c", "a")), List.of("a", "b", "c"));
        assertThat(t.texts()).containsExactly("one", "two", "three");
        assertThat(t.labels()).containsExactly("a", "b", "c");
        assertThat(t.truth()).isDeepEqualTo(new boolean[][] {
                {false, true, false}, {false, false, false}, {true, false, true}});
    }

    @Test
    void aLabelOutsideTheColumnsIsRefused() {
        assertThatThrownBy(() -> LabelledTexts.of(List.of(Example.of("x", "z")), List.of("a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'z'");
    }

    @Test
    void aParsedDatasetKeepsItsLabelListAsTheColumns() throws IOException {
        var report = new DatasetParser(DatasetFormat.TSV, List.of("x", "y"), DatasetLimits.DEFAULTS)
                .parse(new ByteArrayInputStream("hi\t1\tid\nho\t\tid\n".getBytes(StandardCharsets.UTF_8)));
        LabelledTexts t = LabelledTexts.of(report);
        assertThat(t.labels()).containsExactly("x", "y");
        assertThat(t.truth()).isDeepEqualTo(new boolean[][] {{false, true}, {false, false}});
    }
}
