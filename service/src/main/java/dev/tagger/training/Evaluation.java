package dev.tagger.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-label metrics of probabilities against true label sets at given thresholds: micro and macro
 * precision/recall/F1, samples F1, Hamming loss, subset accuracy and per-label figures.
 * Conventions (as scikit-learn's with zero_division=0): a ratio with a zero denominator is 0, except
 * samples F1 of an example with neither true nor predicted labels, which is 1 (nothing to find, nothing claimed).
 */
public final class Evaluation {

    private Evaluation() {
    }

    /** Precision, recall, F1 and support of one label. */
    public record LabelMetrics(String label, double precision, double recall, double f1, int support,
                               int predicted, float threshold) {
    }

    /** The whole report; macro averages are unweighted means over labels. */
    public record Report(int examples, double microPrecision, double microRecall, double microF1,
                         double macroPrecision, double macroRecall, double macroF1, double samplesF1,
                         double hammingLoss, double subsetAccuracy, List<LabelMetrics> perLabel) {
    }

    public static Report evaluate(List<String> labels, float[][] probabilities, boolean[][] truth, float[] thresholds) {
        int n = probabilities.length;
        int l = labels.size();
        if (truth.length != n) {
            throw new IllegalArgumentException(n + " predictions but " + truth.length + " truth rows");
        }
        long[] tp = new long[l];
        long[] fp = new long[l];
        long[] fn = new long[l];
        double samplesF1 = 0;
        long wrongCells = 0;
        int exact = 0;
        for (int i = 0; i < n; i++) {
            int rowTp = 0;
            int rowPred = 0;
            int rowTrue = 0;
            boolean allRight = true;
            for (int j = 0; j < l; j++) {
                boolean p = probabilities[i][j] >= thresholds[j];
                boolean t = truth[i][j];
                if (p && t) {
                    tp[j]++;
                    rowTp++;
                } else if (p) {
                    fp[j]++;
                } else if (t) {
                    fn[j]++;
                }
                if (p != t) {
                    wrongCells++;
                    allRight = false;
                }
                rowPred += p ? 1 : 0;
                rowTrue += t ? 1 : 0;
            }
            samplesF1 += rowPred + rowTrue == 0 ? 1.0 : 2.0 * rowTp / (rowPred + rowTrue);
            exact += allRight ? 1 : 0;
        }
        List<LabelMetrics> per = new ArrayList<>(l);
        long sumTp = 0;
        long sumFp = 0;
        long sumFn = 0;
        double macroP = 0;
        double macroR = 0;
        double macroF = 0;
        for (int j = 0; j < l; j++) {
            double p = ratio(tp[j], tp[j] + fp[j]);
            double r = ratio(tp[j], tp[j] + fn[j]);
            double f = f1(tp[j], fp[j], fn[j]);
            per.add(new LabelMetrics(labels.get(j), p, r, f, (int) (tp[j] + fn[j]), (int) (tp[j] + fp[j]), thresholds[j]));
            macroP += p;
            macroR += r;
            macroF += f;
            sumTp += tp[j];
            sumFp += fp[j];
            sumFn += fn[j];
        }
        return new Report(n, ratio(sumTp, sumTp + sumFp), ratio(sumTp, sumTp + sumFn), f1(sumTp, sumFp, sumFn),
                macroP / l, macroR / l, macroF / l, n == 0 ? 0 : samplesF1 / n,
                n == 0 ? 0 : (double) wrongCells / ((long) n * l), n == 0 ? 0 : (double) exact / n, per);
    }

    static double f1(long tp, long fp, long fn) {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }
}
