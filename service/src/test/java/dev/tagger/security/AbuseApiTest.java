package dev.tagger.security;

import dev.tagger.ServiceTestBase;
import dev.tagger.security.AbuseRequests.Abuse;
import dev.tagger.security.AbuseRequests.Expect;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated bad requests to every endpoint (see {@link AbuseRequests}), from one seed: whatever is
 * wrong with a request, the answer is never a 5xx, a 4xx is problem+json whose "status" is the HTTP status and
 * which says what was wrong, and no answer names a class of the code or quotes a parser. The service still
 * answers a valid request afterwards. Every violation is collected, so one run lists them all.
 */
class AbuseApiTest extends ServiceTestBase {

    private static final long SEED = 20_251_111L;
    private static final int THREADS = 4;

    /** A class of the code or a library, named in a body. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(java|javax|jakarta|sun|tools\\.jackson|com\\.fasterxml|org\\.springframework|org\\.apache|ai\\.djl"
                    + "|dev\\.tagger)\\.[a-z]|Exception|\\bat [a-z]+\\.[a-z]+\\.[A-Za-z$]+\\(");
    /** What parsers and containers say in their own words: they quote the input and describe the code. */
    private static final Pattern PARSER_WORDS = Pattern.compile(
            "Unexpected character|Unrecognized token|\\[Source:|\\(through reference chain|line: \\d+, column: \\d+"
                    + "|StreamReadConstraints|JsonToken|Cannot deserialize|FileUpload|Stream ended unexpectedly"
                    + "|ZLIB|Whitelabel|Apache Tomcat|<html|<!doctype", Pattern.CASE_INSENSITIVE);

    /** What came back, from either client. */
    private record Answer(int status, String contentType, String body, String location, String failure) {
    }

    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<String> created = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> byEndpoint = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();

    @Test
    void badRequestsToEveryEndpointAreClientErrorsInProblemJson() throws Exception {
        // Relative to the import root, as a registration may name it.
        String empty = "abuse-empty-checkpoint";
        Files.createDirectories(IMPORT_ROOT.resolve(empty));
        List<Abuse> abuses = AbuseRequests.generate(port, ADMIN_KEY, CLASSIFY_KEY, empty, SEED);
        assertThat(abuses).hasSizeGreaterThanOrEqualTo(5000);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Abuse a : abuses) {
                sent.add(pool.submit(() -> check(a, send(client, a))));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        removeCreated();

        System.out.printf(Locale.ROOT, "abuse: %d requests to %d endpoints in %d s; by endpoint %s; by status %s%n",
                abuses.size(), byEndpoint.size(), seconds, counts(byEndpoint), counts(byStatus));
        List<String> sorted = violations.stream().sorted().toList();
        sorted.forEach(v -> System.out.println("abuse violation: " + v));

        // The service took all that and still serves.
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(json(health).get("status").asString()).isEqualTo("UP");
        HttpResponse<String> ok = post("/classify", "{\"text\":\"Thank you!\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).get("results")).hasSize(1);

        assertThat(sorted).as("%d of %d answers broke the rules (endpoint | request | answer | what is wrong | body):"
                + "%n%s", sorted.size(), abuses.size(), String.join("\n", sorted)).isEmpty();
    }

    /**
     * Tomcat keeps a processor's HTTP/0.9 flag from its last request: a processor that served an HTTP/0.9 line and
     * went back to the cache answered the next request line it could not parse the HTTP/0.9 way, a body with no
     * status line and no headers (one answer in thousands in the run above, depending on which processor a
     * connection got). The cache hands out the processor it took back last, so one after the other is the
     * deterministic case.
     */
    @Test
    void aRequestLineTomcatCannotParseGetsAStatusLineAfterAnHttp09Request() {
        byte[] http09 = "GET /models\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] malformed = "DELETE /models/a\"b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 5; i++) {
            RawHttp.exchange(port, http09, 10_000);
            RawHttp.Answer r = RawHttp.exchange(port, malformed, 10_000);
            assertThat(r.status()).as("round %d: %s", i, r.failure()).isEqualTo(400);
            assertThat(r.header("content-type")).startsWith("application/problem+json");
            assertThat(r.body()).contains("percent-encode");
        }
    }

    private Answer send(HttpClient client, Abuse a) {
        if (a.raw() != null) {
            RawHttp.Answer r = RawHttp.exchange(port, a.raw(), 30_000);
            return new Answer(r.status(), r.header("content-type"), r.body(), r.header("location"), r.failure());
        }
        try {
            HttpResponse<String> r = client.send(a.request(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().firstValue("Location").orElse(""), null);
        } catch (java.io.IOException e) {
            // No answer at all: the check reports it with what the client saw.
            return new Answer(0, "", "", "", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", "", "", "interrupted");
        }
    }

    private void check(Abuse a, Answer r) {
        byEndpoint.computeIfAbsent(a.endpoint(), k -> new LongAdder()).increment();
        byStatus.computeIfAbsent(r.status() == 0 ? "none" : Integer.toString(r.status()), k -> new LongAdder())
                .increment();
        if (r.status() >= 200 && r.status() < 300 && !r.location().isEmpty()) {
            created.add(r.location());
        }
        List<String> wrong = new ArrayList<>();
        if (r.status() == 0 && !a.silent()) {
            wrong.add("no answer (" + r.failure() + ")");
        } else if (r.status() >= 500 && !(a.transport() && (r.status() == 501 || r.status() == 505))) {
            wrong.add("a server error");
        }
        if (a.expect() == Expect.UNAUTHORIZED && r.status() != 401) {
            wrong.add("not 401");
        }
        if (a.expect() == Expect.FORBIDDEN && r.status() != 403) {
            wrong.add("not 403");
        }
        if (r.status() >= 400) {
            wrong.addAll(problemShape(r));
        }
        int at = -1;
        Matcher className = CLASS_NAME.matcher(r.body());
        if (className.find()) {
            wrong.add("a class name in the body ('" + className.group() + "')");
            at = className.start();
        }
        Matcher parser = PARSER_WORDS.matcher(r.body());
        if (parser.find()) {
            wrong.add("parser or container words in the body ('" + parser.group() + "')");
            at = at < 0 ? parser.start() : Math.min(at, parser.start());
        }
        if (!wrong.isEmpty()) {
            // Around what was found, else the start: a long body's offending part may be far in.
            int from = Math.max(0, at - 150);
            String body = r.body().substring(from, Math.min(r.body().length(), from + 300));
            body = (from > 0 ? "..." : "") + body + (from + 300 < r.body().length() ? "..." : "");
            violations.add(a.endpoint() + " | " + a.what() + " | " + r.status() + " " + r.contentType() + " | "
                    + String.join(", ", wrong) + " | " + body.replace("\n", "\\n"));
        }
    }

    /** What is wrong with an error answer as problem+json; nothing when it is right. */
    private static List<String> problemShape(Answer r) {
        List<String> wrong = new ArrayList<>();
        String type = r.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/problem+json")) {
            wrong.add("Content-Type is not application/problem+json");
        } else if (type.contains("charset") && !type.contains("charset=utf-8")) {
            wrong.add("a charset other than UTF-8");
        }
        JsonNode p;
        try {
            p = JSON.readTree(r.body());
        } catch (RuntimeException e) {
            wrong.add("the body is not JSON");
            return wrong;
        }
        if (p == null || !p.isObject()) {
            wrong.add("the body is not a JSON object");
            return wrong;
        }
        if (!p.path("status").isIntegralNumber() || p.path("status").asInt() != r.status()) {
            wrong.add("\"status\" is not " + r.status());
        }
        // The title only repeats the status; the detail is what says what was wrong.
        if (Optional.ofNullable(p.get("detail")).map(JsonNode::asString).filter(s -> !s.isBlank()).isEmpty()) {
            wrong.add("no \"detail\"");
        }
        if (Optional.ofNullable(p.get("title")).map(JsonNode::asString).filter(s -> !s.isBlank()).isEmpty()) {
            wrong.add("no \"title\"");
        }
        return wrong;
    }

    /** Deletes what a request created after all (a dataset that turned out valid), so later tests do not see it. */
    private void removeCreated() throws Exception {
        for (String location : created) {
            String path = location.replaceFirst("^https?://[^/]+", "");
            HttpResponse<String> r;
            if (path.startsWith("/classify-jobs/") || path.startsWith("/train-jobs/")) {
                send(HttpRequest.newBuilder(uri(path + "/cancel")).POST(HttpRequest.BodyPublishers.noBody()), ADMIN_KEY);
                violations.add(path + " | a bad request started a job");
                continue;
            }
            if (path.startsWith("/models/")) {
                violations.add(path + " | a bad request registered a model");
            }
            r = delete(path);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(204, 404);
        }
    }

    private static String counts(Map<String, LongAdder> counts) {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }
}
