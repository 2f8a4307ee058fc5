package dev.tagger.text;

import java.util.Locale;

/**
 * Whether a text can be read at all: valid UTF-16 (no lone surrogate, which JSON's {@code \ud800} escapes can
 * smuggle in) and at least one character that is not white space, a control character (NUL included) or an
 * invisible format character (zero-width space and joiners, BOM, bidi marks). A text that fails is not worth a
 * model's time: its answer would say nothing about the text.
 */
public final class TextCheck {

    private TextCheck() {
    }

    /** What is wrong with the text, as the end of a sentence about it ("'texts[2]' ..."), or null when it is fine. */
    public static String problem(String text) {
        boolean readable = false;
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)))) {
                return String.format(Locale.ROOT, "holds a lone surrogate (U+%04X) at character %d; send valid Unicode", (int) c, i);
            }
            int cp = text.codePointAt(i);
            readable |= !invisible(cp);
            i += Character.charCount(cp);
        }
        if (text.isBlank()) {
            return "is empty or blank; send at least one non-space character";
        }
        return readable ? null : "has nothing to read: only white space, control or invisible format characters";
    }

    private static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.CONTROL
                || type == Character.FORMAT;
    }
}
