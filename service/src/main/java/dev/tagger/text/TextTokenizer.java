package dev.tagger.text;

import dev.tagger.engine.TorchEngine;
import dev.tagger.io.Json;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Word-piece tokenization from a {@code tokenizer.json}, loaded from bytes (never from a hub), with the cut to the
 * model's token limit done here: a text keeps its leading special tokens ([CLS]), its first tokens and its
 * trailing ones ([SEP]), and "was this text cut?" is exact.
 *
 * <p>The native tokenizer is never handed more of a text than the answer needs: it tokenizes a prefix, cut where a
 * word ends, that grows until it holds one token more than the windows can take, and the prefix's last word is
 * dropped because a cut can change how that word splits. A 2 MB text costs what its first few thousand characters
 * cost, so the work per text is bounded by the token limit rather than by the text.
 */
public final class TextTokenizer implements AutoCloseable {

    /** First prefix per token needed: English averages about 4.5 characters per word piece, spaces included. */
    private static final int FIRST_CHARS_PER_TOKEN = 8;
    /**
     * Longest prefix per token needed. A word-piece word over 100 characters is one [UNK], so only runs of
     * spaces or control characters can hold fewer tokens; past this much the rest of a text counts as unread.
     */
    private static final int MAX_CHARS_PER_TOKEN = 128;
    /** Characters always read when a text has them: more than /classify's default text limit, so such texts are exact. */
    private static final int ALWAYS_READ_CHARS = 32_768;
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");
    /** Pieces of one word, each a single character, that mark it as spelled out rather than known ("с ##п ##а"). */
    private static final int SPELLED_OUT = 3;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;
    private final Set<Long> unknownIds;
    private final Set<Long> singleCharacterIds;

    public TextTokenizer(byte[] tokenizerJson, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
        }
        TorchEngine.goOffline();
        this.maxTokens = maxTokens;
        JsonNode model = Json.MAPPER.readTree(tokenizerJson).path("model");
        this.unknownIds = unknownIds(model);
        this.singleCharacterIds = singleCharacterIds(model);
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The text's first {@link #maxTokens()} tokens, special tokens included. */
    public TokenizedText tokenize(String text) {
        TextWindows w = windows(text, maxTokens, 1, 0);
        TokenizedText t = w.windows().get(0);
        return new TokenizedText(t.ids(), t.typeIds(), !w.complete());
    }

    /**
     * Reads the text in windows of at most {@code windowTokens} tokens (special tokens included; at most
     * {@link #maxTokens()}) that share {@code overlap} tokens, the last one ending at the text's last token; at most
     * {@code maxWindows} of them. With one window this is truncation.
     *
     * @return the windows; {@link TextWindows#complete()} is false when the text has more tokens than they hold
     */
    public TextWindows windows(String text, int windowTokens, int maxWindows, int overlap) {
        if (maxWindows < 1 || windowTokens < 2 || windowTokens > maxTokens) {
            throw new IllegalArgumentException("need 1 or more windows of 2 to " + maxTokens + " tokens, got "
                    + maxWindows + " of " + windowTokens);
        }
        Encoded e = encodePrefix(text, windowTokens, maxWindows, overlap);
        int width = contentWidth(windowTokens, e.lead.length + e.trail.length);
        int step = Math.max(1, width - Math.min(overlap, width - 1));
        int n = e.content.length;
        List<TokenizedText> out = new ArrayList<>();
        int covered;
        if (n <= width || maxWindows == 1) {
            covered = Math.min(n, width);
            out.add(window(e, 0, covered));
        } else {
            int needed = 1 + (n - width + step - 1) / step;
            int count = Math.min(needed, maxWindows);
            for (int i = 0; i < count; i++) {
                int from = i == needed - 1 ? n - width : i * step;
                out.add(window(e, from, from + width));
            }
            covered = count == needed ? n : (count - 1) * step + width;
        }
        return new TextWindows(out, e.whole && covered == n, covered, unknown(e, covered));
    }

    /**
     * Tokens of the first {@code covered} the vocabulary does not know: [UNK], byte-fallback pieces, and every piece
     * of a word spelled out one character at a time (at least {@link #SPELLED_OUT} pieces), which is how a word-piece
     * vocabulary reads a script it has letters for but no words.
     */
    private int unknown(Encoded e, int covered) {
        int unknown = 0;
        int i = 0;
        while (i < covered) {
            int j = i + 1;
            while (j < covered && e.words[j] == e.words[i] && e.words[i] >= 0) {
                j++;
            }
            boolean spelled = j - i >= SPELLED_OUT;
            for (int k = i; k < j && spelled; k++) {
                spelled = singleCharacterIds.contains(e.content[k]);
            }
            for (int k = i; k < j; k++) {
                if (spelled || unknownIds.contains(e.content[k])) {
                    unknown++;
                }
            }
            i = j;
        }
        return unknown;
    }

    /** Content tokens per window: the limit less the special tokens, at least one when the limit allows. */
    private static int contentWidth(int windowTokens, int specials) {
        return Math.max(windowTokens > specials ? 1 : 0, windowTokens - specials);
    }

    /** A text's special tokens and content ids; {@code whole}: the content is the entire text's. */
    private record Encoded(long[] lead, long[] leadTypes, long[] content, long[] contentTypes, long[] words,
                           long[] trail, long[] trailTypes, boolean whole) {
    }

    private Encoded encodePrefix(String text, int windowTokens, int maxWindows, int overlap) {
        // The specials are not counted yet, so the widest window is assumed; one more token than fits tells "cut".
        int width = contentWidth(windowTokens, 0);
        int step = Math.max(1, width - Math.min(overlap, width - 1));
        long needed = width + (long) (maxWindows - 1) * step + 1;
        long most = Math.max(ALWAYS_READ_CHARS, needed * MAX_CHARS_PER_TOKEN);
        int budget = (int) Math.min(text.length(), Math.max(256, needed * FIRST_CHARS_PER_TOKEN));
        while (true) {
            int end = budget >= text.length() ? text.length() : cut(text, budget);
            Encoding enc = tokenizer.encode(end == text.length() ? text : text.substring(0, end));
            long[] ids = enc.getIds();
            long[] types = enc.getTypeIds();
            long[] special = enc.getSpecialTokenMask();
            int lead = 0;
            while (lead < ids.length && special[lead] == 1) {
                lead++;
            }
            int stop = ids.length;
            while (stop > lead && special[stop - 1] == 1) {
                stop--;
            }
            int contentEnd = stop;
            boolean whole = end == text.length();
            long[] words = enc.getWordIds();
            if (!whole && contentEnd > lead) {
                long last = words[contentEnd - 1];
                int withoutLast = contentEnd;
                while (withoutLast > lead && words[withoutLast - 1] == last) {
                    withoutLast--;
                }
                // A prefix that is all one word keeps it once the prefix cannot grow: a close reading beats none.
                contentEnd = withoutLast > lead || budget < most ? withoutLast : contentEnd;
            }
            if (whole || contentEnd - lead >= needed || budget >= most) {
                return new Encoded(Arrays.copyOfRange(ids, 0, lead), Arrays.copyOfRange(types, 0, lead),
                        Arrays.copyOfRange(ids, lead, contentEnd), Arrays.copyOfRange(types, lead, contentEnd),
                        Arrays.copyOfRange(words, lead, contentEnd), Arrays.copyOfRange(ids, stop, ids.length), Arrays.copyOfRange(types, stop, ids.length), whole);
            }
            budget = (int) Math.min(Math.min(text.length(), most), 2L * budget);
        }
    }

    /** Where to end a prefix of about {@code budget} characters: before a space if one is near, never inside a pair. */
    private static int cut(String text, int budget) {
        for (int i = budget; i > budget / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(budget)) ? budget - 1 : budget;
    }

    private static TokenizedText window(Encoded e, int from, int to) {
        int n = e.lead.length + (to - from) + e.trail.length;
        long[] ids = new long[n];
        long[] types = new long[n];
        System.arraycopy(e.lead, 0, ids, 0, e.lead.length);
        System.arraycopy(e.leadTypes, 0, types, 0, e.lead.length);
        System.arraycopy(e.content, from, ids, e.lead.length, to - from);
        System.arraycopy(e.contentTypes, from, types, e.lead.length, to - from);
        System.arraycopy(e.trail, 0, ids, n - e.trail.length, e.trail.length);
        System.arraycopy(e.trailTypes, 0, types, n - e.trail.length, e.trail.length);
        return new TokenizedText(ids, types, false);
    }

    /** The vocabulary ids that stand for "not in the vocabulary": the unknown token and byte-fallback pieces. */
    private static Set<Long> unknownIds(JsonNode model) {
        JsonNode vocab = model.path("vocab");
        Set<Long> ids = new HashSet<>();
        if (vocab.isObject()) {
            String unk = model.path("unk_token").asString("");
            if (vocab.has(unk)) {
                ids.add(vocab.get(unk).asLong());
            }
            if (model.path("byte_fallback").asBoolean(false)) {
                vocab.properties().forEach(t -> {
                    if (BYTE_TOKEN.matcher(t.getKey()).matches()) {
                        ids.add(t.getValue().asLong());
                    }
                });
            }
        } else if (model.path("unk_id").isIntegralNumber()) {
            ids.add(model.path("unk_id").asLong());
        }
        return Set.copyOf(ids);
    }

    /** Ids of the pieces that are one character, continuation prefix ("##") aside. */
    private static Set<Long> singleCharacterIds(JsonNode model) {
        JsonNode vocab = model.path("vocab");
        String prefix = model.path("continuing_subword_prefix").asString("");
        Set<Long> ids = new HashSet<>();
        if (vocab.isObject()) {
            vocab.properties().forEach(t -> {
                String piece = !prefix.isEmpty() && t.getKey().startsWith(prefix) && t.getKey().length() > prefix.length()
                        ? t.getKey().substring(prefix.length()) : t.getKey();
                if (piece.codePointCount(0, piece.length()) == 1) {
                    ids.add(t.getValue().asLong());
                }
            });
        }
        return Set.copyOf(ids);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
