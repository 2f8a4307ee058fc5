package dev.tagger.api;

import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetStats;
import dev.tagger.datasets.TextLengthStats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A stored dataset as the API shows it: counts, label frequencies and text-length percentiles (in characters). */
@Schema(name = "Dataset", description = "A stored dataset and the statistics of its examples.")
public record DatasetResponse(
        @Schema(description = "The dataset's id, for training_data.dataset_id and validation_data.dataset_id.",
                example = "mb2k9x1c-4fq8zr") String id,
        @Schema(description = "The name given at upload (or the file's name).", example = "feelings") String name,
        @JsonProperty("created_at") @Schema(description = "When it was stored (UTC, ISO 8601).", format = "date-time",
                example = "2025-03-04T05:06:07.123Z") String createdAt,
        @Schema(description = "The format it was uploaded in; it is stored as JSONL whatever the format.",
                example = "jsonl") String format,
        @Schema(description = "Size of the upload in bytes.", example = "214") long bytes,
        @Schema(description = "Examples stored.", example = "4") long rows,
        @Schema(description = "The label list: the one given at upload in its order, or else the labels found, "
                + "sorted.", example = "[\"anger\", \"joy\", \"love\"]") List<String> labels,
        @JsonProperty("label_counts") @Schema(description = "Examples carrying each label, in the order of 'labels'.",
                example = "{\"anger\": 1, \"joy\": 2, \"love\": 1}") Map<String, Long> labelCounts,
        @JsonProperty("label_frequencies") @Schema(description = "Share of the examples carrying each label, "
                + "rounded to 4 decimals.", example = "{\"anger\": 0.25, \"joy\": 0.5, \"love\": 0.25}")
        Map<String, Double> labelFrequencies,
        @Schema(description = "Examples with no label (a negative for every label).", example = "1") long unlabeled,
        @JsonProperty("truncated_texts") @Schema(description = "Texts cut to tagger.datasets.max-text-chars at "
                + "upload (long_texts=truncate); 0 otherwise.", example = "0") long truncatedTexts,
        @JsonProperty("text_length_chars") @Schema(description = "Text lengths in characters (code points), "
                + "nearest-rank percentiles.") TextLength textLengthChars) {

    /** Text length percentiles. */
    @Schema(name = "DatasetTextLength")
    public record TextLength(@Schema(example = "13") int p50, @Schema(example = "22") int p90,
                             @Schema(example = "24") int p99, @Schema(example = "24") int max) {
    }

    /** GET /datasets. */
    @Schema(name = "DatasetList", description = "Every stored dataset, oldest first.")
    public record Items(List<DatasetResponse> items) {
    }

    /** One problem of a refused upload, in the 422 answer's {@code errors}. */
    @Schema(name = "DatasetUploadError")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UploadError(
            @Schema(description = "1-based line of the upload (0: the whole input or an argument).", example = "3")
            long line,
            @Schema(description = "The column, key or argument concerned, where one is.", example = "labels")
            String field,
            @Schema(example = "\"labels\" must be an array of strings, found string") String message) {

        static UploadError of(DatasetProblem p) {
            return new UploadError(p.line(), p.field(), p.message());
        }
    }

    static DatasetResponse of(DatasetInfo d) {
        DatasetStats stats = d.stats();
        Map<String, Double> freq = new LinkedHashMap<>();
        stats.labelCounts().forEach((l, n) -> freq.put(l,
                d.rows() == 0 ? 0.0 : Math.round(10000.0 * n / d.rows()) / 10000.0));
        TextLengthStats len = stats.textLength();
        return new DatasetResponse(d.id(), d.name(), d.createdAt().toString(), d.format().name().toLowerCase(Locale.ROOT),
                d.bytes(), d.rows(), d.labels(), stats.labelCounts(), freq, stats.unlabeled(), stats.truncatedTexts(),
                new TextLength(len.p50(), len.p90(), len.p99(), len.max()));
    }
}
