package dev.tagger.training;

/** Hears about every optimizer step of a training loop; throwing from it abandons the training. */
@FunctionalInterface
public interface StepListener {

    StepListener NONE = (epoch, step, totalSteps, loss, examples) -> {
    };

    /**
     * @param epoch      1-based epoch the step belongs to
     * @param step       steps done so far (1-based)
     * @param totalSteps steps the whole training will take
     * @param loss       the step's mean loss
     * @param examples   examples in the step's batch
     */
    void onStep(int epoch, long step, long totalSteps, float loss, int examples);
}
