package dev.tagger.datasets;

import dev.tagger.TestData;
import dev.tagger.catalog.CatalogConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tagger.datasets.DatasetTestSupport.parse;
import static dev.tagger.datasets.DatasetTestSupport.where;
import static org.assertj.core.api.Assertions.assertThat;

/** Label names are limited at upload: length, control and bidirectional characters, invisible edge spaces. */
class LabelNamesTest {

    private static DatasetReport jsonl(String label) {
        String row = "{\"text\": \"fine\", \"labels\": [\"" + label + "\"]}\n";
        return parse(DatasetFormat.JSONL, null, "{\"text\": \"ok\", \"labels\": [\"joy\"]}\n" + row);
    }

    @Test
    void aLabelOfAHundredCharactersPassesAndOneMoreIsTheRowsProblem() {
        assertThat(jsonl("a".repeat(DatasetLimits.MAX_LABEL_CHARS)).ok()).isTrue();
        DatasetReport r = jsonl("a".repeat(DatasetLimits.MAX_LABEL_CHARS + 1));
        assertThat(r.ok()).isFalse();
        assertThat(where(r)).containsExactly("2:labels");
        assertThat(r.problems().get(0).message()).contains("101 characters, more than the limit of 100");
    }

    @Test
    void controlBidiAndEdgeSpaceCharactersAreRefusedWithTheLineAndField() {
        for (String bad : List.of("a\\u0007b", "a\\u2028b", "a\\u202Eb", "\\u2066joy\\u2069", "a\\u200Fb", "joy\\u00A0",
                "\\u2007joy")) {
            DatasetReport r = jsonl(bad);
            assertThat(r.ok()).as(bad).isFalse();
            assertThat(where(r)).as(bad).containsExactly("2:labels");
            assertThat(r.problems().get(0).message()).as(bad).doesNotContain("\u202E", "\u2066", "\u200F"); // JSON escapes controls; bidi marks are spelled out
        }
        assertThat(jsonl("a\\u202Eb").problems().get(0).message()).contains("bidirectional control character U+202E");
        assertThat(jsonl("joy\\u00A0").problems().get(0).message()).contains("starts or ends with a space character");
    }

    @Test
    void aGivenLabelListIsCheckedTheSameWay() {
        DatasetReport r = parse(DatasetFormat.JSONL, List.of("joy", "x\u202Ey"), "{\"text\": \"ok\", \"labels\": [\"joy\"]}\n");
        assertThat(r.ok()).isFalse();
        assertThat(where(r)).containsExactly("0:labels");
        assertThat(r.problems().get(0).message()).startsWith("label list entry 2 ");
    }

    @Test
    void ordinaryNamesInAnyScriptStillPass() {
        for (String ok : List.of("joy", "grief", "neutral", "émotion", "喜び", "радость", "שמחה", "فرح", "a b", "x-y_z.1")) {
            assertThat(jsonl(ok).ok()).as(ok).isTrue();
        }
    }

    @Test
    void theBuiltInModelsLabelsAndGoEmotionsPass() throws Exception {
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "goemotions-minilm");
        for (String label : bundle.labels()) {
            assertThat(LabelNames.problem(label)).as(label).isNull();
        }
        var dir = TestData.requireGoEmotions();
        DatasetReport dev = DatasetFiles.readGoEmotions(dir.resolve("dev.tsv"), dir.resolve("labels.txt"));
        assertThat(dev.ok()).isTrue();
        assertThat(dev.stats().labels()).hasSize(28);
    }
}
