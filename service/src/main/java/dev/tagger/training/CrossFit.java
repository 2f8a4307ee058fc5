package dev.tagger.training;

import java.util.stream.IntStream;

/**
 * Cross-fitted scores: thresholds tuned on one half of the validation data are measured on the other half, both
 * ways. Tuning thresholds and measuring on the same texts flatters a model; this estimate does not.
 */
public final class CrossFit {

    private CrossFit() {
    }

    /** Tune on one half of dev, measure on the other, both ways: an estimate free of tuning optimism. */
    public static double macroF1(float[][] probs, LabelledTexts dev, int minPositives) {
        int[] even = IntStream.range(0, dev.size()).filter(i -> i % 2 == 0).toArray();
        int[] odd = IntStream.range(0, dev.size()).filter(i -> i % 2 == 1).toArray();
        return (halfScore(probs, dev, even, odd, minPositives) + halfScore(probs, dev, odd, even, minPositives)) / 2;
    }

    private static double halfScore(float[][] probs, LabelledTexts dev, int[] tuneRows, int[] evalRows, int minPositives) {
        float[] th = ThresholdTuner.tune(rows(probs, tuneRows), dev.subset(tuneRows).truth(), dev.labels().size(),
                minPositives);
        return Evaluation.evaluate(dev.labels(), rows(probs, evalRows), dev.subset(evalRows).truth(), th).macroF1();
    }

    private static float[][] rows(float[][] a, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }
}
