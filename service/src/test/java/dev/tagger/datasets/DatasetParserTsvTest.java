package dev.tagger.datasets;

import static dev.tagger.datasets.DatasetTestSupport.parse;
import static dev.tagger.datasets.DatasetTestSupport.where;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatasetParserTsvTest {

    private static final List<String> XYZ = List.of("x", "y", "z");

    @Test
    void mapsLabelIdsToNamesAndReportsBadRows() {
        String input = String.join("\n",
                "hello\t0,2\tid1",           // 1 ok
                "negative\t\tid2",           // 2 ok, no labels
                "two columns\t1",            // 3
                "not int\ta\tid4",           // 4
                "out of range\t3\tid5",      // 5
                "negative id\t-1\tid6",      // 6
                "duplicate\t1,1\tid7",       // 7
                "\t1\tid8",                  // 8 blank text
                "four\t1\tid9\textra",       // 9
                "empty id\t0,,1\tid10",      // 10
                "huge\t99999999999999999999\tid11", // 11
                "spaces\t 1 , 2 \tid12",     // 12 ok
                "\"quotes\" stay\t2\tid13"); // 13 ok: no quoting in TSV

        DatasetReport report = parse(DatasetFormat.TSV, XYZ, input);

        assertThat(where(report)).containsExactly(
                "3:null", "4:labels", "5:labels", "6:labels", "7:labels", "8:text", "9:null", "10:labels",
                "11:labels");
        assertThat(report.problems().get(0).message())
                .isEqualTo("expected 3 tab-separated columns (text, label ids, id), found 2");
        assertThat(report.problems().get(1).message()).isEqualTo("label id 'a' is not an integer");
        assertThat(report.problems().get(2).message())
                .isEqualTo("label id 3 is out of range: the label list has 3 labels (ids 0 to 2)");
        assertThat(report.problems().get(3).message()).contains("-1 is out of range");
        assertThat(report.problems().get(4).message()).contains("'y'").contains("more than once");
        assertThat(report.problems().get(6).message()).contains("found 4");
        assertThat(report.problems().get(8).message()).contains("out of range");
        assertThat(report.examples()).containsExactly(
                Example.of("hello", "x", "z"),
                Example.of("negative"),
                Example.of("spaces", "y", "z"),
                Example.of("\"quotes\" stay", "z"));
        assertThat(report.labels()).containsExactly("x", "y", "z");
        assertThat(report.stats().labelCounts()).containsEntry("x", 1L).containsEntry("y", 1L)
                .containsEntry("z", 3L);
    }

    @Test
    void needsTheLabelList() {
        DatasetReport report = parse(DatasetFormat.TSV, null, "hello\t0\tid1\n");
        assertThat(where(report)).containsExactly("0:labels");
        assertThat(report.problems().get(0).message()).contains("label list");
        assertThat(report.rowsRead()).isZero();
    }

    @Test
    void invalidLabelListEntriesAreProblems() {
        DatasetReport report = parse(DatasetFormat.TSV, java.util.Arrays.asList("a", " ", "a", null, "b"),
                "t\t0\tid\n");
        assertThat(where(report)).containsExactly("0:labels", "0:labels", "0:labels");
        assertThat(report.problems()).extracting(DatasetProblem::message).containsExactly(
                "label list entry 2 is blank",
                "label 'a' appears more than once in the label list",
                "label list entry 4 is blank");
    }

    @Test
    void readLabelsTrimsAndSkipsBlankLinesWithOrWithoutFinalNewline() throws IOException {
        assertThat(DatasetParser.readLabels(stream("\uFEFFjoy\r\n anger \n\nlove"))).containsExactly(
                "joy", "anger", "love");
        assertThat(DatasetParser.readLabels(stream("a\nb\n"))).containsExactly("a", "b");
        assertThatThrownBy(() -> DatasetParser.readLabels(new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF})))
                .isInstanceOf(IOException.class).hasMessageContaining("UTF-8");
    }

    // ---- GoEmotions (skipped when ../shared/datasets/goemotions is absent) -----------------------------------

    @Test
    void goEmotionsLabelsFileHas28Labels() throws IOException {
        List<String> labels = DatasetParser.readLabels(goEmotions().resolve("labels.txt"));
        assertThat(labels).hasSize(28);
        assertThat(labels.get(0)).isEqualTo("admiration");
        assertThat(labels.get(27)).isEqualTo("neutral");
    }

    @Test
    void goEmotionsTrainParsesCompletely() throws IOException {
        checkGoEmotionsFile("train.tsv");
    }

    @Test
    void goEmotionsDevParsesCompletely() throws IOException {
        checkGoEmotionsFile("dev.tsv");
    }

    private static void checkGoEmotionsFile(String file) throws IOException {
        Path dir = goEmotions();
        Path path = dir.resolve(file);
        List<String> labels = DatasetParser.readLabels(dir.resolve("labels.txt"));
        long expectedRows;
        long expectedNeutral;
        String firstText;
        try (Stream<String> lines = Files.lines(path, StandardCharsets.UTF_8)) {
            List<String> all = lines.filter(l -> !l.isBlank()).toList();
            expectedRows = all.size();
            expectedNeutral = all.stream().filter(l -> List.of(l.split("\t")[1].split(",")).contains("27")).count();
            firstText = all.get(0).split("\t")[0];
        }

        DatasetReport report;
        try (InputStream in = Files.newInputStream(path)) {
            report = new DatasetParser(DatasetFormat.TSV, labels, DatasetLimits.DEFAULTS).parse(in);
        }

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.rowsRead()).isEqualTo(expectedRows);
        assertThat(report.rows()).isEqualTo(expectedRows);
        assertThat(report.examples()).hasSize((int) expectedRows);
        assertThat(report.labels()).isEqualTo(labels).hasSize(28);
        assertThat(report.stats().labelCounts()).hasSize(28).containsEntry("neutral", expectedNeutral);
        assertThat(report.stats().labelCounts().values()).allMatch(count -> count > 0);
        assertThat(report.stats().unlabeled()).isZero();
        assertThat(report.examples().get(0).text()).isEqualTo(firstText);
        assertThat(report.examples()).allMatch(e -> !e.labels().isEmpty() && !e.text().isBlank());
        TextLengthStats lengths = report.stats().textLength();
        assertThat(lengths.p50()).isPositive().isLessThanOrEqualTo(lengths.p90());
        assertThat(lengths.p90()).isLessThanOrEqualTo(lengths.p99());
        assertThat(lengths.p99()).isLessThanOrEqualTo(lengths.max());
        assertThat(lengths.max()).isLessThanOrEqualTo(DatasetLimits.DEFAULTS.maxTextChars());
    }

    /** The GoEmotions folder: -Dtagger.datasets, else ../shared/datasets/goemotions beside the repository; skips the test when absent. */
    static Path goEmotions() {
        String configured = System.getProperty("tagger.datasets");
        Path dir = (configured != null ? Path.of(configured) : Path.of("../../shared/datasets/goemotions"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(dir.resolve("train.tsv")) && Files.isRegularFile(dir.resolve("dev.tsv"))
                        && Files.isRegularFile(dir.resolve("labels.txt")),
                "GoEmotions not found at " + dir + " (set -Dtagger.datasets=...); skipping");
        return dir;
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
