package dev.tagger.bench;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code bulk} command: a bulk job over the whole dev file, alone and beside interactive load, against a running
 * service. Reports the bulk job's throughput (against ONNX Runtime int8's best in-process batch, when its run is
 * given) and interactive /classify latency with and without a bulk job running (the lane's promise: p99 up by at
 * most 20%).
 *
 * <p>{@code bulk --url U --dev FILE --out FILE [--ort-int8 FILE] [--clients 4] [--seconds 8]}: writes a markdown
 * section to {@code --out}.
 */
final class BulkBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private BulkBench() {
    }

    /** A finished job's figures. */
    record Job(String id, int total, double seconds, String status) {
        double textsPerSecond() {
            return total / Math.max(seconds, 1e-9);
        }
    }

    static void command(BenchArgs a) throws Exception {
        List<String> texts = DevTexts.read(Path.of(a.string("dev")));
        String url = a.string("url");
        String base = url.endsWith("/") ? url : url + "/";
        int clients = a.integer("clients", 4);
        double seconds = a.number("seconds", 8);
        BundleFiles bundle = BundleFiles.load(a.string("bundle", BundleFiles.DEFAULT));
        byte[] file = jsonl(texts);

        // Warm the bulk path once on a few texts, then the bulk job alone.
        await(base, submit(base, jsonl(texts.subList(0, Math.min(64, texts.size())))));
        Job alone = await(base, submit(base, file));
        OrtPeer.log("bulk alone: %d texts in %.1f s, %.1f texts/s", alone.total(), alone.seconds(),
                alone.textsPerSecond());

        LoadClient client = new LoadClient(base, texts, bundle.labels());
        long window = (long) (seconds * 1e9);
        LoadClient.Outcome quiet = client.closedLoop(clients, client.cycling(), 1_000_000_000L, window, 0, null);
        Latency q = quiet.ok().latency();
        OrtPeer.log("interactive alone, c=%d: p50 %.1f ms, p99 %.1f ms, %s", clients, q.p50(), q.p99(),
                quiet.statuses());

        String id = submit(base, file);
        awaitRunning(base, id);
        LoadClient.Outcome busy = client.closedLoop(clients, client.cycling(), 1_000_000_000L, window, 0, null);
        JsonNode during = get(base, "classify-jobs/" + id);
        Job beside = await(base, id);
        Latency b = busy.ok().latency();
        boolean overlapped = during.path("status").asString("").equals("RUNNING");
        OrtPeer.log("interactive beside a bulk job, c=%d: p50 %.1f ms, p99 %.1f ms, %s; bulk %.1f texts/s%s", clients,
                b.p50(), b.p99(), busy.statuses(), beside.textsPerSecond(),
                overlapped ? "" : " (the bulk job ended before the window did)");

        StringBuilder out = new StringBuilder();
        out.append("### Bulk jobs\n\n");
        out.append(String.format(Locale.ROOT, "A bulk job over all %d dev texts (one JSONL upload), alone; then "
                + "interactive /classify at c=%d for %.0f s alone and beside a running bulk job.%n%n", texts.size(),
                clients, seconds));
        out.append("| | texts/s | interactive p50 | interactive p99 |\n| --- | ---: | ---: | ---: |\n");
        String ort = "";
        if (a.string("ort-int8", null) != null) {
            BenchResults.Ort int8 = BenchResults.read(Path.of(a.string("ort-int8")), BenchResults.Ort.class);
            BenchResults.OrtRun best = int8.best();
            out.append(String.format(Locale.ROOT, "| ORT int8 in-process, best batch (%d) | %.1f | | |%n", best.batchSize(),
                    best.textsPerSecond()));
            ort = String.format(Locale.ROOT, " (%.2fx ORT int8's best batch; target at least 1.20x)",
                    alone.textsPerSecond() / best.textsPerSecond());
        }
        out.append(String.format(Locale.ROOT, "| bulk job alone | %.1f | | |%n", alone.textsPerSecond()));
        out.append(String.format(Locale.ROOT, "| interactive alone | %.1f | %.1f ms | %.1f ms |%n",
                quiet.count("200") / quiet.seconds(), q.p50(), q.p99()));
        out.append(String.format(Locale.ROOT, "| interactive beside the bulk job | %.1f | %.1f ms | %.1f ms |%n",
                busy.count("200") / busy.seconds(), b.p50(), b.p99()));
        out.append(String.format(Locale.ROOT, "| the bulk job beside interactive load | %.1f | | |%n%n",
                beside.textsPerSecond()));
        out.append(String.format(Locale.ROOT, "- bulk alone: %.1f texts/s%s%n", alone.textsPerSecond(), ort));
        out.append(String.format(Locale.ROOT, "- interactive p99 beside a bulk job: %.2fx alone (target at most "
                + "1.20x)%s; statuses alone %s, beside %s%n", b.p99() / q.p99(),
                overlapped ? "" : ", but the bulk job ended inside the window", quiet.statuses(), busy.statuses()));
        Files.writeString(Path.of(a.string("out")), out.toString());
        System.out.print(out);
    }

    /** The texts as JSONL (one compact object a line) with their line numbers as ids. */
    static byte[] jsonl(List<String> texts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            sb.append(dev.tagger.io.Json.MAPPER.writeValueAsString(Map.of("id", i, "text", texts.get(i)))).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** POST /classify-jobs with the file as a multipart part; returns the job id. */
    static String submit(String base, byte[] file) throws IOException, InterruptedException {
        String boundary = "bench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"all_scores\"\r\n\r\nfalse\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dev.jsonl\"\r\n"
                + "Content-Type: application/x-ndjson\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "classify-jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("POST /classify-jobs answered " + r.statusCode() + ": " + r.body());
        }
        return BenchResults.JSON.readTree(r.body()).get("id").asString();
    }

    static JsonNode get(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /" + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return BenchResults.JSON.readTree(r.body());
    }

    private static void awaitRunning(String base, String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode j = get(base, "classify-jobs/" + id);
            if (!j.path("status").asString("").equals("QUEUED")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("bulk job " + id + " did not start within 60 s");
    }

    /** Polls until the job has ended; its time is the service's own, started_at to finished_at. */
    static Job await(String base, String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode j = get(base, "classify-jobs/" + id);
            String status = j.path("status").asString("");
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                if (!status.equals("SUCCEEDED")) {
                    throw new IllegalStateException("bulk job " + id + " ended " + status + ": " + j);
                }
                double s = Duration.between(Instant.parse(j.get("started_at").asString()),
                        Instant.parse(j.get("finished_at").asString())).toNanos() / 1e9;
                return new Job(id, j.get("total").asInt(), s, status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("bulk job " + id + " did not end within 30 minutes");
    }
}
