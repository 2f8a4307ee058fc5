package dev.tagger.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the token states of a text become one vector for the classifier. Each pooling is written twice, once for
 * the eager network ({@code nn.ClassificationHead}) and once in the serving module's TorchScript source
 * ({@code nn/bert_encoder.torchscript}); this enum is the one place that names them for both, and
 * {@code PoolingParityTest} holds the two to the same numbers for every value.
 */
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

    /** The name in bundles (config.json's {@code tagger.pooling}) and in the API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The placeholder that stands for this pooling in the TorchScript source, e.g. {@code ${POOLING_MEAN}}: the
     * script compares {@code ${POOLING}} with these names and never with a number.
     */
    public String scriptPlaceholder() {
        return "${POOLING_" + name() + "}";
    }

    /**
     * The number both {@code ${POOLING}} and {@link #scriptPlaceholder()} become when the source is compiled. It
     * only has to tell the values apart within one compiled module, so it is never stored.
     */
    public int scriptCode() {
        return ordinal();
    }

    /** Whether the pooling has weights of its own (the pooler's dense layer) besides the classifier's. */
    public boolean hasDenseLayer() {
        return this == POOLER;
    }
}
