package dev.tagger.datasets;

import static dev.tagger.datasets.DatasetTestSupport.concat;
import static dev.tagger.datasets.DatasetTestSupport.parse;
import static dev.tagger.datasets.DatasetTestSupport.utf8;
import static dev.tagger.datasets.DatasetTestSupport.where;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits, encoding and the problem cap, which all formats share. */
class DatasetParserLimitsTest {

    private static String jsonl(int rows) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append("{\"text\": \"row ").append(i).append("\", \"labels\": []}\n");
        }
        return sb.toString();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(DatasetLimits.DEFAULTS.maxRows()).isEqualTo(1_000_000);
        assertThat(DatasetLimits.DEFAULTS.maxTextChars()).isEqualTo(10_000);
        assertThat(DatasetLimits.DEFAULTS.maxLabels()).isEqualTo(1_000);
        assertThat(DatasetLimits.DEFAULTS.maxBytes()).isEqualTo(200L * 1024 * 1024);
        assertThatThrownBy(() -> new DatasetLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maxRowsEndsTheParseAtTheFirstRowTooMany() {
        String input = jsonl(3) + "not json\n";
        DatasetReport report = parse(DatasetFormat.JSONL, null, DatasetLimits.DEFAULTS.withMaxRows(2), input);
        assertThat(where(report)).containsExactly("3:null");
        assertThat(report.problems().get(0).message()).isEqualTo("more than 2 rows, the limit (maxRows)");
        assertThat(report.rowsRead()).isEqualTo(2);
        assertThat(report.ok()).isFalse();

        assertThat(parse(DatasetFormat.JSONL, null, DatasetLimits.DEFAULTS.withMaxRows(3), jsonl(3)).ok()).isTrue();
    }

    @Test
    void maxRowsCountsCsvRecordsNotLines() {
        String input = "text,labels\n\"a\nb\",x\n\"c\nd\",y\n";
        assertThat(parse(DatasetFormat.CSV, null, DatasetLimits.DEFAULTS.withMaxRows(2), input).ok()).isTrue();
    }

    @Test
    void maxBytesRejectsAnInputOneByteOver() {
        byte[] input = utf8(jsonl(5));
        DatasetReport exact = parse(DatasetFormat.JSONL, null,
                DatasetLimits.DEFAULTS.withMaxBytes(input.length), input);
        assertThat(exact.ok()).isTrue();

        DatasetReport over = parse(DatasetFormat.JSONL, null,
                DatasetLimits.DEFAULTS.withMaxBytes(input.length - 1), input);
        assertThat(over.ok()).isFalse();
        assertThat(where(over)).containsExactly("0:null");
        assertThat(over.problems().get(0).message()).contains("maxBytes").contains(String.valueOf(input.length - 1));
    }

    @Test
    void maxTextCharsCountsCodePoints() {
        // three emoji: 3 code points, 6 UTF-16 chars
        DatasetLimits three = DatasetLimits.DEFAULTS.withMaxTextChars(3);
        DatasetReport report = parse(DatasetFormat.JSONL, null, three, """
                {"text": "😀😀😀", "labels": []}
                {"text": "😀😀😀😀", "labels": []}
                """);
        assertThat(where(report)).containsExactly("2:text");
        assertThat(report.problems().get(0).message())
                .isEqualTo("text has 4 characters, more than the limit of 3 (maxTextChars)");
        assertThat(report.stats().textLength().max()).isEqualTo(3);
    }

    @Test
    void truncateCutsOverlongTextsAtACodePointAndCountsThem() throws IOException {
        DatasetLimits three = DatasetLimits.DEFAULTS.withMaxTextChars(3);
        String input = """
                {"text": "😀😀😀", "labels": ["a"]}
                {"text": "😀😀😀😀", "labels": ["b"]}
                {"text": "abcdefgh", "labels": []}
                """;
        DatasetReport report = new DatasetParser(DatasetFormat.JSONL, null, three).longTexts(LongTexts.TRUNCATE)
                .parse(new ByteArrayInputStream(utf8(input)));

        assertThat(report.ok()).isTrue();
        assertThat(report.examples()).extracting(Example::text).containsExactly("😀😀😀", "😀😀😀", "abc");
        assertThat(report.examples().get(1).labels()).containsExactly("b");
        assertThat(report.stats().truncatedTexts()).isEqualTo(2);
        assertThat(report.stats().textLength().max()).isEqualTo(3);
        // the default still refuses, and counts nothing as truncated
        DatasetReport reject = parse(DatasetFormat.JSONL, null, three, input);
        assertThat(where(reject)).containsExactly("2:text", "3:text");
        assertThat(reject.stats().truncatedTexts()).isZero();
    }

    @Test
    void theLongTextsOptionIsRejectOrTruncate() {
        assertThat(LongTexts.parse(" Truncate ")).isEqualTo(LongTexts.TRUNCATE);
        assertThat(LongTexts.parse("reject")).isEqualTo(LongTexts.REJECT);
        assertThatThrownBy(() -> LongTexts.parse("chunk")).hasMessageContaining("'reject' or 'truncate'")
                .hasMessageContaining("chunk");
    }

    @Test
    void maxLabelsLimitsDistinctDerivedLabelsAndTheGivenList() {
        DatasetLimits two = DatasetLimits.DEFAULTS.withMaxLabels(2);
        DatasetReport derived = parse(DatasetFormat.JSONL, null, two, """
                {"text": "1", "labels": ["a", "b"]}
                {"text": "2", "labels": ["b", "a"]}
                {"text": "3", "labels": ["c"]}
                {"text": "4", "labels": ["a"]}
                """);
        assertThat(where(derived)).containsExactly("3:labels");
        assertThat(derived.problems().get(0).message()).contains("more than 2 distinct labels").contains("maxLabels");
        assertThat(derived.rowsRead()).isEqualTo(3);

        DatasetReport given = parse(DatasetFormat.JSONL, List.of("a", "b", "c"), two,
                "{\"text\": \"1\", \"labels\": [\"a\"]}\n");
        assertThat(where(given)).containsExactly("0:labels");
        assertThat(given.problems().get(0).message()).contains("3 labels").contains("maxLabels");
        assertThat(given.rowsRead()).isZero();
    }

    @Test
    void invalidUtf8IsReportedWithItsLineAndTheRestIsStillParsed() {
        byte[] input = concat(
                utf8("{\"text\": \"one\", \"labels\": []}\n"),
                utf8("{\"text\": \"t"), new byte[] {(byte) 0xFF}, utf8("o\", \"labels\": []}\n"),
                utf8("{\"text\": \"three\", \"labels\": []}\n"),
                utf8("{\"text\": \"cut "), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\n"),
                utf8("{\"text\": \"ca"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\", \"labels\": []}\n"));
        DatasetReport report = parse(DatasetFormat.JSONL, null, DatasetLimits.DEFAULTS, input);
        assertThat(where(report)).containsExactly("2:null", "4:null", "5:null");
        assertThat(report.problems().get(0).message()).isEqualTo("invalid UTF-8 at byte 12 of the line");
        assertThat(report.problems().get(1).message()).isEqualTo("invalid UTF-8 at byte 15 of the line");
        assertThat(report.problems().get(2).message()).contains("invalid UTF-8"); // overlong encoding
        assertThat(report.examples()).containsExactly(Example.of("one"), Example.of("three"));
        assertThat(report.rejectedRows()).isEqualTo(3);
    }

    @Test
    void invalidUtf8InTsv() {
        byte[] input = concat(utf8("ok\t0\ta\n"), new byte[] {'b', (byte) 0x80, '\t', '0', '\t', 'b', '\n'});
        DatasetReport report = parse(DatasetFormat.TSV, List.of("l"), DatasetLimits.DEFAULTS, input);
        assertThat(where(report)).containsExactly("2:null");
        assertThat(report.problems().get(0).message()).isEqualTo("invalid UTF-8 at byte 2 of the line");
        assertThat(report.examples()).containsExactly(Example.of("ok", "l"));
    }

    @Test
    void overlongLinesAreSkippedWithoutStoppingTheParse() {
        DatasetLimits limits = DatasetLimits.DEFAULTS.withMaxTextChars(1);
        int cap = (int) limits.maxLineBytes();
        assertThat(cap).isEqualTo((1 << 20) + 12);
        String huge = "{\"text\": \"" + "x".repeat(cap) + "\", \"labels\": []}";
        String input = "{\"text\": \"a\", \"labels\": []}\n" + huge + "\n{\"text\": \"b\", \"labels\": []}\n";
        DatasetReport report = parse(DatasetFormat.JSONL, null, limits, input);
        assertThat(where(report)).containsExactly("2:null");
        assertThat(report.problems().get(0).message()).contains("longer than 1,048,588 bytes");
        assertThat(report.examples()).containsExactly(Example.of("a"), Example.of("b"));
    }

    @Test
    void keepsTheFirstHundredProblemsAndCountsAll() {
        String input = "not json\n".repeat(150) + "{\"text\": \"fine\", \"labels\": []}\n";
        DatasetReport report = parse(DatasetFormat.JSONL, null, input);
        assertThat(report.problems()).hasSize(DatasetParser.DEFAULT_MAX_PROBLEMS);
        assertThat(report.problemCount()).isEqualTo(150);
        assertThat(report.problems().get(0).line()).isEqualTo(1);
        assertThat(report.problems().get(99).line()).isEqualTo(100);
        assertThat(report.rejectedRows()).isEqualTo(150);
        assertThat(report.examples()).containsExactly(Example.of("fine"));
    }

    @Test
    void problemCapIsConfigurable() throws IOException {
        DatasetReport report = new DatasetParser(DatasetFormat.JSONL, null, DatasetLimits.DEFAULTS, 2)
                .parse(new ByteArrayInputStream(utf8("x\ny\nz\n")));
        assertThat(where(report)).containsExactly("1:null", "2:null");
        assertThat(report.problemCount()).isEqualTo(3);
    }

    @Test
    void emptyAndBlankInputsHaveNoExamples() {
        for (DatasetFormat format : DatasetFormat.values()) {
            for (String input : List.of("", "\n\n  \n", "\uFEFF")) {
                DatasetReport report = parse(format, List.of("a"), input);
                assertThat(report.problems()).as(format + " " + input.length())
                        .extracting(DatasetProblem::message)
                        .containsExactly("no examples: the input has no data rows");
            }
        }
    }

    @Test
    void readsInputsLargerThanTheReadBuffer() {
        // many lines across 64 KiB buffer boundaries
        DatasetReport report = parse(DatasetFormat.JSONL, null, jsonl(20_000));
        assertThat(report.ok()).isTrue();
        assertThat(report.rows()).isEqualTo(20_000);
        assertThat(report.examples().get(19_999)).isEqualTo(Example.of("row 19999"));
    }
}
