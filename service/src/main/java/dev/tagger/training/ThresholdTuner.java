package dev.tagger.training;

/**
 * Chooses one decision threshold per label to maximise that label's F1 on validation data.
 * Candidates are 0.05..0.95 in steps of 0.01 (a coarse grid overfits less than every distinct score).
 * The floor matters: for a label the model barely detects, F1 on validation is often "best" at a
 * threshold near zero, which would tag that label on a large share of all texts for a meagre F1.
 * A label with fewer than {@code minPositives} positives in the validation data gets the single
 * threshold that maximises micro-F1 over all labels instead: its own F1 curve is too noisy to trust.
 */
public final class ThresholdTuner {

    private static final int FIRST = 5;
    private static final int STEPS = 91;

    private ThresholdTuner() {
    }

    public static float[] tune(float[][] probabilities, boolean[][] truth, int labels, int minPositives) {
        // counts[j][k]: for threshold grid(k), true positives and predicted positives of label j.
        long[][] tp = new long[labels][STEPS];
        long[][] pred = new long[labels][STEPS];
        long[] positives = new long[labels];
        for (int i = 0; i < probabilities.length; i++) {
            for (int j = 0; j < labels; j++) {
                float p = probabilities[i][j];
                boolean t = truth[i][j];
                positives[j] += t ? 1 : 0;
                for (int k = 0; k < STEPS; k++) {
                    if (p >= grid(k)) {
                        pred[j][k]++;
                        tp[j][k] += t ? 1 : 0;
                    } else {
                        break;
                    }
                }
            }
        }
        // Global fallback: the grid point that maximises micro-F1 across labels.
        int bestGlobal = 50 - FIRST;
        double bestGlobalF1 = -1;
        for (int k = 0; k < STEPS; k++) {
            long sTp = 0;
            long sPred = 0;
            long sPos = 0;
            for (int j = 0; j < labels; j++) {
                sTp += tp[j][k];
                sPred += pred[j][k];
                sPos += positives[j];
            }
            double f = Evaluation.f1(sTp, sPred - sTp, sPos - sTp);
            if (f > bestGlobalF1) {
                bestGlobalF1 = f;
                bestGlobal = k;
            }
        }
        float[] out = new float[labels];
        for (int j = 0; j < labels; j++) {
            if (positives[j] < minPositives) {
                out[j] = grid(bestGlobal);
                continue;
            }
            int best = bestGlobal;
            double bestF1 = -1;
            for (int k = 0; k < STEPS; k++) {
                double f = Evaluation.f1(tp[j][k], pred[j][k] - tp[j][k], positives[j] - tp[j][k]);
                if (f > bestF1) {
                    bestF1 = f;
                    best = k;
                }
            }
            out[j] = grid(best);
        }
        return out;
    }

    static float grid(int k) {
        return (k + FIRST) / 100f;
    }
}
