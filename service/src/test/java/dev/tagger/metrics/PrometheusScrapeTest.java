package dev.tagger.metrics;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What we expose is checked by Prometheus' own tools: promtool lints the exposition, and a real
 * Prometheus server (Debian package) scrapes the service and answers queries about it.
 * .ci/run installs the package and sets -Dtagger.require-tools=true so CI cannot skip this.
 */
class PrometheusScrapeTest extends ServiceTestBase {

    @BeforeAll
    static void needsPrometheus() {
        boolean present = new File("/usr/bin/promtool").canExecute() && new File("/usr/bin/prometheus").canExecute();
        if (Boolean.getBoolean("tagger.require-tools")) {
            assertThat(present).as("promtool and prometheus (Debian package 'prometheus') are required").isTrue();
        }
        assumeTrue(present, "Debian package 'prometheus' is not installed; skipping the real-Prometheus checks");
    }

    private String exposition() throws Exception {
        post("/classify", "{\"texts\": [\"Thank you so much!\", \"This is awful.\"]}");
        HttpResponse<String> r = get("/actuator/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void expositionHasTheServingMetricsAsHistograms() throws Exception {
        String body = exposition();
        assertThat(body).contains("tagger_request_duration_seconds_bucket{");
        assertThat(body).contains("tagger_tokenization_duration_seconds_bucket{");
        assertThat(body).contains("tagger_queue_wait_seconds_bucket{");
        assertThat(body).contains("tagger_inference_duration_seconds_bucket{");
        assertThat(body).contains("le=\"0.001\"").contains("le=\"10.0\"");
        assertThat(body).contains("tagger_batch_size_bucket{").contains("tagger_batch_tokens_bucket{");
        assertThat(body).contains("tagger_texts_classified_total");
        assertThat(body).contains("tagger_queue_depth").contains("tagger_workers_busy");
        assertThat(body).containsPattern("tagger_model_info\\{[^}]*precision=\"(int8|module)\"");
        assertThat(body).contains("tagger_label_predicted_total{").contains("tagger_predictions_empty_total");
        assertThat(body).doesNotContain("quantile=");
    }

    /**
     * promtool's linter judges our own metric families (names, units, help, types). Spring Boot's and
     * the JVM's families are left out: promtool 2.42 objects to conventions of theirs we do not control
     * (no help text, _ms units). Parsing of the whole exposition is proven by the real scrape below.
     */
    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path file = Files.createTempFile("tagger-metrics", ".txt");
        String ours = exposition().lines()
                .filter(l -> l.startsWith("tagger_") || l.startsWith("# HELP tagger_") || l.startsWith("# TYPE tagger_"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        assertThat(ours).contains("# TYPE tagger_request_duration_seconds histogram");
        Files.writeString(file, ours);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
    }

    @Test
    void aRealPrometheusScrapesTheService() throws Exception {
        exposition();
        int promPort;
        try (ServerSocket s = new ServerSocket(0)) {
            promPort = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: tagger
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        Process prom = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "sum(tagger_texts_classified_total{job=\"tagger\"})";
            double value = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && value <= 0) {
                Thread.sleep(500);
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort
                            + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        // a starting Prometheus answers 503 in plain text until its storage is open
                        continue;
                    }
                    JsonNode result = JSON.readTree(r.body()).at("/data/result");
                    if (result.isArray() && !result.isEmpty()) {
                        value = Double.parseDouble(result.get(0).get("value").get(1).asString());
                    }
                } catch (java.io.IOException notYetUp) {
                    // Prometheus is still starting
                }
            }
            assertThat(value).as("Prometheus log: %s", Files.readString(dir.resolve("prometheus.log"))).isPositive();
            // A histogram quantile over the request-duration buckets works, as a dashboard would use it.
            HttpResponse<String> q = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort
                    + "/api/v1/query?query=" + URLEncoder.encode(
                    "histogram_quantile(0.99, sum by (le) (tagger_request_duration_seconds_bucket))",
                    StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode res = JSON.readTree(q.body()).at("/data/result");
            assertThat(res.isArray() && !res.isEmpty()).as(q.body()).isTrue();
            double p99 = Double.parseDouble(res.get(0).get("value").get(1).asString());
            assertThat(p99).isGreaterThan(0).isLessThanOrEqualTo(10.0);
        } finally {
            prom.destroy();
            if (!prom.waitFor(10, TimeUnit.SECONDS)) {
                prom.destroyForcibly();
            }
        }
    }
}
