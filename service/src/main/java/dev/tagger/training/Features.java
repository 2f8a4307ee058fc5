package dev.tagger.training;

import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Pooled encoder outputs of many texts, computed in length-sorted batches (little padding). With a
 * frozen encoder, a head trains on these for many epochs at the cost of one encoder pass.
 */
public final class Features {

    private Features() {
    }

    /**
     * @param maxBatchTokens padded tokens per batch (batch size x longest text)
     * @param progress       called with the number of texts done after each batch
     * @return [texts][hidden], in input order
     */
    public static float[][] extract(TaggerModel model, List<String> texts, int maxBatchTokens, IntConsumer progress) {
        List<TokenizedText> tokens = texts.stream().map(model.tokenizer()::tokenize).toList();
        Integer[] order = IntStream.range(0, tokens.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length()));
        int hidden = model.bundle().config().hiddenSize();
        float[][] out = new float[tokens.size()][];
        int done = 0;
        int at = 0;
        while (at < order.length) {
            List<Integer> batch = new ArrayList<>();
            while (at < order.length) {
                int len = tokens.get(order[at]).length();
                if (!batch.isEmpty() && (long) (batch.size() + 1) * len > maxBatchTokens) {
                    break;
                }
                batch.add(order[at++]);
            }
            try (NDManager m = model.newScratch()) {
                NDArray pooled = model.pooled(m, batch.stream().map(tokens::get).toList(), false);
                float[] flat = pooled.toFloatArray();
                for (int i = 0; i < batch.size(); i++) {
                    out[batch.get(i)] = java.util.Arrays.copyOfRange(flat, i * hidden, (i + 1) * hidden);
                }
            }
            done += batch.size();
            progress.accept(done);
        }
        return out;
    }

    /** The model's sigmoid probabilities for many texts, [texts][labels] in input order, without dropout. */
    public static float[][] probabilities(TaggerModel model, List<String> texts, int maxBatchTokens,
                                          IntConsumer progress) {
        return HeadTrainer.probabilities(extract(model, texts, maxBatchTokens, progress), model.head().exportWeights());
    }
}
