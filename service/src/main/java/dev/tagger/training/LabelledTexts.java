package dev.tagger.training;

import dev.tagger.datasets.DatasetReport;
import dev.tagger.datasets.Example;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Texts with their true label sets as a dense matrix, the shape training and evaluation consume.
 *
 * @param texts  the texts
 * @param truth  [texts][labels]: whether each label applies
 * @param labels label names, the columns of {@code truth}
 */
public record LabelledTexts(List<String> texts, boolean[][] truth, List<String> labels) {

    /**
     * The examples as columns of {@code labels}, in their order.
     *
     * @throws IllegalStateException when an example has a label that is not in {@code labels}
     */
    public static LabelledTexts of(List<Example> examples, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < labels.size(); j++) {
            index.put(labels.get(j), j);
        }
        boolean[][] truth = new boolean[examples.size()][labels.size()];
        for (int i = 0; i < examples.size(); i++) {
            for (String l : examples.get(i).labels()) {
                Integer j = index.get(l);
                if (j == null) {
                    throw new IllegalStateException("label '" + l + "' of the data is not one of the labels " + labels);
                }
                truth[i][j] = true;
            }
        }
        return new LabelledTexts(examples.stream().map(Example::text).toList(), truth, List.copyOf(labels));
    }

    /** A parsed dataset's examples over its label list (e.g. {@code DatasetFiles.readGoEmotions}'s). */
    public static LabelledTexts of(DatasetReport dataset) {
        return of(dataset.examples(), dataset.labels());
    }

    public int size() {
        return texts.size();
    }

    /** The rows at the given indices. */
    public LabelledTexts subset(int[] rows) {
        List<String> t = new ArrayList<>(rows.length);
        boolean[][] y = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            t.add(texts.get(rows[i]));
            y[i] = truth[rows[i]];
        }
        return new LabelledTexts(t, y, labels);
    }
}
