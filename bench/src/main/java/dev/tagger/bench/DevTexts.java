package dev.tagger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The texts of a GoEmotions TSV file (first column), read from wherever it lives; never copied. */
final class DevTexts {

    private DevTexts() {
    }

    static List<String> read(Path tsv) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            String text = line.split("\t", -1)[0];
            if (!text.isBlank()) {
                out.add(text);
            }
        }
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
