package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** X-Request-Id over real HTTP: kept or replaced, echoed on every answer including errors, and in the log. */
@ExtendWith(OutputCaptureExtension.class)
class RequestIdTest extends ServiceTestBase {

    private HttpResponse<String> withId(String id, HttpRequest.Builder request, String key)
            throws IOException, InterruptedException {
        if (id != null) {
            request.header("X-Request-Id", id);
        }
        return send(request, key);
    }

    private HttpRequest.Builder postJson(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String id(HttpResponse<String> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError(
                "no X-Request-Id on " + r.statusCode() + " " + r.uri()));
    }

    @Test
    void aValidIdIsEchoedAlsoByTheAsynchronousClassify() throws Exception {
        HttpResponse<String> r = withId("trace-42.a_B", postJson("/classify", "{\"text\": \"hello\"}"), ADMIN_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(id(r)).isEqualTo("trace-42.a_B");
        assertThat(id(withId("x".repeat(64), HttpRequest.newBuilder(uri("/models/current")), ADMIN_KEY)))
                .isEqualTo("x".repeat(64));
    }

    @Test
    void aMissingOrUnacceptableIdIsReplacedByANewUuid() throws Exception {
        String first = id(get("/models/current"));
        String second = id(get("/models/current"));
        assertThat(UUID.fromString(first).toString()).isEqualTo(first);
        assertThat(first).isNotEqualTo(second);
        for (String bad : new String[] {"x".repeat(65), "has space", "semi;colon", "<b>"}) {
            String got = id(withId(bad, HttpRequest.newBuilder(uri("/models/current")), ADMIN_KEY));
            assertThat(got).isNotEqualTo(bad);
            assertThat(UUID.fromString(got).toString()).isEqualTo(got);
        }
    }

    @Test
    void errorsCarryTheIdToo() throws Exception {
        assertThat(id(withId("e401", postJson("/classify", "{}"), NO_KEY))).isEqualTo("e401");
        HttpResponse<String> forbidden = withId("e403", HttpRequest.newBuilder(uri("/datasets")), CLASSIFY_KEY);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(id(forbidden)).isEqualTo("e403");
        HttpResponse<String> missing = withId("e404", HttpRequest.newBuilder(uri("/no-such-thing")), ADMIN_KEY);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(id(missing)).isEqualTo("e404");
        HttpResponse<String> tooLarge = withId("e413",
                postJson("/classify", "{\"text\": \"" + "a".repeat(3 * 1024 * 1024) + "\"}"), ADMIN_KEY);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(id(tooLarge)).isEqualTo("e413");
        HttpResponse<String> invalid = withId("e422", postJson("/classify", "{\"text\": \" \"}"), ADMIN_KEY);
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(id(invalid)).isEqualTo("e422");
        HttpResponse<String> notAllowed = withId("e405", HttpRequest.newBuilder(uri("/classify")).PUT(
                HttpRequest.BodyPublishers.ofString("{}")), ADMIN_KEY);
        assertThat(notAllowed.statusCode()).isEqualTo(405);
        assertThat(id(notAllowed)).isEqualTo("e405");
    }

    @Test
    void logLinesWrittenWhileServingARequestShowItsId(CapturedOutput output) throws Exception {
        String id = "log-" + UUID.randomUUID();
        // Spring logs a warning for an unsupported method, and the key check a debug line for a 401.
        withId(id, HttpRequest.newBuilder(uri("/classify")).PUT(HttpRequest.BodyPublishers.ofString("{}")), ADMIN_KEY);
        withId(id, postJson("/classify", "{}"), NO_KEY);
        assertThat(output.getAll().lines().filter(l -> l.contains("[" + id + "]")))
                .anyMatch(l -> l.contains("Request method 'PUT' is not supported"))
                .anyMatch(l -> l.contains("401 POST /classify"));
    }
}
