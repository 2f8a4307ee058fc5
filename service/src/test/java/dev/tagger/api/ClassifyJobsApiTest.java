package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * POST /classify-jobs over real HTTP on the real model: results equal /classify's, progress and results while a
 * job runs, SSE, cancel, a dataset as the source, and every refusal (413, 422 with the line, 429, 404, 409).
 */
class ClassifyJobsApiTest extends ServiceTestBase {

    private static final String[] WORDS = {"thank you so much", "I am so sorry for your loss", "this is wonderful",
            "why would anyone do that", "I love it", "that is disgusting", "I am scared", "what a surprise",
            "you are an idiot", "I am so proud of you", "this makes me nervous", "haha that is hilarious"};

    static List<String> texts(int n, int repeat) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < repeat; r++) {
                sb.append(WORDS[(i * 7 + r * 3) % WORDS.length]).append(r % 2 == 0 ? ", " : ". ");
            }
            out.add(sb.append("#").append(i).toString());
        }
        return out;
    }

    static String jsonl(List<String> texts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            sb.append(JSON.writeValueAsString(Map.of("id", "t" + i, "text", texts.get(i)))).append('\n');
        }
        return sb.toString();
    }

    /** A multipart body: the file part, then the fields. */
    HttpResponse<String> upload(String filename, byte[] file, Map<String, String> fields, String key) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        var out = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri("/classify-jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())), key);
    }

    JsonNode submitted(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode job = json(r);
        assertThat(r.headers().firstValue("Location")).contains("/classify-jobs/" + job.get("id").asString());
        return job;
    }

    JsonNode await(String id, Duration timeout, String... states) throws Exception {
        Set<String> wanted = Set.of(states);
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = json(get("/classify-jobs/" + id, CLASSIFY_KEY));
            if (wanted.contains(job.get("status").asString())) {
                return job;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " did not reach " + wanted + ": " + job);
    }

    List<JsonNode> resultLines(String id) throws Exception {
        HttpResponse<String> r = get("/classify-jobs/" + id + "/results", CLASSIFY_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (!r.body().isEmpty()) {
            assertThat(r.body()).endsWith("\n");
            for (String line : r.body().split("\n")) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void aJsonlJobAnswersEveryTextExactlyAsClassifyDoes() throws Exception {
        List<String> texts = texts(150, 2);
        JsonNode job = submitted(upload("texts.jsonl", jsonl(texts).getBytes(StandardCharsets.UTF_8),
                Map.of("top_k", "3", "all_scores", "false"), CLASSIFY_KEY));
        assertThat(job.get("total").asLong()).isEqualTo(150);
        assertThat(job.get("options").get("top_k").asInt()).isEqualTo(3);
        JsonNode done = await(job.get("id").asString(), Duration.ofSeconds(120), "SUCCEEDED", "FAILED");
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("processed").asLong()).isEqualTo(150);
        assertThat(done.get("failed_texts").asLong()).isZero();
        List<JsonNode> lines = resultLines(job.get("id").asString());
        assertThat(lines).hasSize(150);
        String version = null;
        for (int from = 0; from < texts.size(); from += 64) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 64));
            HttpResponse<String> r = post("/classify", JSON.writeValueAsString(Map.of("texts", batch, "top_k", 3,
                    "all_scores", false)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = json(r);
            version = answer.get("model").get("version").asString();
            for (int i = 0; i < batch.size(); i++) {
                JsonNode line = lines.get(from + i);
                JsonNode expected = answer.get("results").get(i);
                assertThat(line.get("id").asString()).isEqualTo("t" + (from + i));
                assertThat(line.get("labels")).isEqualTo(expected.get("labels"));
                // Same labels in the same order, the same probabilities up to the float rounding that a different
                // batch (other texts beside it, so other GEMM blocking) may change in the 7th digit.
                assertThat(line.get("scores").propertyNames()).as("text %d", from + i)
                        .containsExactlyElementsOf(expected.get("scores").propertyNames());
                for (String label : expected.get("scores").propertyNames()) {
                    assertThat(line.get("scores").get(label).asDouble()).as("text %d, %s", from + i, label)
                            .isCloseTo(expected.get("scores").get(label).asDouble(), within(1e-5));
                }
                assertThat(line.get("truncated")).isEqualTo(expected.get("truncated"));
                assertThat(line.get("windows")).isEqualTo(expected.get("windows"));
                assertThat(line.get("out_of_vocabulary")).isEqualTo(expected.get("out_of_vocabulary"));
            }
        }
        assertThat(done.get("model").get("version").asString()).isEqualTo(version);
        // Listed, and gone once deleted.
        assertThat(json(get("/classify-jobs", CLASSIFY_KEY)).get("items").toString()).contains(job.get("id").asString());
        assertThat(post("/classify-jobs/" + job.get("id").asString() + "/cancel", "", "application/json",
                CLASSIFY_KEY).statusCode()).isEqualTo(409);
        assertThat(delete("/classify-jobs/" + job.get("id").asString(), CLASSIFY_KEY).statusCode()).isEqualTo(204);
        assertThat(get("/classify-jobs/" + job.get("id").asString(), CLASSIFY_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void aRunningJobShowsProgressAndItsResultsSoFarAndCanBeCancelled() throws Exception {
        List<String> texts = texts(2500, 12);
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append("c").append(i).append(",\"").append(texts.get(i).replace("\"", "\"\"")).append("\"\n");
        }
        String id = submitted(upload("big.csv", csv.toString().getBytes(StandardCharsets.UTF_8), Map.of(),
                CLASSIFY_KEY)).get("id").asString();
        // The event stream: the job as it is, then progress with a rate and an ETA.
        HttpResponse<InputStream> sse = HTTP.send(HttpRequest.newBuilder(uri("/classify-jobs/" + id + "/events"))
                .header("Authorization", "Bearer " + CLASSIFY_KEY).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        JsonNode progress = null;
        String first = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                    first = first == null ? event : first;
                } else if (line.startsWith("data:") && "progress".equals(event)) {
                    progress = JSON.readTree(line.substring(5));
                    if (progress.get("processed").asLong() > 0 && progress.has("eta_seconds")) {
                        break;
                    }
                }
            }
        }
        assertThat(first).isEqualTo("status");
        assertThat(progress).isNotNull();
        assertThat(progress.get("status").asString()).isEqualTo("RUNNING");
        assertThat(progress.get("texts_per_second").asDouble()).isPositive();
        JsonNode running = json(get("/classify-jobs/" + id, CLASSIFY_KEY));
        assertThat(running.get("status").asString()).isEqualTo("RUNNING");
        assertThat(running.get("total").asLong()).isEqualTo(2500);
        // Interactive requests are answered while the job runs.
        HttpResponse<String> interactive = post("/classify", "{\"text\": \"thank you so much\"}", "application/json",
                CLASSIFY_KEY);
        assertThat(interactive.statusCode()).isEqualTo(200);
        // The lines so far: whole lines, in input order.
        List<JsonNode> soFar = resultLines(id);
        assertThat(soFar).isNotEmpty().hasSizeLessThan(2500);
        for (int i = 0; i < soFar.size(); i++) {
            assertThat(soFar.get(i).get("id").asString()).isEqualTo("c" + i);
            assertThat(soFar.get(i).has("scores")).isTrue();
        }
        HttpResponse<String> cancel = post("/classify-jobs/" + id + "/cancel", "", "application/json", CLASSIFY_KEY);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        JsonNode cancelled = await(id, Duration.ofSeconds(30), "CANCELLED");
        List<JsonNode> kept = resultLines(id);
        assertThat(kept.size()).isEqualTo(cancelled.get("processed").asInt()).isLessThan(2500)
                .isGreaterThanOrEqualTo(soFar.size());
    }

    @Test
    void aStoredDatasetCanBeTheSource() throws Exception {
        StringBuilder ds = new StringBuilder();
        for (String t : texts(20, 1)) {
            ds.append(JSON.writeValueAsString(Map.of("text", t, "labels", List.of("joy")))).append('\n');
        }
        HttpResponse<String> up = post("/datasets?name=bulk-source", ds.toString(), "application/jsonl");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String datasetId = json(up).get("id").asString();
        JsonNode job = submitted(post("/classify-jobs", JSON.writeValueAsString(Map.of("dataset_id", datasetId,
                "threshold", 0.5)), "application/json", CLASSIFY_KEY));
        assertThat(job.get("source").asString()).isEqualTo("dataset:" + datasetId);
        JsonNode done = await(job.get("id").asString(), Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        List<JsonNode> lines = resultLines(job.get("id").asString());
        assertThat(lines).hasSize(20).allMatch(l -> !l.has("id") && l.has("labels"));
        HttpResponse<String> missing = post("/classify-jobs", "{\"dataset_id\": \"nope\"}", "application/json",
                CLASSIFY_KEY);
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(json(missing).get("field").asString()).isEqualTo("dataset_id");
    }

    @Test
    void badInputIsRefusedWithWhatWhereAndTheLimit() throws Exception {
        // 413: the file is over tagger.bulk.max-upload-bytes.
        HttpResponse<String> big = upload("big.txt", new byte[2 * 1024 * 1024 + 10], Map.of(), CLASSIFY_KEY);
        assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
        assertThat(big.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(big).get("limit").asLong()).isGreaterThanOrEqualTo(2 * 1024 * 1024);
        // 422: a text over tagger.api.max-text-chars, named by its line.
        String lines = "first text\n" + "x".repeat(20_001) + "\n";
        HttpResponse<String> longText = upload("t.txt", lines.getBytes(StandardCharsets.UTF_8), Map.of(), CLASSIFY_KEY);
        assertThat(longText.statusCode()).isEqualTo(422);
        JsonNode p = json(longText);
        assertThat(p.get("line").asInt()).isEqualTo(2);
        assertThat(p.get("field").asString()).isEqualTo("text");
        assertThat(p.get("limit").asInt()).isEqualTo(20_000);
        // 422: a line that is not JSON, a CSV without a text column, an option out of range, an unknown format.
        HttpResponse<String> notJson = upload("t.jsonl", "{\"text\": \"ok\"}\n{oops\n".getBytes(StandardCharsets.UTF_8),
                Map.of(), CLASSIFY_KEY);
        assertThat(notJson.statusCode()).isEqualTo(422);
        assertThat(json(notJson).get("line").asInt()).isEqualTo(2);
        HttpResponse<String> noColumn = upload("t.csv", "id,body\n1,hello\n".getBytes(StandardCharsets.UTF_8),
                Map.of(), CLASSIFY_KEY);
        assertThat(noColumn.statusCode()).isEqualTo(422);
        assertThat(json(noColumn).get("detail").asString()).contains("'text'");
        HttpResponse<String> threshold = upload("t.txt", "hello\n".getBytes(StandardCharsets.UTF_8),
                Map.of("threshold", "2"), CLASSIFY_KEY);
        assertThat(threshold.statusCode()).isEqualTo(422);
        assertThat(json(threshold).get("field").asString()).isEqualTo("threshold");
        HttpResponse<String> format = upload("t.bin", "hello\n".getBytes(StandardCharsets.UTF_8), Map.of(),
                CLASSIFY_KEY);
        assertThat(format.statusCode()).isEqualTo(422);
        assertThat(json(format).get("field").asString()).isEqualTo("format");
        HttpResponse<String> empty = upload("t.txt", "\n\n".getBytes(StandardCharsets.UTF_8), Map.of(), CLASSIFY_KEY);
        assertThat(empty.statusCode()).isEqualTo(422);
        // 404 and no key.
        assertThat(get("/classify-jobs/nope-000000", CLASSIFY_KEY).statusCode()).isEqualTo(404);
        assertThat(get("/classify-jobs", NO_KEY).statusCode()).isEqualTo(401);
    }

    @Test
    void theJobQueueIsBoundedWith429AndRetryAfter() throws Exception {
        byte[] file = jsonl(texts(1500, 12)).getBytes(StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 4 && refused == null; i++) {
            HttpResponse<String> r = upload("q.jsonl", file, Map.of(), CLASSIFY_KEY);
            if (r.statusCode() == 429) {
                refused = r;
            } else {
                ids.add(submitted(r).get("id").asString());
            }
        }
        try {
            assertThat(refused).as("a submission beyond tagger.bulk.queue-capacity").isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused).get("detail").asString()).contains("tagger.bulk.queue-capacity");
        } finally {
            for (String id : ids) {
                post("/classify-jobs/" + id + "/cancel", "", "application/json", CLASSIFY_KEY);
                await(id, Duration.ofSeconds(30), "CANCELLED", "SUCCEEDED", "FAILED");
            }
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
