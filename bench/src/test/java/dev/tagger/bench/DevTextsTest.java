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

    @Test
    void readsTheTextsOfAGoEmotionsFileInFileOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "admiration\namusement\nanger\n", StandardCharsets.UTF_8);
        Path tsv = dir.resolve("dev.tsv");
        Files.writeString(tsv, "I love it\t0\teeu1\nWhy? 😂\t1,2\teeu2\nso angry\t2\teeu3\n", StandardCharsets.UTF_8);

        assertThat(DevTexts.read(tsv)).containsExactly("I love it", "Why? 😂", "so angry");
    }

    @Test
    void aLabelIdOutsideLabelsTxtRefusesTheFileAndSaysWhere(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "admiration\namusement\n", StandardCharsets.UTF_8);
        Path tsv = dir.resolve("dev.tsv");
        Files.writeString(tsv, "fine\t0\ta\nbad id\t7\tb\n", StandardCharsets.UTF_8);

        // the benchmark must not quietly run on fewer texts than the file holds
        assertThatThrownBy(() -> DevTexts.read(tsv)).isInstanceOf(IOException.class).hasMessageContaining("dev.tsv")
                .hasMessageContaining("problem");
    }

    @Test
    void withoutLabelsTxtBesideItTheFileIsRefused(@TempDir Path dir) throws IOException {
        Path tsv = dir.resolve("dev.tsv");
        Files.writeString(tsv, "I love it\t0\teeu1\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DevTexts.read(tsv)).isInstanceOf(IOException.class)
                .hasMessageContaining("labels.txt");
    }

    @Test
    void aFileWithoutTextsIsAnError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "admiration\n", StandardCharsets.UTF_8);
        Path tsv = dir.resolve("empty.tsv");
        Files.writeString(tsv, "");

        assertThatThrownBy(() -> DevTexts.read(tsv)).isInstanceOf(IOException.class).hasMessageContaining("empty.tsv")
                .hasMessageContaining("no examples");
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
