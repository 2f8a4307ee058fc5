package dev.tagger.training;

import dev.tagger.engine.TorchEngine;
import dev.tagger.model.HostTensor;
import dev.tagger.model.nn.ClassificationHead;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains Linear(hidden, labels) on fixed text vectors with binary cross-entropy on logits and AdamW:
 * the head-only training of a frozen encoder. Runs on the PyTorch engine with autograd.
 */
public final class HeadTrainer {

    /**
     * Hyper-parameters of head training.
     *
     * @param dropout share of the input vector's values zeroed at each step (0: none)
     */
    public record Settings(int epochs, float learningRate, int batchSize, float weightDecay, float warmupRatio,
                           float clipNorm, long seed, float dropout) {
        public static Settings defaults() {
            return new Settings(20, 1e-2f, 64, 1e-4f, 0.05f, 1.0f, 42, 0f);
        }
    }

    /** Called after each epoch with the mean training loss; may return false to stop. */
    public interface EpochListener {
        boolean onEpoch(int epoch, double meanLoss, Map<String, HostTensor> headWeights);
    }

    private HeadTrainer() {
    }

    /** Trains a freshly initialised head. */
    public static Map<String, HostTensor> train(float[][] x, boolean[][] y, Settings s, EpochListener listener) {
        return train(x, y, ClassificationHead.initialWeights(x[0].length, y[0].length, s.seed()), s, listener,
                StepListener.NONE);
    }

    /**
     * Trains starting from the given head weights, reporting every step.
     *
     * @param init  classifier.weight [labels, hidden] and classifier.bias [labels] to start from
     * @param steps called after every optimizer step; it may throw to abandon training
     */
    public static Map<String, HostTensor> train(float[][] x, boolean[][] y, Map<String, HostTensor> init, Settings s,
                                                EpochListener listener, StepListener steps) {
        int n = x.length;
        int hidden = x[0].length;
        int labels = y[0].length;
        TorchEngine.noGradOnThisThread();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray features = m.create(flatten(x), new Shape(n, hidden));
            NDArray targets = m.create(flatten(y), new Shape(n, labels));
            NDArray w = m.create(FloatBuffer.wrap(ClassificationHead.classifierWeight(init).data()), new Shape(labels, hidden));
            NDArray b = m.create(FloatBuffer.wrap(ClassificationHead.classifierBias(init).data()), new Shape(labels));
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
                        float stepLoss;
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray in = s.dropout() > 0 ? Dropout.dropout(bx, s.dropout(), true).singletonOrThrow() : bx;
                            NDArray loss = Losses.bceWithLogits(Linear.linear(in, w, b).singletonOrThrow(), by);
                            gc.backward(loss);
                            stepLoss = loss.getFloat();
                        }
                        lossSum += stepLoss * (end - start);
                        opt.update();
                        steps.onStep(epoch, opt.step(), total, stepLoss, end - start);
                    }
                }
                Map<String, HostTensor> weights = ClassificationHead.classifierTensors(
                        new HostTensor(new long[] {labels, hidden}, w.toFloatArray()),
                        new HostTensor(new long[] {labels}, b.toFloatArray()));
                if (!listener.onEpoch(epoch, lossSum / n, weights) || epoch == s.epochs()) {
                    return weights;
                }
            }
            throw new IllegalStateException("unreachable");
        }
    }

    /** sigmoid(x W^T + b) for fixed vectors, [n][labels]. */
    public static float[][] probabilities(float[][] x, Map<String, HostTensor> head) {
        HostTensor w = ClassificationHead.classifierWeight(head);
        HostTensor b = ClassificationHead.classifierBias(head);
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
