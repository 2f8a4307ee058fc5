package dev.tagger.model.nn;

import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import java.util.List;

/**
 * A model loaded on one device that scores tokenized texts: the Tagger BERT ({@code TaggerModel}) or a TorchScript
 * module ({@code TorchScriptModel}). The predictor pool runs either the same way. Thread-safe for inference.
 */
public interface Predictor extends AutoCloseable {

    /** Sigmoid probabilities [batch][labels], one independent probability per label. */
    float[][] probabilities(List<TokenizedText> texts);

    TextTokenizer tokenizer();

    /** How the encoder computes: "int8" or "fp32" for our BERT, "module" for a TorchScript module (its own). */
    String precision();

    @Override
    void close();
}
