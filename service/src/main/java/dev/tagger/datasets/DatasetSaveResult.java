package dev.tagger.datasets;

import java.util.List;

/**
 * The outcome of {@link DatasetUploads#save}: the stored dataset, or the problems that kept it from being stored.
 *
 * @param dataset      the stored dataset, or {@code null} when nothing was stored
 * @param problems     the first problems found (empty on success)
 * @param problemCount how many problems were found in all
 */
public record DatasetSaveResult(DatasetInfo dataset, List<DatasetProblem> problems, long problemCount) {

    public DatasetSaveResult {
        problems = List.copyOf(problems);
    }

    static DatasetSaveResult stored(DatasetInfo dataset) {
        return new DatasetSaveResult(dataset, List.of(), 0);
    }

    static DatasetSaveResult rejected(List<DatasetProblem> problems, long problemCount) {
        return new DatasetSaveResult(null, problems, problemCount);
    }

    public boolean ok() {
        return dataset != null;
    }
}
