package dev.tagger.text;

import dev.tagger.TestData;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded tokenizer reads exactly what tokenizing the whole text would give (its prefixes are cut so that no
 * token changes), in windows that cover a long text whole.
 */
class TextTokenizerTest {

    private static final int MAX_TOKENS = 128;
    private static byte[] json;
    private static TextTokenizer tokenizer;
    /** The whole text at once, as the tokenizer did before it was bounded. */
    private static HuggingFaceTokenizer whole;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TextTokenizerTest.class.getResourceAsStream("/models/goemotions-minilm/tokenizer.json")) {
            json = in.readAllBytes();
        }
        tokenizer = new TextTokenizer(json, MAX_TOKENS);
        whole = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        whole.close();
    }

    /** Texts from a few characters to 30,000, with the separators, scripts and runs that make cuts hard. */
    static List<String> texts() {
        Random r = new Random(11);
        String[] pieces = {"Спасибо большое", "😂😂", "谢谢你今天真好", "naïve café", "don't", "x".repeat(150),
                "!!!!!!!!", "https://example.com/a/b?c=d&e=f"};
        String[] separators = {" ", "  ", "\n", "\t", "", " \u200b "};
        List<String> out = new ArrayList<>(TestData.SENTENCES);
        for (int n = 0; n < 60; n++) {
            StringBuilder b = new StringBuilder();
            int target = 20 + (int) Math.pow(30_000, r.nextDouble());
            while (b.length() < target) {
                b.append(r.nextInt(5) == 0 ? pieces[r.nextInt(pieces.length)]
                        : TestData.SENTENCES.get(r.nextInt(TestData.SENTENCES.size())));
                b.append(separators[r.nextInt(separators.length)]);
            }
            out.add(b.toString());
        }
        out.add("a".repeat(5_000) + " thank you");
        out.add(" ".repeat(20_000) + "thank you");
        return out;
    }

    private static long[] content(Encoding e) {
        long[] ids = e.getIds();
        return Arrays.copyOfRange(ids, 1, ids.length - 1);
    }

    @Test
    void truncationGivesTheSameTokensAsTokenizingTheWholeText() {
        for (String text : texts()) {
            long[] all = whole.encode(text).getIds();
            TokenizedText t = tokenizer.tokenize(text);
            long[] expected = all;
            if (all.length > MAX_TOKENS) {
                expected = Arrays.copyOf(all, MAX_TOKENS);
                expected[MAX_TOKENS - 1] = all[all.length - 1];
            }
            assertThat(t.ids()).as("%d characters", text.length()).containsExactly(expected);
            assertThat(t.truncated()).isEqualTo(all.length > MAX_TOKENS);
        }
    }

    @Test
    void windowsCoverTheWholeTextWithTheRequestedOverlap() {
        int overlap = 31;
        for (String text : texts()) {
            long[] all = content(whole.encode(text));
            TextWindows w = tokenizer.windows(text, MAX_TOKENS, 16, overlap);
            int width = MAX_TOKENS - 2;
            int needed = all.length <= width ? 1 : 1 + (all.length - width + (width - overlap) - 1) / (width - overlap);
            assertThat(w.complete()).as("%d tokens", all.length).isEqualTo(needed <= 16);
            assertThat(w.windows()).hasSize(Math.min(needed, 16));
            List<Long> read = new ArrayList<>();
            for (int i = 0; i < w.windows().size(); i++) {
                long[] ids = w.windows().get(i).ids();
                assertThat(ids.length).isLessThanOrEqualTo(MAX_TOKENS);
                assertThat(ids[0]).isEqualTo(101);
                assertThat(ids[ids.length - 1]).isEqualTo(102);
                int from = i == needed - 1 ? all.length - (ids.length - 2) : i * (width - overlap);
                assertThat(Arrays.copyOfRange(ids, 1, ids.length - 1)).as("window %d of %d", i, needed)
                        .containsExactly(Arrays.copyOfRange(all, from, from + ids.length - 2));
                for (int k = 1; k < ids.length - 1; k++) {
                    if (from + k - 1 >= read.size()) {
                        read.add(ids[k]);
                    }
                }
            }
            assertThat(w.tokens()).isEqualTo(read.size());
            if (w.complete()) {
                assertThat(read).hasSize(all.length);
            }
        }
    }

    @Test
    void oneWindowOfAShortTextIsTheTextAsIs() {
        TextWindows w = tokenizer.windows("I love this, thank you!", MAX_TOKENS, 16, 31);
        assertThat(w.windows()).hasSize(1);
        assertThat(w.windows().get(0).ids()).containsExactly(101, 1045, 2293, 2023, 1010, 4067, 2017, 999, 102);
        assertThat(w.complete()).isTrue();
    }

    @Test
    void aHugeTextCostsOnlyWhatItsWindowsNeed() {
        String huge = "this is a sentence that goes on and on. ".repeat(50_000);
        TextWindows one = tokenizer.windows(huge, MAX_TOKENS, 1, 0);
        assertThat(one.complete()).isFalse();
        assertThat(one.windows().get(0).length()).isEqualTo(MAX_TOKENS);
        TextWindows sixteen = tokenizer.windows(huge, MAX_TOKENS, 16, 31);
        assertThat(sixteen.complete()).isFalse();
        assertThat(sixteen.windows()).hasSize(16);
        assertThat(sixteen.tokens()).isEqualTo(15 * (126 - 31) + 126);
        // Only white space for longer than any text limit: the rest counts as unread, not as absent.
        TextWindows blank = tokenizer.windows(" ".repeat(1_000_000) + "thank you", MAX_TOKENS, 1, 0);
        assertThat(blank.complete()).isFalse();
        assertThat(blank.tokens()).isZero();
    }

    @Test
    void textsMostlyOutsideTheVocabularyHaveAHighUnknownShare() {
        assertThat(tokenizer.windows("Thank you so much, this made my day!", MAX_TOKENS, 1, 0).unknownShare()).isZero();
        assertThat(tokenizer.windows("lol xD this is sooo funny", MAX_TOKENS, 1, 0).unknownShare()).isZero();
        assertThat(tokenizer.windows("😂😂😂 🙏🙏", MAX_TOKENS, 1, 0).unknownShare()).isEqualTo(1.0);
        assertThat(tokenizer.windows("Спасибо большое, это лучший день", MAX_TOKENS, 1, 0).unknownShare()).isGreaterThan(0.5);
        assertThat(tokenizer.windows("ありがとうございます", MAX_TOKENS, 1, 0).unknownShare()).isGreaterThan(0.5);
        assertThat(tokenizer.windows("thank you so much for everything you did for us, спасибо", MAX_TOKENS, 1, 0).unknownShare())
                .isBetween(0.1, 0.5);
    }
}
