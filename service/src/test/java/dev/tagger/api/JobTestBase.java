package dev.tagger.api;

import dev.tagger.ServiceTestBase;
import dev.tagger.datasets.Example;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers for the tests that upload data and run training jobs over HTTP (same Spring context as every test). */
abstract class JobTestBase extends ServiceTestBase {

    static final String DEFAULT_MODEL = "goemotions-minilm";

    static List<Map<String, Object>> examplesJson(List<Example> examples) {
        return examples.stream().map(e -> Map.<String, Object>of("text", e.text(), "labels", e.labels())).toList();
    }

    static String jsonl(List<Example> examples) {
        StringBuilder sb = new StringBuilder();
        examplesJson(examples).forEach(e -> sb.append(JSON.writeValueAsString(e)).append('\n'));
        return sb.toString();
    }

    /** Submits a job; it must be accepted. */
    JsonNode submit(Map<String, Object> body) throws Exception {
        HttpResponse<String> r = post("/train-jobs", JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode job = json(r);
        assertThat(r.headers().firstValue("Location")).contains("/train-jobs/" + job.get("id").asString());
        return job;
    }

    /** Polls the job until its status is one of {@code states}. */
    JsonNode awaitStatus(String id, Duration timeout, String... states) throws Exception {
        Set<String> wanted = Set.of(states);
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = json(get("/train-jobs/" + id));
            if (wanted.contains(job.get("status").asString())) {
                return job;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " did not reach " + wanted + " within " + timeout + ": " + job);
    }

    String uploadJsonl(String name, List<Example> examples) throws Exception {
        HttpResponse<String> r = post("/datasets?name=" + name, jsonl(examples), "application/jsonl");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("id").asString();
    }

    /** Puts the default model back, as every other test class expects it to be served. */
    void deployDefault() throws Exception {
        HttpResponse<String> r = post("/models/" + DEFAULT_MODEL + "/deploy", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Cancels whatever is still queued or running, so the next test finds the runner idle. */
    void cancelActiveJobs() throws Exception {
        for (JsonNode j : json(get("/train-jobs?status=QUEUED,RUNNING&size=100")).get("items")) {
            String id = j.get("id").asString();
            post("/train-jobs/" + id + "/cancel", "");
            awaitStatus(id, Duration.ofSeconds(60), "CANCELLED", "SUCCEEDED", "FAILED");
        }
    }

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A multipart/form-data body: parts are (name, filename or null, content). */
    static byte[] multipart(String boundary, String[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] p : parts) {
            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(p[0]).append('"');
            if (p[1] != null) {
                h.append("; filename=\"").append(p[1]).append("\"\r\nContent-Type: application/octet-stream");
            }
            h.append("\r\n\r\n");
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p[2].getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
