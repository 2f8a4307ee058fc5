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

    /**
     * Mean binary cross-entropy on logits with a weight on each label's positive term, as torch's
     * BCEWithLogitsLoss(pos_weight): (1 - y) * x + (1 + (w - 1) * y) * log(1 + exp(-x)), computed stably.
     * A weight above 1 makes the rare positives of a label count more.
     *
     * @param posWeight [labels], broadcast over the batch
     */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets, NDArray posWeight) {
        // log(1 + exp(-x)) = max(-x, 0) + log(1 + exp(-|x|))
        NDArray softplusNeg = logits.neg().maximum(0f).add(logits.abs().neg().exp().add(1f).log());
        NDArray weight = targets.mul(posWeight.sub(1f)).add(1f);
        return targets.neg().add(1f).mul(logits).add(weight.mul(softplusNeg)).mean();
    }
}
