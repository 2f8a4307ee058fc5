package dev.tagger.datasets;

import java.util.Locale;

/** The rules a label name meets at upload, whichever format or argument it came in. */
final class LabelNames {

    private LabelNames() {
    }

    /**
     * Why a (trimmed) label name is not acceptable, or {@code null}. Names flow into config.json, responses and
     * metric label values, so they are short and print as what they are: no control characters, no bidirectional
     * controls that would show them reordered, no invisible spaces at either end.
     */
    static String problem(String label) {
        if (label.isEmpty()) {
            return "is blank";
        }
        int chars = label.codePointCount(0, label.length());
        if (chars > DatasetLimits.MAX_LABEL_CHARS) {
            return String.format(Locale.ROOT, "'%s' has %,d characters, more than the limit of %,d (maxLabelChars)",
                    RowSink.quote(printable(label)), chars, DatasetLimits.MAX_LABEL_CHARS);
        }
        if (RowSink.hasUnpairedSurrogate(label)) {
            return "contains an unpaired UTF-16 surrogate (an invalid \\u escape)";
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return "'" + RowSink.quote(label) + "' contains a control character";
            }
            if (isBidiControl(c)) {
                return String.format(Locale.ROOT, "'%s' contains the bidirectional control character U+%04X",
                        RowSink.quote(printable(label)), (int) c);
            }
        }
        if (Character.isSpaceChar(label.charAt(0)) || Character.isSpaceChar(label.charAt(label.length() - 1))) {
            return "'" + RowSink.quote(label) + "' starts or ends with a space character (e.g. a no-break space)";
        }
        return null;
    }

    /** The explicit marks, embeddings, overrides and isolates of the Unicode bidirectional algorithm. */
    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** The name with control and bidirectional characters shown as U+XXXX, so a message cannot be garbled by them. */
    private static String printable(String label) {
        StringBuilder b = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            int type = Character.getType(c);
            boolean hidden = Character.isISOControl(c) || isBidiControl(c) || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            b.append(hidden ? String.format(Locale.ROOT, "U+%04X", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
