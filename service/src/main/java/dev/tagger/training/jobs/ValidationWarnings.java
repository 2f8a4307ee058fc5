package dev.tagger.training.jobs;

import dev.tagger.training.LabelledTexts;

import java.util.ArrayList;
import java.util.List;

/**
 * The job's warnings about its validation data. A job trains on any data it is given, but its scores, its tuned
 * thresholds and its deploy decision are only as good as its validation data: with a handful of texts, or a label
 * with a couple of positives, they are mostly noise, and nothing else in the job's answer says so.
 */
final class ValidationWarnings {

    /** Fewer validation texts than this make every figure of the job noisy. */
    static final int MIN_TEXTS = 50;
    /** A label with fewer validation positives than this has an F1 and a threshold that rest on a few texts. */
    static final int MIN_POSITIVES = 5;
    /** Labels named in the warning; more are counted. */
    private static final int NAMED = 10;

    private ValidationWarnings() {
    }

    /** From the validation data itself. */
    static List<String> of(LabelledTexts validation) {
        long[] positives = new long[validation.labels().size()];
        for (boolean[] row : validation.truth()) {
            for (int j = 0; j < positives.length; j++) {
                if (row[j]) {
                    positives[j]++;
                }
            }
        }
        return of(validation.size(), validation.labels(), positives);
    }

    /**
     * @param texts     validation texts
     * @param labels    the job's labels
     * @param positives validation positives of each label, in the order of {@code labels}; null when not known
     *                  (yet)
     */
    static List<String> of(long texts, List<String> labels, long[] positives) {
        List<String> out = new ArrayList<>();
        if (texts < MIN_TEXTS) {
            out.add("validation has " + texts + (texts == 1 ? " text" : " texts") + ", fewer than " + MIN_TEXTS
                    + ": the job's scores, its tuned thresholds and its deploy decision rest on too few texts to be "
                    + "trusted; send more examples or name a validation dataset");
        }
        if (positives != null) {
            List<String> few = new ArrayList<>();
            for (int j = 0; j < labels.size(); j++) {
                if (positives[j] < MIN_POSITIVES) {
                    few.add(labels.get(j) + " (" + positives[j] + ")");
                }
            }
            if (!few.isEmpty()) {
                String named = String.join(", ", few.subList(0, Math.min(NAMED, few.size())))
                        + (few.size() > NAMED ? " and " + (few.size() - NAMED) + " more" : "");
                out.add((few.size() == 1 ? "a label has" : few.size() + " labels have") + " fewer than "
                        + MIN_POSITIVES + " positives in validation: " + named + "; "
                        + (few.size() == 1 ? "its F1 and its threshold rest" : "their F1 and thresholds rest")
                        + " on too few examples to be trusted");
            }
        }
        return out;
    }
}
