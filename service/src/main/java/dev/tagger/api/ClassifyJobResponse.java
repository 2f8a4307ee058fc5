package dev.tagger.api;

import dev.tagger.bulk.BulkJob;
import dev.tagger.bulk.BulkJobs;
import dev.tagger.bulk.BulkOptions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A bulk classification job as the API shows it. */
@Schema(name = "ClassifyJob", description = "A bulk classification job")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassifyJobResponse(
        String id,
        @Schema(allowableValues = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) String status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @Schema(description = "dataset:<id> or upload:<file name>") String source,
        @Schema(allowableValues = {"jsonl", "csv", "txt", "dataset"}) String format,
        @Schema(description = "Texts in the job") long total,
        @Schema(description = "Texts with a result line so far") long processed,
        @JsonProperty("failed_texts") @Schema(description = "Result lines that carry an error instead of labels")
        long failedTexts,
        @JsonProperty("texts_per_second") @Schema(description = "While running: texts per second since it (re)started")
        Double textsPerSecond,
        @JsonProperty("eta_seconds") @Schema(description = "While running: seconds left at that rate") Double etaSeconds,
        @Schema(description = "The /classify options it runs with") Options options,
        @Schema(description = "The model answering it, fixed by its first results") ClassifyResponse.ModelRef model,
        @Schema(description = "Why it failed") String error,
        @JsonProperty("cancel_requested") @Schema(description = "A cancel was asked while it ran; it stops at its next "
                + "chunk") boolean cancelRequested,
        @Schema(description = "Where its results (JSONL) and its event stream are") Links links) {

    @Schema(name = "ClassifyJobOptions")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Options(Float threshold, @JsonProperty("top_k") Integer topK,
                          @JsonProperty("all_scores") boolean allScores, @JsonProperty("long_text") String longText,
                          String aggregation, Integer window, Integer stride) {
    }

    @Schema(name = "ClassifyJobLinks")
    public record Links(String self, String results, String events) {
    }

    @Schema(name = "ClassifyJobList", description = "Jobs newest first")
    public record Items(List<ClassifyJobResponse> items) {
    }

    static ClassifyJobResponse of(BulkJobs.View v) {
        BulkJob j = v.job();
        BulkOptions o = j.options();
        String self = "/classify-jobs/" + j.id();
        return new ClassifyJobResponse(j.id(), j.status().name(), j.createdAt(), j.startedAt(), j.finishedAt(),
                j.source(), j.format(), j.total(), j.processed(), j.failedTexts(),
                v.textsPerSecond() == null ? null : Math.round(v.textsPerSecond() * 10) / 10.0,
                v.etaSeconds() == null ? null : Math.round(v.etaSeconds() * 10) / 10.0,
                new Options(o.threshold(), o.topK(), o.allScores(), o.longText(), o.aggregation(), o.window(),
                        o.stride()),
                j.modelVersion() == null ? null : new ClassifyResponse.ModelRef(j.modelId(), j.modelVersion()),
                j.error(), j.cancelRequested(), new Links(self, self + "/results", self + "/events"));
    }
}
