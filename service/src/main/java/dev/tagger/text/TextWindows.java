package dev.tagger.text;

import java.util.List;

/**
 * What was read of one text: one window (truncation) or several overlapping ones, each with [CLS]/[SEP] and at
 * most the model's token limit.
 *
 * @param windows       the windows in text order
 * @param complete      whether every token of the text is in some window (false: the text was cut)
 * @param tokens        word-piece tokens read, special tokens not counted, overlaps counted once
 * @param unknownTokens how many of them the vocabulary does not know: [UNK], byte fallbacks, and the pieces of
 *                      words spelled out one character at a time (a script the vocabulary has letters for, but no
 *                      words)
 */
public record TextWindows(List<TokenizedText> windows, boolean complete, int tokens, int unknownTokens) {

    public TextWindows {
        windows = List.copyOf(windows);
    }

    /** The share of read tokens the vocabulary does not know (0 for a text of special tokens only). */
    public double unknownShare() {
        return tokens == 0 ? 0 : (double) unknownTokens / tokens;
    }

    /** Tokens the encoder computes for these windows, special tokens and overlaps included. */
    public int encodedTokens() {
        int n = 0;
        for (TokenizedText t : windows) {
            n += t.length();
        }
        return n;
    }
}
