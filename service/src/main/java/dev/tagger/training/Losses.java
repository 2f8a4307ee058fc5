package dev.tagger.training;

import ai.djl.ndarray.NDArray;

/** Loss functions written on NDArray ops so autograd can differentiate them. */
public final class Losses {

    private Losses() {
    }

    /**
     * Mean binary cross-entropy on logits, in the numerically stable form
     * max(x, 0) - x * y + log(1 + exp(-|x|)): one independent sigmoid per label.
     */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets) {
        return logits.maximum(0f).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1f).log()).mean();
    }

    /** Mean binary cross-entropy of probabilities against the truth, clamped so a confident mistake stays finite. */
    public static double meanBce(float[][] probabilities, boolean[][] truth) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < probabilities.length; i++) {
            for (int j = 0; j < probabilities[i].length; j++) {
                double q = Math.min(Math.max(probabilities[i][j], 1e-7), 1 - 1e-7);
                sum -= truth[i][j] ? Math.log(q) : Math.log(1 - q);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}
