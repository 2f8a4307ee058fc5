package dev.tagger.datasets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetFormatTest {

    @Test
    void detectsFromFileNameEndingInAnyCaseIgnoringDirectories() {
        assertThat(DatasetFormat.fromFilename("train.jsonl")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromFilename("TRAIN.JSONL")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromFilename("data.ndjson")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromFilename("/home/u/data.csv")).contains(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromFilename("C:\\Users\\u\\dev.tsv")).contains(DatasetFormat.TSV);
        assertThat(DatasetFormat.fromFilename("goemotions.tab")).contains(DatasetFormat.TSV);
    }

    @Test
    void fileNamesThatSayNothingGiveNoFormat() {
        assertThat(DatasetFormat.fromFilename("data.txt")).isEmpty();
        assertThat(DatasetFormat.fromFilename("data.json")).isEmpty();
        assertThat(DatasetFormat.fromFilename("csv")).isEmpty();
        assertThat(DatasetFormat.fromFilename(".csv")).isEmpty();
        assertThat(DatasetFormat.fromFilename("data.csv.gz")).isEmpty();
        assertThat(DatasetFormat.fromFilename("dir.csv/data")).isEmpty();
        assertThat(DatasetFormat.fromFilename(null)).isEmpty();
    }

    @Test
    void detectsFromContentTypeIgnoringParametersAndCase() {
        assertThat(DatasetFormat.fromContentType("text/csv; charset=utf-8")).contains(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromContentType("Text/CSV")).contains(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromContentType("application/x-ndjson")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromContentType("application/jsonl")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromContentType("text/tab-separated-values")).contains(DatasetFormat.TSV);
    }

    @Test
    void genericContentTypesGiveNoFormat() {
        assertThat(DatasetFormat.fromContentType("text/plain")).isEmpty();
        assertThat(DatasetFormat.fromContentType("application/octet-stream")).isEmpty();
        assertThat(DatasetFormat.fromContentType("application/json")).isEmpty();
        assertThat(DatasetFormat.fromContentType("")).isEmpty();
        assertThat(DatasetFormat.fromContentType(null)).isEmpty();
    }

    @Test
    void explicitNamesAreAcceptedInAnyCaseWithOrWithoutDot() {
        assertThat(DatasetFormat.fromName("JSONL")).isEqualTo(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromName("ndjson")).isEqualTo(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromName(" csv ")).isEqualTo(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromName(".tsv")).isEqualTo(DatasetFormat.TSV);
        assertThatThrownBy(() -> DatasetFormat.fromName("xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'xml'");
        assertThatThrownBy(() -> DatasetFormat.fromName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolvePrefersOverrideThenFileNameThenContentType() {
        assertThat(DatasetFormat.resolve("tsv", "data.csv", "application/x-ndjson")).isEqualTo(DatasetFormat.TSV);
        assertThat(DatasetFormat.resolve(null, "data.csv", "application/x-ndjson")).isEqualTo(DatasetFormat.CSV);
        assertThat(DatasetFormat.resolve(" ", "upload.bin", "application/x-ndjson")).isEqualTo(DatasetFormat.JSONL);
        assertThat(DatasetFormat.resolve(null, null, "text/csv")).isEqualTo(DatasetFormat.CSV);
    }

    @Test
    void resolveFailsClearlyWhenNothingTellsTheFormat() {
        assertThatThrownBy(() -> DatasetFormat.resolve(null, "upload.bin", "application/octet-stream"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upload.bin")
                .hasMessageContaining("jsonl, csv or tsv");
        assertThatThrownBy(() -> DatasetFormat.resolve("yaml", "data.csv", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
