package dev.tagger.datasets;

import static dev.tagger.datasets.DatasetTestSupport.parse;
import static dev.tagger.datasets.DatasetTestSupport.where;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetParserJsonlTest {

    private static final List<String> AB = List.of("a", "b");

    @Test
    void acceptsValidRowsAndSkipsBlankLines() {
        DatasetReport report = parse(DatasetFormat.JSONL, null, """
                {"text": "I love it", "labels": ["joy", "love"]}

                   \t
                {"text": "nothing here", "labels": []}
                {"labels": ["anger"], "text": "grr", "id": 17, "source": {"x": 1}}
                """);

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.rowsRead()).isEqualTo(3);
        assertThat(report.rejectedRows()).isZero();
        assertThat(report.examples()).containsExactly(
                Example.of("I love it", "joy", "love"),
                Example.of("nothing here"),
                Example.of("grr", "anger"));
        // derived label list: alphabetical, not order of appearance
        assertThat(report.labels()).containsExactly("anger", "joy", "love");
        assertThat(report.stats().unlabeled()).isEqualTo(1);
    }

    @Test
    void collectsEveryProblemWithItsLineAndField() {
        String input = String.join("\n",
                "{\"text\": \"good\", \"labels\": [\"a\", \"b\"]}",          // 1 ok
                "",                                                           // 2 blank
                "{\"text\": \"negative\", \"labels\": []}",                  // 3 ok
                "not json",                                                   // 4
                "[1, 2]",                                                     // 5 not an object
                "{\"labels\": [\"a\"]}",                                     // 6 missing text
                "{\"text\": \"   \", \"labels\": [\"a\"]}",                  // 7 blank text
                "{\"text\": 5, \"labels\": [\"a\"]}",                        // 8 non-string text
                "{\"text\": \"x\", \"labels\": \"a\"}",                      // 9 labels not an array
                "{\"text\": \"x\", \"labels\": [\"a\", 3]}",                 // 10 non-string label
                "{\"text\": \"x\", \"labels\": [\"a\", \"a\"]}",             // 11 duplicate label
                "{\"text\": \"x\", \"labels\": [\"zzz\"]}",                  // 12 unknown label
                "{\"text\": \"x\"}",                                          // 13 missing labels
                "{\"text\": \"x\", \"labels\": [\"a\"]} trailing",          // 14 trailing garbage
                "{\"text\": \"x\", \"text\": \"y\", \"labels\": []}",        // 15 duplicate key
                "{\"text\": \"eleven char\", \"labels\": []}",               // 16 over maxTextChars 10
                "{\"text\": \"ok\", \"labels\": [\" b \"], \"id\": 7}",      // 17 ok, label trimmed
                "{\"text\": \"x\", \"labels\": [\"\"]}",                     // 18 blank label
                "{\"text\": null, \"labels\": null}",                        // 19 two problems
                "\"just a string\"");                                         // 20 not an object

        DatasetReport report = parse(DatasetFormat.JSONL, AB, DatasetLimits.DEFAULTS.withMaxTextChars(10), input);

        assertThat(where(report)).containsExactly(
                "4:null", "5:null", "6:text", "7:text", "8:text", "9:labels", "10:labels", "11:labels",
                "12:labels", "13:labels", "14:null", "15:null", "16:text", "18:labels", "19:text", "19:labels",
                "20:null");
        assertThat(report.problemCount()).isEqualTo(17);
        assertThat(report.ok()).isFalse();
        assertThat(report.rowsRead()).isEqualTo(19);
        assertThat(report.rejectedRows()).isEqualTo(16);
        assertThat(report.examples()).containsExactly(
                Example.of("good", "a", "b"), Example.of("negative"), Example.of("ok", "b"));

        assertThat(message(report, 4)).startsWith("not valid JSON");
        assertThat(message(report, 5)).contains("JSON object").contains("found array");
        assertThat(message(report, 6)).contains("missing \"text\"");
        assertThat(message(report, 7)).isEqualTo("text is blank");
        assertThat(message(report, 8)).contains("found number");
        assertThat(message(report, 9)).contains("array of strings").contains("found string");
        assertThat(message(report, 10)).contains("labels[1]").contains("found number");
        assertThat(message(report, 11)).contains("'a'").contains("more than once");
        assertThat(message(report, 12)).contains("unknown label 'zzz'");
        assertThat(message(report, 13)).contains("missing \"labels\"").contains("[]");
        assertThat(message(report, 16)).contains("11 characters").contains("maxTextChars");
        assertThat(message(report, 18)).contains("blank");
        assertThat(message(report, 20)).contains("found string");
    }

    @Test
    void givenLabelListKeepsItsOrderAndCountsUnusedLabelsAsZero() {
        DatasetReport report = parse(DatasetFormat.JSONL, List.of("z", "a", "m"), """
                {"text": "one", "labels": ["a"]}
                {"text": "two", "labels": ["a", "z"]}
                """);
        assertThat(report.problems()).isEmpty();
        assertThat(report.labels()).containsExactly("z", "a", "m");
        assertThat(report.stats().labelCounts()).containsExactly(
                org.assertj.core.api.Assertions.entry("z", 1L),
                org.assertj.core.api.Assertions.entry("a", 2L),
                org.assertj.core.api.Assertions.entry("m", 0L));
    }

    @Test
    void handlesCrlfLineEndingsBomAndNoFinalNewline() {
        DatasetReport report = parse(DatasetFormat.JSONL, null,
                "\uFEFF{\"text\": \"a\", \"labels\": [\"x\"]}\r\n{\"text\": \"b\\nc\", \"labels\": []}");
        assertThat(report.problems()).isEmpty();
        assertThat(report.examples()).containsExactly(Example.of("a", "x"), Example.of("b\nc"));
    }

    @Test
    void keepsTextExactlyAsGivenIncludingUnicodeAndSurroundingSpace() {
        DatasetReport report = parse(DatasetFormat.JSONL, null,
                "{\"text\": \"  caf\\u00e9 \u00fc\u00df \uD83D\uDE00 \", \"labels\": []}\n");
        assertThat(report.examples()).containsExactly(Example.of("  café üß 😀 "));
    }

    @Test
    void rejectsUnpairedSurrogateEscapes() {
        DatasetReport report = parse(DatasetFormat.JSONL, null, """
                {"text": "broken \\ud800 here", "labels": []}
                {"text": "pair \\ud83d\\ude00 fine", "labels": []}
                """);
        assertThat(where(report)).containsExactly("1:text");
        assertThat(report.problems().get(0).message()).contains("surrogate");
        assertThat(report.examples()).containsExactly(Example.of("pair 😀 fine"));
    }

    @Test
    void rejectsControlCharactersInLabels() {
        DatasetReport report = parse(DatasetFormat.JSONL, null, """
                {"text": "t", "labels": ["a\\u0007b"]}
                """);
        assertThat(where(report)).containsExactly("1:labels");
        assertThat(report.problems().get(0).message()).contains("control character");
    }

    @Test
    void sinkVariantStreamsExamplesAndKeepsNoneInTheReport() throws IOException {
        List<Example> received = new ArrayList<>();
        byte[] input = DatasetTestSupport.utf8("""
                {"text": "a", "labels": ["x"]}
                {"text": "", "labels": []}
                {"text": "b", "labels": []}
                """);
        DatasetReport report = new DatasetParser(DatasetFormat.JSONL, null, DatasetLimits.DEFAULTS)
                .parse(new ByteArrayInputStream(input), received::add);
        assertThat(received).containsExactly(Example.of("a", "x"), Example.of("b"));
        assertThat(report.examples()).isEmpty();
        assertThat(report.rows()).isEqualTo(2);
        assertThat(where(report)).containsExactly("2:text");
    }

    private static String message(DatasetReport report, long line) {
        return report.problems().stream().filter(p -> p.line() == line).findFirst().orElseThrow().message();
    }
}
