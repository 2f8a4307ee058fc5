package dev.tagger.datasets;

import dev.tagger.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsAGoEmotionsTsvWithItsLabelsFileWithoutTheUploadLimits() throws IOException {
        Path labels = Files.writeString(dir.resolve("labels.txt"), "admiration\namusement\nanger\n");
        String longText = "x".repeat(DatasetLimits.DEFAULTS.maxTextChars() + 1);
        Path tsv = Files.writeString(dir.resolve("train.tsv"), "Ha\t1\tid1\n" + longText + "\t0,2\tid2\n",
                StandardCharsets.UTF_8);

        DatasetReport report = DatasetFiles.readGoEmotions(tsv, labels);

        assertThat(report.labels()).containsExactly("admiration", "amusement", "anger");
        assertThat(report.examples()).containsExactly(Example.of("Ha", "amusement"),
                Example.of(longText, "admiration", "anger"));
    }

    @Test
    void aFileWithAProblemIsRefusedWholeNamingTheFirst() throws IOException {
        Path labels = Files.writeString(dir.resolve("labels.txt"), "a\nb\n");
        Path tsv = Files.writeString(dir.resolve("dev.tsv"), "fine\t0\tid1\nbad\t5\tid2\n\t0\tid3\n");
        assertThatThrownBy(() -> DatasetFiles.readGoEmotions(tsv, labels)).isInstanceOf(IOException.class)
                .hasMessageContaining("dev.tsv has 2 problem(s)")
                .hasMessageContaining("line 2 [labels]: label id 5 is out of range");
    }

    @Test
    void readsAnyFormat() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "labels,text\n\"b;a\",one\n,two\n");
        DatasetReport report = DatasetFiles.read(csv, DatasetFormat.CSV, null);
        assertThat(report.examples()).containsExactly(Example.of("one", "b", "a"), Example.of("two"));
        assertThat(report.labels()).containsExactly("a", "b");
    }

    @Test
    void readsAllOfGoEmotionsDevInFileOrder() throws IOException {
        Path data = TestData.requireGoEmotions();
        List<String> lines = Files.readAllLines(data.resolve("dev.tsv"), StandardCharsets.UTF_8);
        DatasetReport dev = DatasetFiles.readGoEmotions(data.resolve("dev.tsv"), data.resolve("labels.txt"));
        assertThat(dev.labels()).hasSize(28);
        assertThat(dev.examples()).hasSize(lines.size());
        for (int i = 0; i < lines.size(); i += 97) {
            String[] cols = lines.get(i).split("\t", -1);
            Example e = dev.examples().get(i);
            assertThat(e.text()).isEqualTo(cols[0]);
            assertThat(e.labels()).containsExactlyElementsOf(
                    java.util.Arrays.stream(cols[1].split(",")).map(id -> dev.labels().get(Integer.parseInt(id)))
                            .toList());
        }
    }
}
