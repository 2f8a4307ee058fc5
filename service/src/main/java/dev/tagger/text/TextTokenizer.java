package dev.tagger.text;

import dev.tagger.engine.TorchEngine;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Word-piece tokenization from a {@code tokenizer.json}, loaded from bytes (never from a hub).
 * Truncation is done here rather than by the tokenizer so that "was this text cut?" is exact:
 * a longer text keeps its first {@code maxTokens - 1} tokens and its final [SEP].
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;

    public TextTokenizer(byte[] tokenizerJson, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
        }
        TorchEngine.goOffline();
        this.maxTokens = maxTokens;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    public TokenizedText tokenize(String text) {
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        long[] types = e.getTypeIds();
        if (ids.length <= maxTokens) {
            return new TokenizedText(ids, types, false);
        }
        long[] cutIds = Arrays.copyOf(ids, maxTokens);
        long[] cutTypes = Arrays.copyOf(types, maxTokens);
        cutIds[maxTokens - 1] = ids[ids.length - 1];
        cutTypes[maxTokens - 1] = types[types.length - 1];
        return new TokenizedText(cutIds, cutTypes, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
