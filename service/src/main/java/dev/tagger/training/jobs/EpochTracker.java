package dev.tagger.training.jobs;

import dev.tagger.training.Evaluation;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.Losses;
import dev.tagger.training.StepListener;
import dev.tagger.training.ThresholdTuner;

import java.util.function.Supplier;

/** One job's training loop bookkeeping: the baseline, the per-epoch evaluations, the timing. */
final class EpochTracker {

    private final LabelledTexts validation;
    private final int minPositives;
    private final JobControl control;
    private TrainJob.Scores baseline;
    private long trainStart;
    private long trainEnd;
    private long epochStart;
    private long evalNanos;
    private long examples;

    EpochTracker(LabelledTexts validation, int minPositives, JobControl control) {
        this.validation = validation;
        this.minPositives = minPositives;
        this.control = control;
    }

    void baseline(float[][] probs) {
        baseline = scores(probs);
        control.baseline(baseline);
    }

    TrainJob.Scores baselineScores() {
        return baseline;
    }

    void startTraining() {
        trainStart = System.nanoTime();
        epochStart = trainStart;
    }

    StepListener steps(int epochs) {
        return (epoch, step, totalSteps, loss, batch) -> {
            examples += batch;
            control.step(epoch, epochs, step, totalSteps, loss, batch);
            control.checkpoint();
        };
    }

    boolean epoch(int epoch, double trainLoss, Supplier<float[][]> validationProbabilities) {
        long e0 = System.nanoTime();
        float[][] probs = validationProbabilities.get();
        TrainJob.Scores s = scores(probs);
        long e1 = System.nanoTime();
        evalNanos += e1 - e0;
        control.epoch(new TrainJob.EpochReport(epoch, round(trainLoss), s, round(seconds(e1 - epochStart))));
        epochStart = e1;
        trainEnd = e1;
        control.checkpoint();
        return true;
    }

    private TrainJob.Scores scores(float[][] probs) {
        float[] th = ThresholdTuner.tune(probs, validation.truth(), validation.labels().size(), minPositives);
        Evaluation.Report r = Evaluation.evaluate(validation.labels(), probs, validation.truth(), th);
        return new TrainJob.Scores(round(r.macroF1()), round(r.microF1()),
                round(Losses.meanBce(probs, validation.truth())));
    }

    double trainSeconds() {
        return seconds(trainEnd - trainStart);
    }

    /** Examples per second over the optimizer steps alone (per-epoch evaluations left out). */
    double examplesPerSecond() {
        return examples / Math.max(seconds(trainEnd - trainStart - evalNanos), 1e-9);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
