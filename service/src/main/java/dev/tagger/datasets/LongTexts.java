package dev.tagger.datasets;

import java.util.Locale;

/**
 * What an upload does with a text longer than {@code tagger.datasets.max-text-chars}: refuse the upload (the row is
 * a problem, as any other), or keep the row with its text cut to the limit and count it in the dataset's
 * {@code truncated_texts}.
 */
public enum LongTexts {
    REJECT, TRUNCATE;

    /** The upload option's value: {@code reject} or {@code truncate}, any case. */
    public static LongTexts parse(String value) {
        for (LongTexts l : values()) {
            if (l.name().equalsIgnoreCase(value.strip())) {
                return l;
            }
        }
        throw new IllegalArgumentException("long_texts must be 'reject' or 'truncate', got '" + value + "'");
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
