package dev.tagger.text;

/**
 * One text as word-piece ids with [CLS]/[SEP], already cut to the model's token limit.
 *
 * @param ids       token ids
 * @param typeIds   token type (segment) ids
 * @param truncated whether the text had more tokens than the limit
 */
public record TokenizedText(long[] ids, long[] typeIds, boolean truncated) {

    public int length() {
        return ids.length;
    }
}
