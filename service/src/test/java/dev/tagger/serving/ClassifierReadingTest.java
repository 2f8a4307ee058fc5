package dev.tagger.serving;

import dev.tagger.model.LongText;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.WeightSet;
import dev.tagger.text.TextWindows;
import dev.tagger.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** How a request reads long texts: its own options first, then the model's default; windows combine per label. */
class ClassifierReadingTest {

    private static ModelBundle model(LongText longText) {
        return new ModelBundle("m", "v1", null, List.of("a", "b"), new float[] {0.5f, 0.5f}, null, false, 128, null,
                new WeightSet(Map.of()), new byte[0], null, null, longText);
    }

    private static Classifier.Options options(LongText.Mode mode, LongText.Aggregation aggregation, Integer stride) {
        return new Classifier.Options(null, null, true, mode, aggregation, null, stride, 16);
    }

    @Test
    void theModelsDefaultAppliesUnlessTheRequestSaysOtherwise() {
        ModelBundle chunking = model(new LongText(LongText.Mode.CHUNK, LongText.Aggregation.MEAN, 64, 10));
        Classifier.Reading r = Classifier.Reading.of(chunking, options(null, null, null));
        assertThat(r.chunk()).isTrue();
        assertThat(r.aggregation()).isEqualTo(LongText.Aggregation.MEAN);
        assertThat(r.overlap()).isEqualTo(10);
        assertThat(r.window()).isEqualTo(64);
        assertThat(r.maxWindows()).isEqualTo(16);
        Classifier.Reading overridden = Classifier.Reading.of(chunking, options(LongText.Mode.TRUNCATE, null, null));
        assertThat(overridden.chunk()).isFalse();
        assertThat(overridden.maxWindows()).isEqualTo(1);
        assertThat(overridden.window()).as("truncation reads max_tokens").isEqualTo(128);
        Classifier.Reading narrower = Classifier.Reading.of(model(null),
                new Classifier.Options(null, null, true, LongText.Mode.CHUNK, null, 34, null, 16));
        assertThat(narrower.window()).isEqualTo(34);
        assertThat(narrower.overlap()).isEqualTo(8);
        assertThatThrownBy(() -> Classifier.Reading.of(model(null),
                new Classifier.Options(null, null, true, LongText.Mode.CHUNK, null, 129, null, 16)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.option()).isEqualTo("window"));

        Classifier.Reading plain = Classifier.Reading.of(model(null), options(LongText.Mode.CHUNK, null, null));
        assertThat(plain.aggregation()).isEqualTo(LongText.Aggregation.MAX);
        assertThat(plain.overlap()).as("a quarter of the 126-token window").isEqualTo(31);
        assertThatThrownBy(() -> Classifier.Reading.of(model(null), options(LongText.Mode.CHUNK, null, 126)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.option()).isEqualTo("stride");
                    assertThat(e.limit()).isEqualTo(125);
                });
    }

    @Test
    void theEstimateBeforeTokenizationGrowsWithTheTextAndStopsAtTheWindowLimit() {
        Classifier.Reading chunk = Classifier.Reading.of(model(null), options(LongText.Mode.CHUNK, null, null));
        assertThat(chunk.estimatedWindows("short")).isEqualTo(1);
        assertThat(chunk.estimatedWindows("x".repeat(4 * 600))).isEqualTo(6);
        assertThat(chunk.estimatedWindows("x".repeat(20_000))).isEqualTo(16);
        Classifier.Reading truncate = Classifier.Reading.of(model(null), options(null, null, null));
        assertThat(truncate.estimatedWindows("x".repeat(20_000))).isEqualTo(1);
    }

    @Test
    void windowsCombineByMaxOrMeanPerLabel() {
        float[][] perWindow = {{0.1f, 0.9f}, {0.7f, 0.1f}, {0.4f, 0.2f}, {0.3f, 0.3f}};
        List<TextWindows> read = List.of(windows(3), windows(1));
        float[][] max = Classifier.combine(perWindow, read, LongText.Aggregation.MAX);
        assertThat(max[0]).containsExactly(0.7f, 0.9f);
        assertThat(max[1]).containsExactly(0.3f, 0.3f);
        float[][] mean = Classifier.combine(perWindow, read, LongText.Aggregation.MEAN);
        assertThat(mean[0][0]).isCloseTo(0.4f, within(1e-6f));
        assertThat(mean[0][1]).isCloseTo(0.4f, within(1e-6f));
    }

    private static TextWindows windows(int n) {
        List<TokenizedText> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add(new TokenizedText(new long[3], new long[3], false));
        }
        return new TextWindows(w, true, n, 0);
    }
}
