package dev.tagger.training;

import dev.tagger.engine.TorchEngine;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Fine-tunes chosen parameter groups of a model's encoder together with its head: the encoder runs with
 * {@code training=true} (dropout on) under a gradient collector, the loss is binary cross-entropy on logits, and
 * AdamW updates the encoder groups at one learning rate and the head at another. When the embeddings and the lowest
 * layers are frozen, their output is computed once ({@link FrozenStates}) and each step runs only the layers above
 * (so dropout applies to the trained layers only). The model's own weights change in place, so it must be a copy
 * loaded for training, never a served one.
 */
public final class EncoderTrainer {

    /**
     * @param learningRate     peak learning rate of the encoder groups
     * @param headLearningRate peak learning rate of the head (a fresh head needs a larger one than pretrained layers)
     */
    public record Settings(int epochs, float learningRate, float headLearningRate, int batchSize, float weightDecay,
                           float warmupRatio, float clipNorm, long seed) {
    }

    /** Called after each epoch with the mean training loss; may return false to stop. */
    @FunctionalInterface
    public interface EpochListener {
        boolean onEpoch(int epoch, double meanLoss);
    }

    /** Batches are cut from runs of this many batches' worth of examples sorted by length: little padding. */
    private static final int BUCKET_BATCHES = 16;
    /** Padded tokens per batch when computing the frozen part's output. */
    private static final int FROZEN_BATCH_TOKENS = 4096;

    private EncoderTrainer() {
    }

    /**
     * @param groups indexes into {@link dev.tagger.model.nn.BertEncoder#parameterGroups()} (0 the embeddings,
     *               1 + L layer L) to train; the head always trains
     * @param texts  tokenized training texts
     * @param truth  [texts][labels]
     */
    public static void train(TaggerModel model, List<Integer> groups, List<TokenizedText> texts, boolean[][] truth,
                             Settings s, EpochListener epochs, StepListener steps) {
        train(model, groups, null, texts, truth, s, epochs, steps);
    }

    /**
     * @param frozen the frozen part's output for {@code texts}, computed already (null: computed here when the
     *               embeddings are frozen); it must end just below the lowest trained layer
     */
    public static void train(TaggerModel model, List<Integer> groups, FrozenStates frozen, List<TokenizedText> texts,
                             boolean[][] truth, Settings s, EpochListener epochs, StepListener steps) {
        TorchEngine.noGradOnThisThread();
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) s.seed());
        List<List<NDArray>> all = model.encoder().parameterGroups();
        List<NDArray> encoderParams = new ArrayList<>();
        for (int g : groups) {
            encoderParams.addAll(all.get(g));
        }
        int layers = model.encoder().config().numLayers();
        int lowest = groups.stream().mapToInt(Integer::intValue).min().orElse(layers + 1);
        if (frozen == null && lowest > 0) {
            frozen = FrozenStates.compute(model, texts, lowest - 1, FROZEN_BATCH_TOKENS);
        }
        if (frozen != null && (frozen.layers() != lowest - 1 || frozen.size() != texts.size())) {
            throw new IllegalArgumentException("frozen states of " + frozen.size() + " texts through "
                    + frozen.layers() + " layers do not fit training layers from " + (lowest - 1) + " on "
                    + texts.size() + " texts");
        }
        int n = texts.size();
        int labels = truth[0].length;
        long total = (long) ((n + s.batchSize() - 1) / s.batchSize()) * s.epochs();
        Random rnd = new Random(s.seed());
        try (NDManager state = model.newScratch()) {
            AdamW opt = new AdamW(List.of(encoderParams, model.head().parameters()),
                    new float[] {s.learningRate(), s.headLearningRate()}, state, s.weightDecay(), s.clipNorm(),
                    (long) (total * s.warmupRatio()), total);
            for (int epoch = 1; epoch <= s.epochs(); epoch++) {
                double lossSum = 0;
                for (int[] batch : batches(texts, s.batchSize(), rnd)) {
                    float stepLoss;
                    try (NDManager step = model.newScratch()) {
                        List<TokenizedText> batchTexts = new ArrayList<>(batch.length);
                        boolean[][] batchTruth = new boolean[batch.length][];
                        for (int i = 0; i < batch.length; i++) {
                            batchTexts.add(texts.get(batch[i]));
                            batchTruth[i] = truth[batch[i]];
                        }
                        NDArray targets = step.create(HeadTrainer.flatten(batchTruth), new Shape(batch.length, labels));
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray pooled = frozen == null ? model.pooled(step, batchTexts, true)
                                    : pooledFromFrozen(model, frozen, step, batch, batchTexts, layers);
                            NDArray logits = model.head().logits(pooled, true);
                            NDArray loss = Losses.bceWithLogits(logits, targets);
                            gc.backward(loss);
                            stepLoss = loss.getFloat();
                        }
                        opt.update();
                    }
                    lossSum += (double) stepLoss * batch.length;
                    steps.onStep(epoch, opt.step(), total, stepLoss, batch.length);
                }
                if (!epochs.onEpoch(epoch, lossSum / n)) {
                    return;
                }
            }
        }
    }

    private static NDArray pooledFromFrozen(TaggerModel model, FrozenStates frozen, NDManager step, int[] rows,
                                            List<TokenizedText> texts, int layers) {
        NDArray mask = TaggerModel.inputs(step, texts).maskIfPadded();
        NDArray hidden = model.encoder().forwardLayers(frozen.batch(step, rows), mask, frozen.layers(), layers, true);
        return model.head().pool(hidden, mask);
    }

    /** Shuffled batches of similar lengths: shuffle, sort runs of a few batches by length, cut, shuffle the batches. */
    static List<int[]> batches(List<TokenizedText> texts, int batchSize, Random rnd) {
        int n = texts.size();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        List<int[]> out = new ArrayList<>();
        int bucket = batchSize * BUCKET_BATCHES;
        for (int from = 0; from < n; from += bucket) {
            List<Integer> run = new ArrayList<>(order.subList(from, Math.min(n, from + bucket)));
            run.sort(Comparator.comparingInt(i -> texts.get(i).length()));
            for (int b = 0; b < run.size(); b += batchSize) {
                out.add(run.subList(b, Math.min(run.size(), b + batchSize)).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(out, rnd);
        return out;
    }
}
