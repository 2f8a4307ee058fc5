package dev.tagger.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic train/validation split. The indexes of the examples are shuffled with {@link Random} seeded with
 * the seed (whose algorithm the JDK specifies, so a seed gives the same split on every JVM and run), the first
 * {@code round(n * fraction)} go to validation, and each part keeps the examples' original order. The train part
 * is never empty when there is an example; when {@code 0 < fraction < 1} and there are at least two examples, the
 * validation part is not empty either.
 * The split is not stratified by label.
 */
public final class DatasetSplitter {

    /** The two parts. */
    public record Split(List<Example> train, List<Example> validation) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    private DatasetSplitter() {
    }

    /** How many of {@code n} examples {@link #split} puts in the validation part. */
    public static long validationSize(long n, double validationFraction) {
        long size = Math.min(Math.round(n * validationFraction), Math.max(n - 1, 0));
        return validationFraction > 0 && n >= 2 ? Math.max(1, size) : size;
    }

    /**
     * @param examples           what to split (not modified)
     * @param validationFraction the share that goes to validation, {@code 0 <= fraction < 1}
     * @param seed               the seed; the same seed and input give the same split
     */
    public static Split split(List<Example> examples, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + validationFraction);
        }
        int n = examples.size();
        int validationSize = (int) validationSize(n, validationFraction);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] validation = new boolean[n];
        for (int i = 0; i < validationSize; i++) {
            validation[order[i]] = true;
        }
        List<Example> train = new ArrayList<>(n - validationSize);
        List<Example> val = new ArrayList<>(validationSize);
        for (int i = 0; i < n; i++) {
            (validation[i] ? val : train).add(examples.get(i));
        }
        return new Split(train, val);
    }
}
