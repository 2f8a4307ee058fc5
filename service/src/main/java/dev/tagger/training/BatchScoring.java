package dev.tagger.training;

import dev.tagger.model.nn.Predictor;
import dev.tagger.text.TokenizedText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Probabilities of many texts from any predictor (the eager encoder, or the serving one at its precision), in
 * length-sorted batches: what a validation pass needs to see the probabilities the service will answer with.
 */
public final class BatchScoring {

    private BatchScoring() {
    }

    /** [texts][labels] in input order. */
    public static float[][] probabilities(Predictor predictor, List<String> texts, int batchSize) {
        List<TokenizedText> tokens = texts.stream().map(predictor.tokenizer()::tokenize).toList();
        List<Integer> order = new ArrayList<>(IntStream.range(0, tokens.size()).boxed().toList());
        order.sort(Comparator.comparingInt(i -> tokens.get(i).length()));
        float[][] out = new float[texts.size()][];
        for (int at = 0; at < order.size(); at += batchSize) {
            List<Integer> idx = order.subList(at, Math.min(order.size(), at + batchSize));
            float[][] p = predictor.probabilities(idx.stream().map(tokens::get).toList());
            for (int i = 0; i < idx.size(); i++) {
                out[idx.get(i)] = p[i];
            }
        }
        return out;
    }
}
