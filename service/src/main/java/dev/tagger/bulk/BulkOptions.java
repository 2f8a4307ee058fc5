package dev.tagger.bulk;

import dev.tagger.model.LongText;
import dev.tagger.serving.Classifier;

/**
 * The /classify options of a bulk job, as stored with it (long_text and aggregation as their keys, null: the
 * model's default).
 */
public record BulkOptions(Float threshold, Integer topK, boolean allScores, String longText, String aggregation,
                          Integer window, Integer stride) {

    /** The classifier's options for these, with at most {@code maxWindows} windows per chunked text. */
    public Classifier.Options toOptions(int maxWindows) {
        return new Classifier.Options(threshold, topK, allScores, longText == null ? null : LongText.Mode.parse(longText),
                aggregation == null ? null : LongText.Aggregation.parse(aggregation), window, stride, maxWindows);
    }
}
