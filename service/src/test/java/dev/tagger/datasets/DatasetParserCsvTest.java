package dev.tagger.datasets;

import static dev.tagger.datasets.DatasetTestSupport.parse;
import static dev.tagger.datasets.DatasetTestSupport.where;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetParserCsvTest {

    @Test
    void parsesQuotingEdgeCases() {
        String input = String.join("\n",
                "text,labels",                       // 1
                "hello,a",                           // 2
                "\"with, comma\",\"a;b\"",           // 3
                "\"say \"\"hi\"\"\",b|a",            // 4 doubled quotes
                "\"multi",                           // 5 line break inside quotes...
                "line\",",                           // 6 ...and an empty labels field
                "plain,\"a,b\"",                     // 7 commas between labels need quotes
                "\"\"\"\",a",                        // 8 a text that is one quote
                "\"\",a",                            // 9 empty quoted text: blank
                "\"spaced \"\" \"\"quotes\"\" \",\" a ; b \"") + "\n"; // 10

        DatasetReport report = parse(DatasetFormat.CSV, null, input);

        assertThat(where(report)).containsExactly("9:text");
        assertThat(report.examples()).containsExactly(
                Example.of("hello", "a"),
                Example.of("with, comma", "a", "b"),
                Example.of("say \"hi\"", "b", "a"),
                Example.of("multi\nline"),
                Example.of("plain", "a", "b"),
                Example.of("\"", "a"),
                Example.of("spaced \" \"quotes\" ", "a", "b"));
        assertThat(report.rowsRead()).isEqualTo(8); // the record on lines 5-6 is one row
        assertThat(report.rejectedRows()).isEqualTo(1);
    }

    @Test
    void reportsSyntaxAndValidationProblemsOnTheirLines() {
        String input = String.join("\n",
                "text,labels",           // 1
                "fine,a",                // 2
                "bad\"quote,a",          // 3 quote inside an unquoted field
                "\"closed\"x,a",         // 4 text after a closing quote
                "only one field",        // 5
                "too,many,fields",       // 6
                ",a",                    // 7 blank text
                "ok,c",                  // 8 unknown label
                "dup,a;a",               // 9 duplicate label
                "\"quoted\nover\",zzz",  // 10-11 unknown label, reported on the line the record starts
                "last,b");               // 12

        DatasetReport report = parse(DatasetFormat.CSV, List.of("a", "b"), input);

        assertThat(where(report)).containsExactly(
                "3:null", "4:null", "5:null", "6:null", "7:text", "8:labels", "9:labels", "10:labels");
        assertThat(report.problems().get(0).message()).contains("quote inside an unquoted field");
        assertThat(report.problems().get(1).message()).contains("after a closing quote");
        assertThat(report.problems().get(2).message()).isEqualTo("expected 2 fields as in the header, found 1");
        assertThat(report.problems().get(3).message()).isEqualTo("expected 2 fields as in the header, found 3");
        assertThat(report.examples()).containsExactly(Example.of("fine", "a"), Example.of("last", "b"));
        assertThat(report.rowsRead()).isEqualTo(10);
        assertThat(report.rejectedRows()).isEqualTo(8);
    }

    @Test
    void unterminatedQuoteIsReportedOnTheLineItOpens() {
        DatasetReport report = parse(DatasetFormat.CSV, null, "text,labels\nok,a\n\"never closed,a\nmore,b\n");
        assertThat(where(report)).containsExactly("3:null");
        assertThat(report.problems().get(0).message()).contains("opened on line 3").contains("never closed");
        assertThat(report.examples()).containsExactly(Example.of("ok", "a"));
    }

    @Test
    void headerIsRequired() {
        DatasetReport report = parse(DatasetFormat.CSV, null, "hello,a\nworld,b\n");
        assertThat(where(report)).containsExactly("1:null");
        assertThat(report.problems().get(0).message()).contains("'text' and 'labels'").contains("hello,a");
        assertThat(report.rowsRead()).isZero();
        assertThat(report.examples()).isEmpty();
    }

    @Test
    void headerMayHaveOtherColumnsInAnyOrderAndCase() {
        DatasetReport report = parse(DatasetFormat.CSV, null, " id ,Labels,TEXT\n1,a|b,first\n2,,second\n");
        assertThat(report.problems()).isEmpty();
        assertThat(report.examples()).containsExactly(Example.of("first", "a", "b"), Example.of("second"));
    }

    @Test
    void headerNamingAColumnTwiceIsAProblem() {
        DatasetReport report = parse(DatasetFormat.CSV, null, "text,labels,text\na,b,c\n");
        assertThat(where(report)).containsExactly("1:text");
        assertThat(report.problems().get(0).message()).contains("twice");
    }

    @Test
    void handlesBomCrlfAndCrlfInsideQuotes() {
        DatasetReport report = parse(DatasetFormat.CSV, null,
                "\uFEFFtext,labels\r\n\"two\r\nlines\",a\r\nthird,b\r\n");
        assertThat(report.problems()).isEmpty();
        assertThat(report.examples()).containsExactly(Example.of("two\nlines", "a"), Example.of("third", "b"));
    }

    @Test
    void skipsBlankLinesOutsideQuotesButKeepsThemInside() {
        DatasetReport report = parse(DatasetFormat.CSV, null, "\ntext,labels\n\nfirst,a\n\n\"para\n\nnext\",b\n\n");
        assertThat(report.problems()).isEmpty();
        assertThat(report.examples()).containsExactly(Example.of("first", "a"), Example.of("para\n\nnext", "b"));
    }

    @Test
    void labelSeparatorsAndEmptyLabelCells() {
        DatasetReport report = parse(DatasetFormat.CSV, null,
                "text,labels\nt1,a;b|c\nt2,\"x, y\"\nt3,\nt4,\" ; \"\n");
        assertThat(report.problems()).isEmpty();
        assertThat(report.examples()).containsExactly(
                Example.of("t1", "a", "b", "c"), Example.of("t2", "x", "y"), Example.of("t3"), Example.of("t4"));
        assertThat(report.stats().unlabeled()).isEqualTo(2);
    }

    @Test
    void invalidUtf8InsideAMultiLineRecordRejectsThatRecordOnly() {
        byte[] input = DatasetTestSupport.concat(
                DatasetTestSupport.utf8("text,labels\nok,a\n\"spans\n"),
                new byte[] {'b', 'a', 'd', (byte) 0xC3, '\n'},
                DatasetTestSupport.utf8("end\",b\nafter,c\n"));
        DatasetReport report = parse(DatasetFormat.CSV, null, DatasetLimits.DEFAULTS, input);
        assertThat(where(report)).containsExactly("4:null");
        assertThat(report.problems().get(0).message()).isEqualTo("invalid UTF-8 at byte 4 of the line");
        assertThat(report.examples()).containsExactly(Example.of("ok", "a"), Example.of("after", "c"));
    }

    @Test
    void emptyFileAndHeaderOnlyHaveNoExamples() {
        assertThat(parse(DatasetFormat.CSV, null, "").problems())
                .extracting(DatasetProblem::message).containsExactly("no examples: the input has no data rows");
        DatasetReport headerOnly = parse(DatasetFormat.CSV, null, "text,labels\n");
        assertThat(headerOnly.problemCount()).isEqualTo(1);
        assertThat(headerOnly.problems().get(0).line()).isZero();
    }
}
