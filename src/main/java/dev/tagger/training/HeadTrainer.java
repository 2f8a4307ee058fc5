package dev.tagger.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ClassificationHead;
import dev.tagger.model.HostTensor;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains Linear(hidden, labels) on fixed text vectors with binary cross-entropy on logits and AdamW:
 * the head-only training of a frozen encoder. Runs on the PyTorch engine with autograd.
 */
public final class HeadTrainer {

    /** Hyper-parameters of head training. */
    /**
     * @param posWeightPower each label's positives weigh (negatives / positives) ^ power in the loss
     *                       (0: plain BCE; 0.5: square root, which lifts rare labels without drowning precision)
     */
    public record Settings(int epochs, float learningRate, int batchSize, float weightDecay, float warmupRatio,
                           float clipNorm, long seed, float posWeightPower) {
        public static Settings defaults() {
            return new Settings(20, 1e-2f, 64, 1e-4f, 0.05f, 1.0f, 42, 0f);
        }
    }

    /** (negatives / positives) ^ power per label, capped at 100; 1 for a label without positives. */
    public static float[] positiveWeights(boolean[][] y, float power) {
        int labels = y[0].length;
        float[] out = new float[labels];
        for (int j = 0; j < labels; j++) {
            long pos = 0;
            for (boolean[] row : y) {
                pos += row[j] ? 1 : 0;
            }
            out[j] = pos == 0 || power == 0 ? 1f : (float) Math.min(100, Math.pow((double) (y.length - pos) / pos, power));
        }
        return out;
    }

    /** Called after each epoch with the mean training loss; may return false to stop. */
    public interface EpochListener {
        boolean onEpoch(int epoch, double meanLoss, Map<String, HostTensor> headWeights);
    }

    private HeadTrainer() {
    }

    public static Map<String, HostTensor> train(float[][] x, boolean[][] y, Settings s, EpochListener listener) {
        int n = x.length;
        int hidden = x[0].length;
        int labels = y[0].length;
        Map<String, HostTensor> init = ClassificationHead.initialWeights(hidden, labels, s.seed());
        TorchEngine.noGradOnThisThread();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray features = m.create(flatten(x), new Shape(n, hidden));
            NDArray targets = m.create(flatten(y), new Shape(n, labels));
            NDArray w = m.create(FloatBuffer.wrap(init.get(ClassificationHead.WEIGHT).data()), new Shape(labels, hidden));
            NDArray b = m.create(FloatBuffer.wrap(init.get(ClassificationHead.BIAS).data()), new Shape(labels));
            NDArray posWeight = m.create(positiveWeights(y, s.posWeightPower()));
            long stepsPerEpoch = (n + s.batchSize() - 1) / s.batchSize();
            long total = stepsPerEpoch * s.epochs();
            AdamW opt = new AdamW(List.of(w, b), m, s.learningRate(), s.weightDecay(), s.clipNorm(),
                    (long) (total * s.warmupRatio()), total);
            Random rnd = new Random(s.seed());
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            for (int epoch = 1; epoch <= s.epochs(); epoch++) {
                shuffle(idx, rnd);
                double lossSum = 0;
                for (int start = 0; start < n; start += s.batchSize()) {
                    int end = Math.min(n, start + s.batchSize());
                    // The scope frees every array the step creates (row gathers, activations, loss,
                    // autograd buffers); without it they would accumulate in the long-lived manager.
                    try (NDScope scope = new NDScope(); NDManager step = m.newSubManager()) {
                        scope.suppressNotUsedWarning();
                        long[] rows = new long[end - start];
                        for (int i = start; i < end; i++) {
                            rows[i - start] = idx[i];
                        }
                        NDArray sel = step.create(rows);
                        NDArray bx = features.get(sel);
                        NDArray by = targets.get(sel);
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray loss = Losses.bceWithLogits(Linear.linear(bx, w, b).singletonOrThrow(), by, posWeight);
                            gc.backward(loss);
                            lossSum += loss.getFloat() * (end - start);
                        }
                        opt.update();
                    }
                }
                Map<String, HostTensor> weights = Map.of(
                        ClassificationHead.WEIGHT, new HostTensor(new long[] {labels, hidden}, w.toFloatArray()),
                        ClassificationHead.BIAS, new HostTensor(new long[] {labels}, b.toFloatArray()));
                if (!listener.onEpoch(epoch, lossSum / n, weights) || epoch == s.epochs()) {
                    return weights;
                }
            }
            throw new IllegalStateException("unreachable");
        }
    }

    /** sigmoid(x W^T + b) for fixed vectors, [n][labels]. */
    public static float[][] probabilities(float[][] x, Map<String, HostTensor> head) {
        HostTensor w = head.get(ClassificationHead.WEIGHT);
        HostTensor b = head.get(ClassificationHead.BIAS);
        int labels = (int) w.shape()[0];
        int hidden = (int) w.shape()[1];
        TorchEngine.noGradOnThisThread();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray probs = Activation.sigmoid(Linear.linear(m.create(flatten(x), new Shape(x.length, hidden)),
                    m.create(w.data(), new Shape(labels, hidden)), m.create(b.data())).singletonOrThrow());
            float[] flat = probs.toFloatArray();
            float[][] out = new float[x.length][labels];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(flat, i * labels, out[i], 0, labels);
            }
            return out;
        }
    }

    static float[] flatten(float[][] rows) {
        int w = rows[0].length;
        float[] out = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * w, w);
        }
        return out;
    }

    static float[] flatten(boolean[][] rows) {
        int w = rows[0].length;
        float[] out = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < w; j++) {
                out[i * w + j] = rows[i][j] ? 1f : 0f;
            }
        }
        return out;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
