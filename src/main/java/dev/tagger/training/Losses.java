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
}
