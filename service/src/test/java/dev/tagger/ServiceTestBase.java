package dev.tagger;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Base of the tests that talk to the running service over real HTTP. All share one Spring context
 * (same configuration), so the model loads once per test JVM. Requests carry the admin key unless a test
 * passes another key, or {@link #NO_KEY}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ServiceTestBase {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The keys of application-test.yml: an admin key, a classify key, and a classify key stored hashed. */
    protected static final String ADMIN_KEY = "test-admin-key-7f2a9c";
    protected static final String CLASSIFY_KEY = "test-classify-key-5b8d01";
    protected static final String HASHED_CLASSIFY_KEY = "test-hashed-classify-key-3c1e";
    /** Send no key. */
    protected static final String NO_KEY = null;

    /** tagger.models.import-root of application-test.yml. */
    protected static final Path IMPORT_ROOT = Path.of("target/test-import");

    @LocalServerPort
    protected int port;

    @BeforeEach
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/actuator/health/readiness").statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the service did not become ready within 120 s");
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** GET with the admin key. */
    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, ADMIN_KEY);
    }

    /** GET with this key ({@link #NO_KEY}: none). */
    protected HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), key);
    }

    /** POST of JSON with the admin key. */
    protected HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return post(path, json, "application/json");
    }

    /** POST with the admin key. */
    protected HttpResponse<String> post(String path, String body, String contentType) throws IOException, InterruptedException {
        return post(path, body, contentType, ADMIN_KEY);
    }

    /** POST with this key ({@link #NO_KEY}: none). */
    protected HttpResponse<String> post(String path, String body, String contentType, String key)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), key);
    }

    /** DELETE with the admin key. */
    protected HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return delete(path, ADMIN_KEY);
    }

    /** DELETE with this key ({@link #NO_KEY}: none). */
    protected HttpResponse<String> delete(String path, String key) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), key);
    }

    /** Sends a request with this key as {@code Authorization: Bearer} ({@link #NO_KEY}: no key at all). */
    protected HttpResponse<String> send(HttpRequest.Builder request, String key) throws IOException, InterruptedException {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, byte[] body, String contentType)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), ADMIN_KEY);
    }

    /** A copy of a checkpoint folder inside the import root, where POST /models may register it from. */
    protected static Path importable(Path dir) throws IOException {
        // Under a fresh folder, with its own name, which the registration's card keeps as its source.
        Path copy = Files.createDirectories(IMPORT_ROOT.resolve(UUID.randomUUID().toString()))
                .resolve(dir.getFileName().toString()).toAbsolutePath();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(dir.relativize(f).toString()));
            }
        }
        return copy;
    }

    protected static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }
}
