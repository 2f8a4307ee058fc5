package dev.tagger.model;

import java.util.Arrays;
import java.util.Locale;

/** How the token states of a text become one vector for the classifier. */
public enum Pooling {
    /** The [CLS] token's state. */
    CLS,
    /** The mean of the real tokens' states (padding excluded), as sentence-transformers does. */
    MEAN,
    /**
     * Hugging Face BertForSequenceClassification's: tanh(dense([CLS] state)), with the tensors
     * {@code bert.pooler.dense.weight} [hidden, hidden] and {@code bert.pooler.dense.bias} [hidden].
     */
    POOLER;

    public static Pooling parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("unknown pooling '" + value + "'; supported: "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    /** The pooling's number in {@code bert_encoder.torchscript}. */
    public int ordinalInScript() {
        return switch (this) {
            case MEAN -> 0;
            case CLS -> 1;
            case POOLER -> 2;
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
