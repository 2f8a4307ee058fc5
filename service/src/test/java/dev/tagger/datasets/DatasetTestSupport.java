package dev.tagger.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small helpers shared by the dataset tests. */
final class DatasetTestSupport {

    private DatasetTestSupport() {
    }

    static DatasetReport parse(DatasetFormat format, List<String> labels, DatasetLimits limits, String content) {
        return parse(format, labels, limits, content.getBytes(StandardCharsets.UTF_8));
    }

    static DatasetReport parse(DatasetFormat format, List<String> labels, String content) {
        return parse(format, labels, DatasetLimits.DEFAULTS, content);
    }

    static DatasetReport parse(DatasetFormat format, List<String> labels, DatasetLimits limits, byte[] content) {
        try {
            return new DatasetParser(format, labels, limits).parse(new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The (line, field) pairs of the report's problems, for compact assertions. */
    static List<String> where(DatasetReport report) {
        return report.problems().stream().map(p -> p.line() + ":" + p.field()).toList();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
