package dev.tagger.bench;

import dev.tagger.datasets.Example;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The long-text documents: consecutive runs of texts, joined, labelled with the union of their labels. */
class LongTextBenchTest {

    @Test
    void documentsJoinConsecutiveRunsAndUniteTheirLabels() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            examples.add(new Example("t" + i, i % 7 == 0 ? List.of("joy") : i % 5 == 0 ? List.of("anger", "joy")
                    : List.of()));
        }
        List<Example> docs = LongTextBench.documents(examples, 3, 5, 1);

        int used = 0;
        for (Example d : docs) {
            String[] parts = d.text().split(" ");
            assertThat(parts.length).isBetween(3, 5);
            List<String> union = new ArrayList<>();
            for (int k = 0; k < parts.length; k++) {
                assertThat(parts[k]).isEqualTo("t" + (used + k));
                examples.get(used + k).labels().stream().filter(l -> !union.contains(l)).forEach(union::add);
            }
            assertThat(d.labels()).containsExactlyInAnyOrderElementsOf(union);
            used += parts.length;
        }
        assertThat(50 - used).as("only a tail too short for a document is left").isLessThan(5);
        assertThat(LongTextBench.documents(examples, 3, 5, 1)).isEqualTo(docs);
    }
}
