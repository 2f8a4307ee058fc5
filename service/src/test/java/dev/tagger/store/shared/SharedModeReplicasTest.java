package dev.tagger.store.shared;

import dev.tagger.TaggerApplication;
import dev.tagger.TrainingTexts;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the whole service in one JVM, as the shared shape runs them: an API replica
 * ({@code tagger.roles=api}) and a trainer ({@code tagger.roles=trainer}), one PostgreSQL (their own, so that it can
 * be stopped) and one S3 server. A job submitted on the API runs on the trainer, its event stream on the API shows
 * every epoch, its deploy reaches the API within seconds; a cancel on the API stops it on the trainer; with
 * PostgreSQL down, classify keeps answering and admin calls answer 503 until it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedModeReplicasTest {

    private static final String ADMIN_KEY = "test-admin-key-7f2a9c";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static PostgresServer pg;
    private static ConfigurableApplicationContext api;
    private static ConfigurableApplicationContext trainer;
    private static int apiPort;
    private static int trainerPort;

    @BeforeAll
    static void startReplicas() throws Exception {
        pg = PostgresServer.startNew();
        String url = pg.newDatabase();
        String bucket = "t-replicas-" + System.nanoTime();
        Path root = Files.createTempDirectory("tagger-replicas-");
        api = replica("api", url, bucket, root.resolve("api"));
        trainer = replica("trainer", url, bucket, root.resolve("trainer"));
        apiPort = port(api);
        trainerPort = port(trainer);
        awaitReady(apiPort);
        awaitReady(trainerPort);
    }

    private static ConfigurableApplicationContext replica(String roles, String url, String bucket, Path dir) {
        return new SpringApplicationBuilder(TaggerApplication.class).profiles("test").run(
                "--server.port=0",
                "--tagger.roles=" + roles,
                "--tagger.store.mode=shared",
                "--tagger.store.dir=" + dir.resolve("store"),
                "--tagger.shared.jdbc-url=" + url,
                "--tagger.shared.username=tagger",
                "--tagger.shared.cache-dir=" + dir.resolve("cache"),
                "--tagger.shared.replica-id=" + roles + "-replica",
                "--tagger.shared.poll-interval=1s",
                "--tagger.shared.lease=5s",
                "--tagger.shared.s3.endpoint=" + S3Server.get().endpoint(),
                "--tagger.shared.s3.bucket=" + bucket,
                "--tagger.shared.s3.access-key=" + S3Server.ACCESS_KEY,
                "--tagger.shared.s3.secret-key=" + S3Server.SECRET_KEY);
    }

    private static int port(ConfigurableApplicationContext c) {
        return Integer.parseInt(c.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stopReplicas() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {api, trainer}) {
            if (c != null) {
                c.close();
            }
        }
        if (pg != null) {
            pg.stop();
        }
    }

    @Test
    @Order(1)
    void theTrainerTakesNoApiTrafficButAnswersHealth() throws Exception {
        HttpResponse<String> classify = post(trainerPort, "/classify", "{\"texts\": [\"hello\"]}");
        assertThat(classify.statusCode()).isEqualTo(404);
        assertThat(classify.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(classify.body()).get("detail").asString()).contains("trainer");
        assertThat(get(trainerPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(post(apiPort, "/classify", "{\"texts\": [\"hello\"]}").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aJobSubmittedOnTheApiRunsOnTheTrainerStreamsEveryEpochAndItsDeployReachesTheApi() throws Exception {
        String before = json(get(apiPort, "/models/current")).get("version").asString();
        Map<String, Object> body = Map.of(
                "name", "two replicas",
                "training_data", Map.of("examples", examples(40)),
                "validation_data", Map.of("split", 0.25),
                "parameters", Map.of("train", "head", "epochs", 3, "batch_size", 10),
                "deploy", "always");
        HttpResponse<String> submitted = post(apiPort, "/train-jobs", JSON.writeValueAsString(body));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = JSON.readTree(submitted.body()).get("id").asString();
        // Classify load on the API replica from now until it serves the new version: the swap must fail none.
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        Thread load = new Thread(() -> {
            while (loading.get()) {
                try {
                    sent.incrementAndGet();
                    if (post(apiPort, "/classify", "{\"texts\": [\"thanks, that was great\"]}").statusCode() != 200) {
                        failed.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                }
            }
        }, "classify-load");
        load.start();

        List<String[]> events = events(apiPort, id, Duration.ofSeconds(300));

        assertThat(events.get(0)[0]).isEqualTo("status");
        List<Integer> epochs = events.stream().filter(e -> e[0].equals("epoch"))
                .map(e -> JSON.readTree(e[1]).get("epochs").size()).toList();
        assertThat(epochs).as("one event per epoch, in order").containsExactly(1, 2, 3);
        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("status");
        JsonNode done = JSON.readTree(last[1]);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/result/deployment/deployed").asBoolean()).as(done.toString()).isTrue();
        String version = done.at("/result/model_version").asString();
        assertThat(version).isNotEqualTo(before);

        // The trainer deployed it; the API replica follows the shared pointer.
        long t0 = System.nanoTime();
        String served = null;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
            served = json(get(apiPort, "/models/current")).get("version").asString();
            if (version.equals(served)) {
                break;
            }
            Thread.sleep(100);
        }
        System.out.printf("[shared-mode] promotion lag on the API replica: %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        loading.set(false);
        load.join();
        System.out.printf("[shared-mode] classify requests during training and promotion: %d, failed: %d%n",
                sent.get(), failed.get());
        assertThat(served).as("the API replica serves the new version within 10 s").isEqualTo(version);
        assertThat(failed.get()).as("failed classify requests during the swap").isZero();
        assertThat(sent.get()).isPositive();
        HttpResponse<String> classified = post(apiPort, "/classify", "{\"texts\": [\"thank you so much\"]}");
        assertThat(json(classified).at("/model/version").asString()).isEqualTo(version);

        // Every replica reports what it serves.
        JsonNode replicas = null;
        long t1 = System.nanoTime();
        while (System.nanoTime() - t1 < TimeUnit.SECONDS.toNanos(10)) {
            replicas = json(get(apiPort, "/replicas")).get("replicas");
            if (replicas.size() == 2 && version.equals(replicas.get(0).at("/model/version").asString())
                    && version.equals(replicas.get(1).at("/model/version").asString())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(replicas).hasSize(2);
        assertThat(replicas.get(0).get("id").asString()).isEqualTo("api-replica");
        assertThat(replicas.get(0).get("self").asBoolean()).isTrue();
        assertThat(replicas.get(1).get("roles").asString()).isEqualTo("trainer");
        for (JsonNode r : replicas) {
            assertThat(r.at("/model/version").asString()).as(r.toString()).isEqualTo(version);
            assertThat(r.get("alive").asBoolean()).isTrue();
            assertThat(r.has("serving_since")).isTrue();
        }
    }

    @Test
    @Order(3)
    void aCancelOnTheApiStopsTheJobOnTheTrainer() throws Exception {
        Map<String, Object> body = Map.of("training_data", Map.of("examples", examples(24)),
                "parameters", Map.of("train", "all", "epochs", 1000, "batch_size", 4));
        HttpResponse<String> submitted = post(apiPort, "/train-jobs", JSON.writeValueAsString(body));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = JSON.readTree(submitted.body()).get("id").asString();
        awaitStatus(id, Duration.ofSeconds(120), "RUNNING");

        HttpResponse<String> cancel = post(apiPort, "/train-jobs/" + id + "/cancel", "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

        JsonNode ended = awaitStatus(id, Duration.ofSeconds(60), "CANCELLED", "FAILED", "SUCCEEDED");
        assertThat(ended.get("status").asString()).as(ended.toString()).isEqualTo("CANCELLED");
    }

    @Test
    @Order(4)
    void withPostgresDownClassifyKeepsAnsweringAndAdminCallsAnswer503UntilItIsBack() throws Exception {
        pg.pause();
        try {
            int failed = 0;
            for (int i = 0; i < 20; i++) {
                if (post(apiPort, "/classify", "{\"texts\": [\"still here?\"]}").statusCode() != 200) {
                    failed++;
                }
            }
            assertThat(failed).as("failed classify requests while PostgreSQL is down").isZero();
            HttpResponse<String> jobs = get(apiPort, "/train-jobs");
            assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(503);
            assertThat(jobs.headers().firstValue("Retry-After")).isPresent();
            assertThat(jobs.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(get(apiPort, "/datasets").statusCode()).isEqualTo(503);
            // Readiness by role: the API stays in its Service (classify works), the trainer is not ready.
            HttpResponse<String> apiReady = get(apiPort, "/actuator/health/readiness");
            assertThat(apiReady.statusCode()).as(apiReady.body()).isEqualTo(200);
            assertThat(apiReady.body()).contains("unreachable");
            assertThat(get(trainerPort, "/actuator/health/readiness").statusCode()).isEqualTo(503);
        } finally {
            pg.resume();
        }
        long t0 = System.nanoTime();
        int status = 0;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
            status = get(apiPort, "/train-jobs").statusCode();
            if (status == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status).as("admin calls recover on their own").isEqualTo(200);
    }

    private static List<Map<String, Object>> examples(int n) {
        return TrainingTexts.examples(n).stream()
                .map(e -> Map.<String, Object>of("text", e.text(), "labels", e.labels())).toList();
    }

    private static JsonNode awaitStatus(String id, Duration timeout, String... states) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = json(get(apiPort, "/train-jobs/" + id));
            if (List.of(states).contains(job.get("status").asString())) {
                return job;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " did not reach " + List.of(states) + ": " + job);
    }

    private static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (get(port, "/actuator/health/readiness").statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replica on port " + port + " did not become ready");
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(request(port, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String path, String json)
            throws IOException, InterruptedException {
        return HTTP.send(request(port, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(60));
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    /** Reads a job's event stream to its end: (event name, data) pairs. */
    private static List<String[]> events(int port, String id, Duration timeout) throws Exception {
        HttpRequest req = request(port, "/train-jobs/" + id + "/events").header("Accept", "text/event-stream")
                .timeout(timeout).GET().build();
        HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        CompletableFuture<List<String[]>> read = CompletableFuture.supplyAsync(() -> {
            List<String[]> out = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    } else if (line.isEmpty() && name != null) {
                        out.add(new String[] {name, data.toString()});
                        name = null;
                        data.setLength(0);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        });
        return read.get(timeout.toSeconds(), TimeUnit.SECONDS);
    }
}
