package dev.tagger.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Datasets read from local files (the command-line tools, tests, benchmarks) by the same readers and with the same
 * checks as an upload, but without the upload limits. A file with any problem is refused whole.
 */
public final class DatasetFiles {

    /** A local file is as large as it is; the rules on texts and labels still apply. */
    static final DatasetLimits NO_LIMITS = new DatasetLimits(Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Long.MAX_VALUE);

    private DatasetFiles() {
    }

    /**
     * Reads a whole file; the report holds its examples and its label list.
     *
     * @param labels the label list, or {@code null} to derive it (required for {@link DatasetFormat#TSV})
     * @throws IOException when the file cannot be read or has a problem (the message gives the count and the first)
     */
    public static DatasetReport read(Path file, DatasetFormat format, List<String> labels) throws IOException {
        DatasetReport report;
        try (InputStream in = Files.newInputStream(file)) {
            report = new DatasetParser(format, labels, NO_LIMITS).parse(in);
        }
        if (!report.ok()) {
            throw new IOException(file + " has " + report.problemCount() + " problem(s); first: "
                    + report.problems().get(0));
        }
        return report;
    }

    /** GoEmotions' layout: a TSV file whose label ids index the label list file (its labels.txt). */
    public static DatasetReport readGoEmotions(Path tsv, Path labelsFile) throws IOException {
        return read(tsv, DatasetFormat.TSV, DatasetParser.readLabels(labelsFile));
    }
}
