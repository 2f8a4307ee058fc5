package dev.tagger.datasets;

import java.io.IOException;

/**
 * Turns the lines of one upload format into rows for a {@link RowSink}; it knows the format's syntax and nothing
 * else: the sink checks texts, labels and limits and collects the problems. A reader reports what only it can see
 * (a syntax error, a missing key, a bad label id) to the sink, and returns once the input ends or the sink has
 * {@linkplain RowSink#stopped() stopped}. Readers hold no state of a parse, so one instance serves all.
 */
interface FormatReader {

    void read(Utf8LineReader lines, RowSink sink) throws IOException;
}
