package dev.tagger.api;

import dev.tagger.serving.ServingHistory;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** GET /serving/summary: the last minutes of serving, one sample per interval, for the console's Serving page. */
@Schema(name = "ServingSummary", description = "Throughput, latency, queue depth and per-label positive rates over "
        + "the last minutes, sampled in memory from the service's own meters (the ones /actuator/prometheus exposes)",
        example = ServingSummary.EXAMPLE)
public record ServingSummary(
        @JsonProperty("interval_seconds") @Schema(description = "Time between samples") long intervalSeconds,
        @JsonProperty("capacity") @Schema(description = "How many samples are kept (the oldest is dropped)") int capacity,
        @Schema(description = "The samples, oldest first; empty until the first interval has passed")
        List<Point> samples) {

    static final String EXAMPLE = "{\"interval_seconds\": 5, \"capacity\": 120, \"samples\": [{\"end\": "
            + "\"2026-12-02T16:10:05Z\", \"seconds\": 5.0, \"texts\": 610, \"requests\": 610, \"texts_per_second\": 122.0, "
            + "\"p50_ms\": 7.4, \"p99_ms\": 19.6, \"queue_depth\": 0, \"label_rates\": {\"gratitude\": 0.11, "
            + "\"neutral\": 0.34}, \"empty_rate\": 0.21}]}";

    /** One interval. */
    @Schema(name = "ServingSample", description = "One sampling interval")
    public record Point(
            @Schema(description = "When the interval ended (ISO-8601)") String end,
            @Schema(description = "Its length in seconds") double seconds,
            @Schema(description = "Texts classified in it") long texts,
            @Schema(description = "Requests answered in it") long requests,
            @JsonProperty("texts_per_second") @Schema(description = "texts / seconds") double textsPerSecond,
            @JsonProperty("p50_ms") @Schema(description = "Median request time in ms, interpolated in the "
                    + "histogram bucket that holds it; null without requests") Double p50Millis,
            @JsonProperty("p99_ms") @Schema(description = "99th percentile request time in ms, likewise")
            Double p99Millis,
            @JsonProperty("queue_depth") @Schema(description = "Texts waiting in the batch queue when it ended")
            double queueDepth,
            @JsonProperty("label_rates") @Schema(description = "For each label: the share of the interval's texts "
                    + "it was predicted for; empty without texts") Map<String, Double> labelRates,
            @JsonProperty("empty_rate") @Schema(description = "The share of texts with no label; null without texts")
            Double emptyRate) {

        static Point of(ServingHistory.Sample s) {
            return new Point(s.end().toString(), round(s.seconds()), s.texts(), s.requests(),
                    round(s.texts() / s.seconds()), round(s.p50Millis()), round(s.p99Millis()), s.queueDepth(),
                    rounded(s.labelRates()), round(s.emptyRate()));
        }
    }

    static ServingSummary of(List<ServingHistory.Sample> samples) {
        return new ServingSummary(ServingHistory.INTERVAL.toSeconds(), ServingHistory.CAPACITY,
                samples.stream().map(Point::of).toList());
    }

    private static Map<String, Double> rounded(Map<String, Double> rates) {
        Map<String, Double> out = new java.util.TreeMap<>();
        rates.forEach((label, rate) -> out.put(label, Math.round(rate * 10000) / 10000.0));
        return out;
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 1000) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
