package dev.tagger.model.nn;

import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.WeightSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face {@code BertModel} (without pooler) written on DJL NDArray ops.
 *
 * <p>Embeddings (word + position + token type, LayerNorm), then N post-LayerNorm transformer layers
 * with exact GELU and an additive attention mask. For speed the query, key and value projections are
 * fused into one [3 * hidden, hidden] matrix at load time (one projection per layer instead of three);
 * {@link #exportWeights()} splits it again, bit for bit.
 */
public final class BertEncoder implements AutoCloseable {

    /** Large negative added to the scores of padding positions (torch.finfo(float32).min, as HF does). */
    private static final float MASKED = -3.4028235e38f;

    private final BertConfig config;
    private final NDManager manager;
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray typeEmbeddings;
    private final NDArray embNormWeight;
    private final NDArray embNormBias;
    private final Layer[] layers;
    /** 1/sqrt(head size) as a 0-d tensor, so scaling the queries does not create a scalar per call. */
    private final NDArray queryScale;

    private record Layer(NDArray qkvWeight, NDArray qkvBias, NDArray outWeight, NDArray outBias,
                         NDArray attnNormWeight, NDArray attnNormBias,
                         NDArray ffInWeight, NDArray ffInBias, NDArray ffOutWeight, NDArray ffOutBias,
                         NDArray ffNormWeight, NDArray ffNormBias) {
        List<NDArray> all() {
            return List.of(qkvWeight, qkvBias, outWeight, outBias, attnNormWeight, attnNormBias,
                    ffInWeight, ffInBias, ffOutWeight, ffOutBias, ffNormWeight, ffNormBias);
        }
    }

    private BertEncoder(BertConfig config, NDManager manager, WeightSet w) {
        this.config = config;
        this.manager = manager;
        int h = config.hiddenSize();
        int ff = config.intermediateSize();
        wordEmbeddings = load(w.require("embeddings.word_embeddings.weight", config.vocabSize(), h));
        positionEmbeddings = load(w.require("embeddings.position_embeddings.weight", config.maxPositions(), h));
        typeEmbeddings = load(w.require("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h));
        embNormWeight = load(w.require("embeddings.LayerNorm.weight", h));
        embNormBias = load(w.require("embeddings.LayerNorm.bias", h));
        queryScale = manager.create((float) (1.0 / Math.sqrt(config.headSize())));
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "encoder.layer." + i + ".";
            HostTensor qw = w.require(p + "attention.self.query.weight", h, h);
            HostTensor qb = w.require(p + "attention.self.query.bias", h);
            HostTensor kw = w.require(p + "attention.self.key.weight", h, h);
            HostTensor kb = w.require(p + "attention.self.key.bias", h);
            HostTensor vw = w.require(p + "attention.self.value.weight", h, h);
            HostTensor vb = w.require(p + "attention.self.value.bias", h);
            layers[i] = new Layer(
                    load(concat(new long[] {3L * h, h}, qw.data(), kw.data(), vw.data())),
                    load(concat(new long[] {3L * h}, qb.data(), kb.data(), vb.data())),
                    load(w.require(p + "attention.output.dense.weight", h, h)),
                    load(w.require(p + "attention.output.dense.bias", h)),
                    load(w.require(p + "attention.output.LayerNorm.weight", h)),
                    load(w.require(p + "attention.output.LayerNorm.bias", h)),
                    load(w.require(p + "intermediate.dense.weight", ff, h)),
                    load(w.require(p + "intermediate.dense.bias", ff)),
                    load(w.require(p + "output.dense.weight", h, ff)),
                    load(w.require(p + "output.dense.bias", h)),
                    load(w.require(p + "output.LayerNorm.weight", h)),
                    load(w.require(p + "output.LayerNorm.bias", h)));
        }
    }

    /** Builds the encoder from Hugging Face-named weights (with or without the "bert." prefix). */
    public static BertEncoder create(BertConfig config, WeightSet weights, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new BertEncoder(config, m, weights);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public BertConfig config() {
        return config;
    }

    /**
     * Runs the encoder.
     *
     * @param inputIds      int64 [batch, seq]
     * @param attentionMask int64 [batch, seq], 1 for real tokens and 0 for padding; {@code null} when
     *                      the batch has no padding (every text of the same length), which skips the
     *                      mask arithmetic entirely: the common case for one text, or for a batch cut
     *                      from texts of equal length
     * @param typeIds       int64 [batch, seq]
     * @param training      applies dropout when true
     * @return last_hidden_state, float32 [batch, seq, hidden]
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray typeIds, boolean training) {
        return forwardLayers(embed(inputIds, typeIds, training), attentionMask, 0, layers.length, training);
    }

    /**
     * The embeddings' output: word + position + token type, LayerNorm, dropout when training.
     *
     * @return float32 [batch, seq, hidden]
     */
    public NDArray embed(NDArray inputIds, NDArray typeIds, boolean training) {
        long seq = inputIds.getShape().get(1);
        if (seq > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + seq + " tokens exceeds " + config.maxPositions());
        }
        // The slice of the position table is a new array: give it to the caller's manager, or it would
        // stay in the weights' manager for the model's lifetime (one leak per forward pass).
        NDArray positions = positionEmbeddings.get(new NDIndex(":{}", seq));
        positions.attach(inputIds.getManager());
        NDArray x = Embedding.embedding(inputIds, wordEmbeddings, SparseFormat.DENSE).singletonOrThrow()
                .add(positions)
                .add(Embedding.embedding(typeIds, typeEmbeddings, SparseFormat.DENSE).singletonOrThrow());
        x = LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), embNormWeight, embNormBias, config.layerNormEps())
                .singletonOrThrow();
        return dropout(x, config.hiddenDropout(), training);
    }

    /**
     * Runs transformer layers {@code from} (inclusive) to {@code to} (exclusive) on hidden states: with a frozen
     * lower part, a trainer computes that part's output once and runs only the layers it trains.
     *
     * @param states        float32 [batch, seq, hidden], the embeddings' or layer {@code from - 1}'s output
     * @param attentionMask as for {@link #forward}
     * @return the hidden states after layer {@code to - 1}, float32 [batch, seq, hidden]
     */
    public NDArray forwardLayers(NDArray states, NDArray attentionMask, int from, int to, boolean training) {
        if (from < 0 || to > layers.length || from > to) {
            throw new IllegalArgumentException("layers " + from + " to " + to + " of " + layers.length);
        }
        long batch = states.getShape().get(0);
        long seq = states.getShape().get(1);
        int h = config.hiddenSize();
        Shape hidden = new Shape(h);
        float eps = config.layerNormEps();

        // Additive mask, built once per batch: 0 for tokens, MASKED for padding; [batch, 1, 1, seq].
        NDArray maskAdd = attentionMask == null ? null
                : attentionMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).reshape(batch, 1, 1, seq);

        int heads = config.numHeads();
        int dh = config.headSize();
        // Token states are kept as a [batch * seq, hidden] matrix between attention blocks, so each
        // Linear is a single addmm (a 3-D input would run as matmul + a separate bias add).
        NDArray x = states.reshape(batch * seq, h);
        for (int i = from; i < to; i++) {
            Layer layer = layers[i];
            NDArray qkv = Linear.linear(x, layer.qkvWeight, layer.qkvBias).singletonOrThrow()
                    .reshape(batch, seq, 3, heads, dh);
            NDArray q = qkv.get(":, :, 0").transpose(0, 2, 1, 3).mul(queryScale); // [b, heads, seq, dh]
            NDArray kT = qkv.get(":, :, 1").transpose(0, 2, 3, 1);  // [b, heads, dh, seq]
            NDArray v = qkv.get(":, :, 2").transpose(0, 2, 1, 3);   // [b, heads, seq, dh]
            NDArray scores = q.matMul(kT);
            NDArray probs = (maskAdd == null ? scores : scores.add(maskAdd)).softmax(-1);
            probs = dropout(probs, config.attentionDropout(), training);
            NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch * seq, h);
            NDArray attn = Linear.linear(context, layer.outWeight, layer.outBias).singletonOrThrow();
            attn = dropout(attn, config.hiddenDropout(), training);
            x = LayerNorm.layerNorm(attn.add(x), hidden, layer.attnNormWeight, layer.attnNormBias, eps)
                    .singletonOrThrow();
            NDArray ff = Activation.gelu(Linear.linear(x, layer.ffInWeight, layer.ffInBias).singletonOrThrow());
            ff = Linear.linear(ff, layer.ffOutWeight, layer.ffOutBias).singletonOrThrow();
            ff = dropout(ff, config.hiddenDropout(), training);
            x = LayerNorm.layerNorm(ff.add(x), hidden, layer.ffNormWeight, layer.ffNormBias, eps)
                    .singletonOrThrow();
        }
        return x.reshape(batch, seq, h);
    }

    private static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        return Dropout.dropout(x, rate, true).singletonOrThrow();
    }

    /** The parameters of the embeddings (index 0) and of each layer (index 1 + layer), for training. */
    public List<List<NDArray>> parameterGroups() {
        List<List<NDArray>> groups = new ArrayList<>();
        groups.add(List.of(wordEmbeddings, positionEmbeddings, typeEmbeddings, embNormWeight, embNormBias));
        for (Layer layer : layers) {
            groups.add(layer.all());
        }
        return groups;
    }

    /** The current weights under Hugging Face names (no prefix), in torch layout. */
    public Map<String, HostTensor> exportWeights() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put("embeddings.word_embeddings.weight", host(wordEmbeddings));
        out.put("embeddings.position_embeddings.weight", host(positionEmbeddings));
        out.put("embeddings.token_type_embeddings.weight", host(typeEmbeddings));
        out.put("embeddings.LayerNorm.weight", host(embNormWeight));
        out.put("embeddings.LayerNorm.bias", host(embNormBias));
        int h = config.hiddenSize();
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            String p = "encoder.layer." + i + ".";
            float[] qkvW = l.qkvWeight.toFloatArray();
            float[] qkvB = l.qkvBias.toFloatArray();
            int mat = h * h;
            out.put(p + "attention.self.query.weight", new HostTensor(new long[] {h, h}, slice(qkvW, 0, mat)));
            out.put(p + "attention.self.query.bias", new HostTensor(new long[] {h}, slice(qkvB, 0, h)));
            out.put(p + "attention.self.key.weight", new HostTensor(new long[] {h, h}, slice(qkvW, mat, mat)));
            out.put(p + "attention.self.key.bias", new HostTensor(new long[] {h}, slice(qkvB, h, h)));
            out.put(p + "attention.self.value.weight", new HostTensor(new long[] {h, h}, slice(qkvW, 2 * mat, mat)));
            out.put(p + "attention.self.value.bias", new HostTensor(new long[] {h}, slice(qkvB, 2 * h, h)));
            out.put(p + "attention.output.dense.weight", host(l.outWeight));
            out.put(p + "attention.output.dense.bias", host(l.outBias));
            out.put(p + "attention.output.LayerNorm.weight", host(l.attnNormWeight));
            out.put(p + "attention.output.LayerNorm.bias", host(l.attnNormBias));
            out.put(p + "intermediate.dense.weight", host(l.ffInWeight));
            out.put(p + "intermediate.dense.bias", host(l.ffInBias));
            out.put(p + "output.dense.weight", host(l.ffOutWeight));
            out.put(p + "output.dense.bias", host(l.ffOutBias));
            out.put(p + "output.LayerNorm.weight", host(l.ffNormWeight));
            out.put(p + "output.LayerNorm.bias", host(l.ffNormBias));
        }
        return out;
    }

    static HostTensor host(NDArray a) {
        return new HostTensor(a.getShape().getShape(), a.toFloatArray());
    }

    private NDArray load(HostTensor t) {
        return manager.create(FloatBuffer.wrap(t.data()), new Shape(t.shape()));
    }

    private static HostTensor concat(long[] shape, float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return new HostTensor(shape, out);
    }

    private static float[] slice(float[] a, int from, int len) {
        float[] out = new float[len];
        System.arraycopy(a, from, out, 0, len);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
