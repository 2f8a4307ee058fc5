package dev.tagger.model.nn;

import dev.tagger.model.HostTensor;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-label head: pooling, optional L2 normalisation, dropout (training only) and
 * Linear(hidden, labels). Probabilities are the sigmoid of each logit, independently per label.
 */
public final class ClassificationHead implements AutoCloseable {

    public static final String WEIGHT = "classifier.weight";
    public static final String BIAS = "classifier.bias";
    public static final String POOLER_WEIGHT = "pooler.dense.weight";
    public static final String POOLER_BIAS = "pooler.dense.bias";

    private final NDManager manager;
    private final Pooling pooling;
    private final boolean normalize;
    private final float dropout;
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray poolerWeight;
    private final NDArray poolerBias;

    private ClassificationHead(NDManager manager, Pooling pooling, boolean normalize, float dropout,
                               NDArray weight, NDArray bias, NDArray poolerWeight, NDArray poolerBias) {
        this.manager = manager;
        this.pooling = pooling;
        this.normalize = normalize;
        this.dropout = dropout;
        this.weight = weight;
        this.bias = bias;
        this.poolerWeight = poolerWeight;
        this.poolerBias = poolerBias;
    }

    /** Loads classifier.weight [labels, hidden] and classifier.bias [labels]. */
    public static ClassificationHead create(WeightSet weights, int hidden, int labels, Pooling pooling,
                                            boolean normalize, float dropout, NDManager parent) {
        HostTensor w = weights.require(WEIGHT, labels, hidden);
        HostTensor b = weights.require(BIAS, labels);
        HostTensor pw = pooling.hasDenseLayer() ? weights.require(POOLER_WEIGHT, hidden, hidden) : null;
        HostTensor pb = pooling.hasDenseLayer() ? weights.require(POOLER_BIAS, hidden) : null;
        NDManager m = parent.newSubManager();
        return new ClassificationHead(m, pooling, normalize, dropout, load(m, w), load(m, b),
                pw == null ? null : load(m, pw), pb == null ? null : load(m, pb));
    }

    private static NDArray load(NDManager m, HostTensor t) {
        return m.create(FloatBuffer.wrap(t.data()), new Shape(t.shape()));
    }

    /** A fresh head: small random weights (seeded), zero bias. */
    public static Map<String, HostTensor> initialWeights(int hidden, int labels, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] w = new float[labels * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * 0.02);
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put(WEIGHT, new HostTensor(new long[] {labels, hidden}, w));
        out.put(BIAS, new HostTensor(new long[] {labels}, new float[labels]));
        return out;
    }

    /** The classifier's weight [labels, hidden] among a head's tensors (as {@link #initialWeights} gives them). */
    public static HostTensor classifierWeight(Map<String, HostTensor> head) {
        return head.get(WEIGHT);
    }

    /** The classifier's bias [labels] among a head's tensors. */
    public static HostTensor classifierBias(Map<String, HostTensor> head) {
        return head.get(BIAS);
    }

    /** The classifier's tensors under their names, for a bundle's weights. */
    public static Map<String, HostTensor> classifierTensors(HostTensor weight, HostTensor bias) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put(WEIGHT, weight);
        out.put(BIAS, bias);
        return out;
    }

    public Pooling pooling() {
        return pooling;
    }

    public boolean normalize() {
        return normalize;
    }

    /**
     * [batch, seq, hidden] + int64 mask [batch, seq] (null: no padding) -> [batch, hidden]. The scripted twin is
     * {@code classify} in {@code bert_encoder.torchscript}.
     */
    public NDArray pool(NDArray hidden, NDArray attentionMask) {
        NDArray pooled = switch (pooling) {
            case CLS -> hidden.get(":, 0, :");
            case POOLER -> Linear.linear(hidden.get(":, 0, :"), poolerWeight, poolerBias).singletonOrThrow().tanh();
            case MEAN -> {
                if (attentionMask == null) {
                    yield hidden.mean(new int[] {1});
                }
                NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(2);
                yield hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
            }
        };
        if (normalize) {
            pooled = pooled.div(pooled.norm(new int[] {1}, true).maximum(1e-12f));
        }
        return pooled;
    }

    /** [batch, hidden] -> logits [batch, labels]. */
    public NDArray logits(NDArray pooled, boolean training) {
        NDArray x = training && dropout > 0 ? Dropout.dropout(pooled, dropout, true).singletonOrThrow() : pooled;
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    public List<NDArray> parameters() {
        return poolerWeight == null ? List.of(weight, bias) : List.of(weight, bias, poolerWeight, poolerBias);
    }

    public Map<String, HostTensor> exportWeights() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        if (poolerWeight != null) {
            out.put(POOLER_WEIGHT, BertEncoder.host(poolerWeight));
            out.put(POOLER_BIAS, BertEncoder.host(poolerBias));
        }
        out.put(WEIGHT, BertEncoder.host(weight));
        out.put(BIAS, BertEncoder.host(bias));
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
