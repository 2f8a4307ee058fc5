package dev.tagger.datasets;

import java.util.List;
import java.util.Objects;

/**
 * What {@link DatasetParser} found.
 *
 * @param format       the format parsed
 * @param stats        statistics of the accepted examples
 * @param rowsRead     data rows read (header and blank lines not counted), accepted or not
 * @param rejectedRows rows that had at least one problem and were left out
 * @param problems     the first problems found, in input order (at most the parser's problem cap)
 * @param problemCount how many problems were found in all, including those past the cap
 * @param examples     the accepted examples in input order; empty when the parser streamed them to a sink instead
 */
public record DatasetReport(DatasetFormat format, DatasetStats stats, long rowsRead, long rejectedRows,
                            List<DatasetProblem> problems, long problemCount, List<Example> examples) {

    public DatasetReport {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(stats, "stats");
        problems = List.copyOf(problems);
        examples = List.copyOf(examples);
    }

    /** True when the input had no problem at all: only then should the dataset be used. */
    public boolean ok() {
        return problemCount == 0;
    }

    /** Accepted examples. */
    public long rows() {
        return stats.rows();
    }

    public List<String> labels() {
        return stats.labels();
    }
}
