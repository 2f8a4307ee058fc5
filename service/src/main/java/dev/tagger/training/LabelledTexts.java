package dev.tagger.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts with their true label sets as a dense matrix, the shape training and evaluation consume.
 *
 * @param texts  the texts
 * @param truth  [texts][labels]: whether each label applies
 * @param labels label names, the columns of {@code truth}
 */
public record LabelledTexts(List<String> texts, boolean[][] truth, List<String> labels) {

    /** Reads GoEmotions' TSV layout: text, comma-separated label ids, comment id; label names from labels.txt. */
    public static LabelledTexts readGoEmotions(Path tsv, Path labelsFile) throws IOException {
        List<String> labels = Files.readAllLines(labelsFile, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<String> texts = new ArrayList<>();
        List<boolean[]> truth = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length < 2) {
                throw new IOException(tsv + " line " + lineNo + ": expected text<TAB>label ids");
            }
            boolean[] row = new boolean[labels.size()];
            for (String id : cols[1].split(",")) {
                int j = Integer.parseInt(id.strip());
                if (j < 0 || j >= labels.size()) {
                    throw new IOException(tsv + " line " + lineNo + ": label id " + j + " out of range");
                }
                row[j] = true;
            }
            texts.add(cols[0]);
            truth.add(row);
        }
        return new LabelledTexts(texts, truth.toArray(new boolean[0][]), labels);
    }

    public int size() {
        return texts.size();
    }

    /** The rows at the given indices. */
    public LabelledTexts subset(int[] rows) {
        List<String> t = new ArrayList<>(rows.length);
        boolean[][] y = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            t.add(texts.get(rows[i]));
            y[i] = truth[rows[i]];
        }
        return new LabelledTexts(t, y, labels);
    }
}
