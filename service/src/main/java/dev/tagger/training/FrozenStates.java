package dev.tagger.training;

import dev.tagger.model.Half;
import dev.tagger.model.nn.BertEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The output of an encoder's frozen lower part (embeddings and the first {@code layers} layers) for every training
 * text, computed once without dropout: the layers above train on it, so each step runs only the layers that learn.
 * Kept in fp16 (half the memory; the rounding is far below the noise dropout adds while training). Valid for any
 * model with the same lower part, so one computation serves a head warm-up and the fine-tuning after it.
 */
public final class FrozenStates {

    private final int hidden;
    private final int layers;
    /** Per text, [tokens * hidden] fp16 bits. */
    private final short[][] states;

    private FrozenStates(int hidden, int layers, short[][] states) {
        this.hidden = hidden;
        this.layers = layers;
        this.states = states;
    }

    /** Runs the embeddings and layers [0, layers) over the texts in length-sorted batches. */
    public static FrozenStates compute(TaggerModel model, List<TokenizedText> texts, int layers, int maxBatchTokens) {
        BertEncoder encoder = model.encoder();
        int h = encoder.config().hiddenSize();
        Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        short[][] out = new short[texts.size()][];
        int at = 0;
        while (at < order.length) {
            List<Integer> batch = new ArrayList<>();
            while (at < order.length) {
                int len = texts.get(order[at]).length();
                if (!batch.isEmpty() && (long) (batch.size() + 1) * len > maxBatchTokens) {
                    break;
                }
                batch.add(order[at++]);
            }
            List<TokenizedText> batchTexts = batch.stream().map(texts::get).toList();
            try (NDManager m = model.newScratch()) {
                TaggerModel.Inputs in = TaggerModel.inputs(m, batchTexts);
                NDArray x = encoder.forwardLayers(encoder.embed(in.ids(), in.typeIds(), false), in.maskIfPadded(),
                        0, layers, false);
                float[] flat = x.toFloatArray();
                int seq = Math.toIntExact(x.getShape().get(1));
                for (int i = 0; i < batch.size(); i++) {
                    int n = batchTexts.get(i).length() * h;
                    short[] s = new short[n];
                    int base = i * seq * h;
                    for (int k = 0; k < n; k++) {
                        s[k] = Half.fromFloat(flat[base + k]);
                    }
                    out[batch.get(i)] = s;
                }
            }
        }
        return new FrozenStates(h, layers, out);
    }

    /** How many layers the states have passed through; training runs the encoder from this layer up. */
    public int layers() {
        return layers;
    }

    public int size() {
        return states.length;
    }

    /**
     * The pooled text vectors [texts][hidden] after the model's remaining layers, without dropout: the features a
     * head trains on before the layers above the frozen part start to learn.
     */
    public float[][] pooled(TaggerModel model, List<TokenizedText> texts, int batchSize) {
        int top = model.encoder().config().numLayers();
        float[][] out = new float[states.length][];
        int[] order = IntStream.range(0, states.length).boxed()
                .sorted(Comparator.comparingInt(i -> states[i].length)).mapToInt(Integer::intValue).toArray();
        for (int at = 0; at < order.length; at += batchSize) {
            int[] rows = java.util.Arrays.copyOfRange(order, at, Math.min(order.length, at + batchSize));
            List<TokenizedText> batch = IntStream.of(rows).mapToObj(texts::get).toList();
            try (NDManager m = model.newScratch()) {
                NDArray mask = TaggerModel.inputs(m, batch).maskIfPadded();
                NDArray hiddenStates = model.encoder().forwardLayers(batch(m, rows), mask, layers, top, false);
                float[] flat = model.head().pool(hiddenStates, mask).toFloatArray();
                for (int i = 0; i < rows.length; i++) {
                    out[rows[i]] = java.util.Arrays.copyOfRange(flat, i * hidden, (i + 1) * hidden);
                }
            }
        }
        return out;
    }

    /** The states of the given texts, zero-padded to the longest: float32 [batch, seq, hidden] in {@code m}. */
    NDArray batch(NDManager m, int[] rows) {
        int seq = 0;
        for (int r : rows) {
            seq = Math.max(seq, states[r].length / hidden);
        }
        float[] flat = new float[rows.length * seq * hidden];
        for (int i = 0; i < rows.length; i++) {
            short[] s = states[rows[i]];
            int base = i * seq * hidden;
            for (int k = 0; k < s.length; k++) {
                flat[base + k] = Half.toFloat(s[k]);
            }
        }
        return m.create(flat, new Shape(rows.length, seq, hidden));
    }
}
