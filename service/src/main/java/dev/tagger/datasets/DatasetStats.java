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
 * @param textLength  text length percentiles (after truncation)
 * @param truncatedTexts texts cut to {@code max-text-chars} ({@link LongTexts#TRUNCATE}); 0 otherwise
 */
public record DatasetStats(long rows, List<String> labels, Map<String, Long> labelCounts, long unlabeled,
                           TextLengthStats textLength, Long truncatedTexts) {

    /** Stats of an upload that cut no text (every upload before {@link LongTexts#TRUNCATE}). */
    public DatasetStats(long rows, List<String> labels, Map<String, Long> labelCounts, long unlabeled,
                        TextLengthStats textLength) {
        this(rows, labels, labelCounts, unlabeled, textLength, 0L);
    }

    public DatasetStats {
        labels = List.copyOf(labels);
        labelCounts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(labelCounts)));
        Objects.requireNonNull(textLength, "textLength");
        // boxed so that metadata written before the field existed reads as 0 rather than failing
        truncatedTexts = truncatedTexts == null ? 0L : truncatedTexts;
    }

    public int labelCount() {
        return labels.size();
    }
}
