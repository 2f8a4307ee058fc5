package dev.tagger.bench;

import dev.tagger.io.Json;

import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What each benchmark command writes (JSON in the run folder) and the report reads back. */
final class BenchResults {

    /** The service's own settings, indented: the run folder's JSON is read by people too. */
    static final JsonMapper JSON = Json.FILES;

    private BenchResults() {
    }

    static void write(Path file, Object value) {
        JSON.writeValue(file, value);
    }

    static <T> T read(Path file, Class<T> type) {
        return JSON.readValue(file, type);
    }

    /**
     * One ONNX Runtime configuration.
     *
     * @param batchSize texts per session run
     * @param latency   per text (batch 1) or per batch (larger batches), milliseconds
     */
    record OrtRun(int batchSize, long texts, double seconds, double textsPerSecond, Latency latency) {
    }

    /**
     * One in-process ONNX Runtime peer.
     *
     * @param export             which ONNX export ran: "fp32" or "int8"
     * @param onnx               its classpath resource
     * @param serviceTokenizer   whether its tokenizer.json is byte for byte the service bundle's
     * @param mirrorsBundle      whether it ran the bundle's own encoder (false: the base encoder, for timing only)
     * @param sampleAlone        probabilities of the sample texts, each run alone, in label order
     * @param sampleEmbeddings   the same runs' pooled encoder outputs
     * @param batchedVsAloneDiff max |p| difference between the sample run in padded batches and alone
     */
    record Ort(String export, String onnx, boolean serviceTokenizer, boolean mirrorsBundle, String version, int intraOpThreads, OrtRun batch1,
               List<OrtRun> batched, long hwmKbAfterBatch1, long hwmKb, List<Integer> sampleIndexes,
               List<float[]> sampleAlone, List<float[]> sampleEmbeddings, double batchedVsAloneDiff) {

        OrtRun best() {
            return batched.stream().max((a, b) -> Double.compare(a.textsPerSecond(), b.textsPerSecond())).orElseThrow();
        }
    }

    /**
     * One concurrency level against the service.
     *
     * @param statuses  responses finished in the window, by HTTP status ("io" for transport errors)
     * @param server    the service's own view of the same requests (its timing headers)
     * @param meanBatch texts per batch the service ran during the level (from its Prometheus metrics)
     */
    record Level(int concurrency, double seconds, Map<String, Long> statuses, double textsPerSecond, Latency latency,
                 ServerTime server, double meanBatch, long rssKb, long hwmKb) {
    }

    /** Means of the x-total-time, x-queue-time and x-inference-time headers, milliseconds. */
    record ServerTime(double total, double queue, double inference) {
    }

    /** One sample text's probabilities as the service returned them under load. */
    record Capture(int index, int concurrency, float[] probs) {
    }

    /**
     * The load run: levels, then the correctness sample.
     *
     * @param sampleAlone each sample text sent alone to the idle service, in {@code labels} order
     * @param underLoad   sample texts answered while other requests were being batched with them
     * @param sampleMeanBatch texts per batch while the whole sample was sent at high concurrency
     */
    record Load(String url, List<String> labels, List<Level> levels, List<Integer> sampleIndexes,
                List<float[]> sampleAlone, List<Capture> underLoad, double sampleMeanBatch, long hwmKbBefore) {
    }

    /**
     * The overload phase, against a service restarted with a small queue. Counts every request that
     * started in the window, including answers that came after it.
     */
    record Overload(int clients, int queueCapacity, double seconds, long backoffMs, Map<String, Long> statuses,
                    Latency admitted, ServerTime admittedServer, Latency rejected, double admittedPerSecond, long rssKbBefore, long hwmKbBefore,
                    long rssKbAfter, long hwmKbAfter, boolean healthyAfter) {
    }
}
