package dev.tagger.datasets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Statistics of the accepted examples of a dataset.
 *
 * @param rows        accepted examples
 * @param labels      the label list: the given one in its order, or else the labels seen, sorted alphabetically
 *                    ({@link String#compareTo}) so that the order does not depend on the order of the rows
 * @param labelCounts examples carrying each label, in the order of {@code labels} (zero for unused given labels)
 * @param unlabeled   examples with no label
 * @param textLength  text length percentiles
 */
public record DatasetStats(long rows, List<String> labels, Map<String, Long> labelCounts, long unlabeled,
                           TextLengthStats textLength) {

    public DatasetStats {
        labels = List.copyOf(labels);
        labelCounts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(labelCounts)));
        Objects.requireNonNull(textLength, "textLength");
    }

    public int labelCount() {
        return labels.size();
    }
}
