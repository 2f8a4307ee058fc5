package dev.tagger.training;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Metrics against examples computed by hand. */
class EvaluationTest {

    // 4 examples, 3 labels, threshold 0.5 everywhere.
    //            a     b     c          truth
    // ex0:      0.9   0.2   0.6         a, c      -> pred a, c       (exact)
    // ex1:      0.4   0.7   0.1         a         -> pred b          (a missed, b wrong)
    // ex2:      0.1   0.1   0.1         -         -> pred -          (exact, empty)
    // ex3:      0.8   0.6   0.55        a, b      -> pred a, b, c    (c wrong)
    static final float[][] P = {{0.9f, 0.2f, 0.6f}, {0.4f, 0.7f, 0.1f}, {0.1f, 0.1f, 0.1f}, {0.8f, 0.6f, 0.55f}};
    static final boolean[][] T = {{true, false, true}, {true, false, false}, {false, false, false}, {true, true, false}};
    static final float[] HALF = {0.5f, 0.5f, 0.5f};

    @Test
    void microMacroSamplesHammingAndSubset() {
        Evaluation.Report r = Evaluation.evaluate(List.of("a", "b", "c"), P, T, HALF);
        // a: tp 2 (ex0, ex3), fp 0, fn 1 (ex1) -> P 1, R 2/3, F1 0.8
        // b: tp 1 (ex3), fp 1 (ex1), fn 0 -> P 0.5, R 1, F1 2/3
        // c: tp 1 (ex0), fp 1 (ex3), fn 0 -> P 0.5, R 1, F1 2/3
        assertThat(r.perLabel().get(0).f1()).isCloseTo(0.8, within(1e-9));
        assertThat(r.perLabel().get(0).recall()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(r.perLabel().get(1).precision()).isCloseTo(0.5, within(1e-9));
        assertThat(r.perLabel().get(2).support()).isEqualTo(1);
        assertThat(r.macroF1()).isCloseTo((0.8 + 2.0 / 3 + 2.0 / 3) / 3, within(1e-9));
        // micro: tp 4, fp 2, fn 1 -> P 4/6, R 4/5, F1 8/11
        assertThat(r.microPrecision()).isCloseTo(4.0 / 6, within(1e-9));
        assertThat(r.microRecall()).isCloseTo(0.8, within(1e-9));
        assertThat(r.microF1()).isCloseTo(8.0 / 11, within(1e-9));
        // samples F1: ex0 1, ex1 0, ex2 1 (nothing true, nothing predicted), ex3 2*2/(3+2) = 0.8
        assertThat(r.samplesF1()).isCloseTo((1 + 0 + 1 + 0.8) / 4, within(1e-9));
        // Hamming: wrong cells ex1 a,b + ex3 c = 3 of 12
        assertThat(r.hammingLoss()).isCloseTo(0.25, within(1e-9));
        assertThat(r.subsetAccuracy()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aLabelNeverTrueNorPredictedScoresZeroNotNaN() {
        Evaluation.Report r = Evaluation.evaluate(List.of("x"), new float[][] {{0.1f}}, new boolean[][] {{false}},
                new float[] {0.5f});
        assertThat(r.perLabel().get(0).f1()).isZero();
        assertThat(r.macroF1()).isZero();
        assertThat(r.samplesF1()).isEqualTo(1.0);
    }

    @Test
    void thresholdsPerLabelAreTunedForF1() {
        // Label 0 separates cleanly at 0.3; label 1 has only one positive (below minPositives=2) and takes
        // the global micro-F1-best threshold.
        float[][] p = {{0.35f, 0.9f}, {0.32f, 0.2f}, {0.25f, 0.1f}, {0.05f, 0.1f}, {0.31f, 0.3f}};
        boolean[][] t = {{true, true}, {true, false}, {false, false}, {false, false}, {true, false}};
        float[] th = ThresholdTuner.tune(p, t, 2, 2);
        assertThat(th[0]).isBetween(0.26f, 0.31f);
        Evaluation.Report r = Evaluation.evaluate(List.of("a", "b"), p, t, th);
        assertThat(r.perLabel().get(0).f1()).isEqualTo(1.0);
        // Global best: at 0.26..0.31 micro-F1 counts label b's predictions too; b's threshold equals it.
        assertThat(th[1]).isGreaterThan(0.25f);
    }
}
