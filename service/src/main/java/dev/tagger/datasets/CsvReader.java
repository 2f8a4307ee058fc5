package dev.tagger.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@link DatasetFormat#CSV}: RFC 4180 records ({@link CsvRecordReader}) under a header row that names the columns
 * {@code text} and {@code labels} (any case, any order, other columns ignored); the labels cell holds label names
 * separated by {@code ;}, {@code |} or {@code ,}.
 */
final class CsvReader implements FormatReader {

    private static final Pattern LABEL_SEPARATORS = Pattern.compile("[;|,]");

    @Override
    public void read(Utf8LineReader lines, RowSink sink) throws IOException {
        CsvRecordReader records = new CsvRecordReader(lines, sink.limits().maxLineBytes());
        CsvRecordReader.Record header = records.next();
        if (header == null) {
            return;
        }
        if (!header.problems().isEmpty()) {
            header.problems().forEach(p -> sink.problem(p.line(), p.field(), p.message()));
            sink.stop(header.line(), null, "the header row cannot be read");
            return;
        }
        int textColumn = -1;
        int labelsColumn = -1;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
            names.add(name);
            if (name.equals("text") || name.equals("labels")) {
                if (names.indexOf(name) != i) {
                    sink.stop(header.line(), name, "the header names the column '" + name + "' twice");
                    return;
                }
                if (name.equals("text")) {
                    textColumn = i;
                } else {
                    labelsColumn = i;
                }
            }
        }
        if (textColumn < 0 || labelsColumn < 0) {
            sink.stop(header.line(), null, "a header row naming the columns 'text' and 'labels' is required; "
                    + "found: " + RowSink.quote(String.join(",", header.fields())));
            return;
        }
        int columns = header.fields().size();
        CsvRecordReader.Record record;
        while (!sink.stopped() && (record = records.next()) != null) {
            long n = record.line();
            if (!sink.countRow(n)) {
                continue;
            }
            if (!record.problems().isEmpty()) {
                // after a syntax or encoding error the fields cannot be trusted: report only that
                sink.reject(record.problems());
                continue;
            }
            if (record.fields().size() != columns) {
                sink.reject(n, null, "expected " + columns + " fields as in the header, found "
                        + record.fields().size());
                continue;
            }
            List<String> labels = new ArrayList<>();
            for (String token : LABEL_SEPARATORS.split(record.fields().get(labelsColumn), -1)) {
                if (!token.isBlank()) {
                    labels.add(token);
                }
            }
            sink.row(n, record.fields().get(textColumn), labels, false);
        }
    }
}
