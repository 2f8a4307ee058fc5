package dev.tagger.bench;

import dev.tagger.datasets.DatasetFiles;
import dev.tagger.datasets.Example;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The texts of a GoEmotions TSV file, with its labels.txt beside it, read from wherever it lives; never copied. */
final class DevTexts {

    private DevTexts() {
    }

    static List<String> read(Path tsv) throws IOException {
        List<String> out = DatasetFiles.readGoEmotions(tsv, tsv.resolveSibling("labels.txt")).examples().stream()
                .map(Example::text).toList();
        if (out.isEmpty()) {
            throw new IOException(tsv + " holds no texts");
        }
        return out;
    }

    /** {@code n} indexes spread evenly over {@code size} texts; the same for every command of a run. */
    static List<Integer> sample(int size, int n) {
        int k = Math.min(n, size);
        List<Integer> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add((int) ((long) i * size / k));
        }
        return out;
    }
}
