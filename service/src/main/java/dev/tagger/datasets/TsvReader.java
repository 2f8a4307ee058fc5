package dev.tagger.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@link DatasetFormat#TSV}, GoEmotions' layout: no header, {@code text<TAB>comma-separated label ids<TAB>id}.
 * The ids index the label list, which must therefore be given (GoEmotions ships it as labels.txt).
 */
final class TsvReader implements FormatReader {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    @Override
    public void read(Utf8LineReader lines, RowSink sink) throws IOException {
        List<String> labels = sink.givenLabels();
        if (labels == null) {
            sink.stop(0, "labels", "the TSV (GoEmotions) format needs the label list that its label ids "
                    + "index, e.g. labels.txt");
            return;
        }
        Utf8LineReader.Line line;
        while ((line = sink.nextRow(lines)) != null) {
            long n = line.number();
            String[] columns = line.text().split("\t", -1);
            if (columns.length != 3) {
                sink.reject(n, null, "expected 3 tab-separated columns (text, label ids, id), found "
                        + columns.length);
                continue;
            }
            boolean bad = false;
            List<String> rowLabels = new ArrayList<>();
            String ids = columns[1].strip();
            if (!ids.isEmpty()) {
                for (String token : ids.split(",", -1)) {
                    String id = token.strip();
                    if (id.isEmpty()) {
                        bad = sink.problem(n, "labels", "empty label id in '" + RowSink.quote(columns[1]) + "'");
                    } else if (!INTEGER.matcher(id).matches()) {
                        bad = sink.problem(n, "labels", "label id '" + RowSink.quote(id) + "' is not an integer");
                    } else {
                        long value = id.length() > 12 ? Long.MAX_VALUE : Long.parseLong(id);
                        if (value < 0 || value >= labels.size()) {
                            bad = sink.problem(n, "labels", "label id " + id + " is out of range: the label list has "
                                    + labels.size() + " labels (ids 0 to " + (labels.size() - 1) + ")");
                        } else {
                            rowLabels.add(labels.get((int) value));
                        }
                    }
                }
            }
            sink.row(n, columns[0], rowLabels, bad);
        }
    }
}
