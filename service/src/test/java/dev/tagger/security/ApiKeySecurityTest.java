package dev.tagger.security;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys over real HTTP with the keys of application-test.yml: who gets 401, 403, or through. The key check
 * comes before routing, so it holds for endpoints this build does not have yet (they are 404 once let through).
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeySecurityTest extends ServiceTestBase {

    private static final String CLASSIFY_BODY = "{\"text\": \"Thank you so much!\"}";
    private static final String WRONG_KEY = "wrong-key-d41d8c";

    /** Every pattern of the admin API, as method and path. */
    private static final List<String[]> ADMIN_ENDPOINTS = List.of(
            new String[] {"POST", "/models"},
            new String[] {"POST", "/models/some-model/deploy"},
            new String[] {"DELETE", "/models/some-model"},
            new String[] {"GET", "/models/some-model/export"},
            new String[] {"POST", "/datasets"},
            new String[] {"GET", "/datasets"},
            new String[] {"GET", "/datasets/some-dataset"},
            new String[] {"DELETE", "/datasets/some-dataset"},
            new String[] {"POST", "/train-jobs"},
            new String[] {"GET", "/train-jobs"},
            new String[] {"GET", "/train-jobs/some-job"},
            new String[] {"POST", "/train-jobs/some-job/cancel"},
            new String[] {"GET", "/train-jobs/some-job/events"},
            new String[] {"GET", "/actuator/metrics"});

    /** Everything answered during a test, to check that no key ever comes back. */
    private final List<HttpResponse<String>> answers = new ArrayList<>();

    @Autowired
    private ApplicationContext context;

    private HttpResponse<String> call(String method, String path, String header, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (method.equals("POST")) {
            b.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(path.equals("/classify") ? CLASSIFY_BODY : "{}"));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (key != null) {
            b.header(header, header.equals("Authorization") ? "Bearer " + key : key);
        }
        HttpResponse<String> r = send(b, NO_KEY);
        answers.add(r);
        return r;
    }

    private HttpResponse<String> bearer(String method, String path, String key) throws IOException, InterruptedException {
        return call(method, path, "Authorization", key);
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String title) {
        assertThat(r.statusCode()).as("%s %s", r.request().method(), r.uri()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = json(r);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asString()).isEqualTo(title);
        assertThat(p.get("detail").asString()).isNotBlank();
        return p;
    }

    private static void unauthorized(HttpResponse<String> r) {
        problem(r, 401, "Unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    }

    @Test
    void withoutAKeyEveryApiEndpointIs401EvenOnesThatDoNotExistYet() throws Exception {
        unauthorized(bearer("POST", "/classify", NO_KEY));
        unauthorized(bearer("GET", "/models/current", NO_KEY));
        unauthorized(bearer("GET", "/models", NO_KEY));
        unauthorized(bearer("GET", "/models/some-model", NO_KEY));
        for (String[] e : ADMIN_ENDPOINTS) {
            unauthorized(bearer(e[0], e[1], NO_KEY));
        }
        unauthorized(bearer("GET", "/no-such-path", NO_KEY));
        assertThat(json(bearer("POST", "/classify", NO_KEY)).get("detail").asString())
                .contains("Authorization: Bearer").contains("X-API-Key");
    }

    @Test
    void aWrongKeyIs401InEitherHeader() throws Exception {
        HttpResponse<String> r = bearer("POST", "/classify", WRONG_KEY);
        unauthorized(r);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        assertThat(json(r).get("detail").asString()).isEqualTo("the API key is not valid");
        unauthorized(call("POST", "/classify", "X-API-Key", WRONG_KEY));
        unauthorized(bearer("POST", "/datasets", WRONG_KEY));
        unauthorized(bearer("POST", "/classify", ""));
        // another scheme is not a key
        unauthorized(call("POST", "/classify", "Authorization", null));
        HttpResponse<String> basic = send(HttpRequest.newBuilder(uri("/classify")).header("Content-Type", "application/json")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("x:" + ADMIN_KEY).getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString(CLASSIFY_BODY)), NO_KEY);
        answers.add(basic);
        unauthorized(basic);
    }

    @Test
    void aClassifyKeyClassifiesAndReadsTheModelButCannotAdminister() throws Exception {
        assertThat(bearer("POST", "/classify", CLASSIFY_KEY).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", "/models/current", CLASSIFY_KEY).statusCode()).isEqualTo(200);
        // read paths of the model list: allowed (404 until the endpoints exist)
        assertThat(bearer("GET", "/models", CLASSIFY_KEY).statusCode()).isNotIn(401, 403);
        assertThat(bearer("GET", "/models/some-model", CLASSIFY_KEY).statusCode()).isNotIn(401, 403);

        JsonNode p = problem(bearer("POST", "/models/x/deploy", CLASSIFY_KEY), 403, "Forbidden");
        assertThat(p.get("detail").asString()).contains("admin key");
        problem(bearer("GET", "/datasets", CLASSIFY_KEY), 403, "Forbidden");
        problem(bearer("POST", "/train-jobs", CLASSIFY_KEY), 403, "Forbidden");
        for (String[] e : ADMIN_ENDPOINTS) {
            problem(bearer(e[0], e[1], CLASSIFY_KEY), 403, "Forbidden");
        }
    }

    @Test
    void anAdminKeyIsLetThroughEverywhere() throws Exception {
        assertThat(bearer("POST", "/classify", ADMIN_KEY).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", "/models/current", ADMIN_KEY).statusCode()).isEqualTo(200);
        assertThat(bearer("GET", "/actuator/metrics", ADMIN_KEY).statusCode()).isEqualTo(200);
        for (String[] e : ADMIN_ENDPOINTS) {
            assertThat(bearer(e[0], e[1], ADMIN_KEY).statusCode()).as("%s %s", e[0], e[1]).isNotIn(401, 403);
        }
    }

    @Test
    void aKeyStoredAsItsSha256Works() throws Exception {
        assertThat(bearer("POST", "/classify", HASHED_CLASSIFY_KEY).statusCode()).isEqualTo(200);
        problem(bearer("GET", "/datasets", HASHED_CLASSIFY_KEY), 403, "Forbidden");
        // the stored hash is not itself a key
        unauthorized(bearer("POST", "/classify",
                "sha256:5e685d383513bb8a297fe193d85c5e15075190b00b60fea7d3095eebce66ec09"));
    }

    @Test
    void theXApiKeyHeaderWorksLikeBearer() throws Exception {
        assertThat(call("POST", "/classify", "X-API-Key", CLASSIFY_KEY).statusCode()).isEqualTo(200);
        problem(call("POST", "/train-jobs", "X-API-Key", CLASSIFY_KEY), 403, "Forbidden");
        assertThat(call("POST", "/train-jobs", "X-API-Key", ADMIN_KEY).statusCode()).isNotIn(401, 403);
    }

    @Test
    void healthInfoAndPrometheusNeedNoKey() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/actuator/prometheus")) {
            assertThat(get(path, NO_KEY).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void anUnknownPathIs404ForAnyValidKey() throws Exception {
        problem(bearer("GET", "/no-such-path", CLASSIFY_KEY), 404, "Not Found");
        problem(bearer("GET", "/no-such-path", ADMIN_KEY), 404, "Not Found");
        problem(bearer("GET", "/models/x/no-such-thing", ADMIN_KEY), 404, "Not Found");
    }

    @Test
    void statelessNoSessionCookieAndNoGeneratedPassword() throws Exception {
        HttpResponse<String> r = bearer("POST", "/classify", CLASSIFY_KEY);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(bearer("POST", "/classify", NO_KEY).headers().allValues("Set-Cookie")).isEmpty();
        // Spring Boot's default user (and its "Using generated security password" line) is not created.
        assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    }

    @Test
    void noKeyEverAppearsInAnAnswerOrInTheLog(CapturedOutput output) throws Exception {
        for (String key : List.of(ADMIN_KEY, CLASSIFY_KEY, HASHED_CLASSIFY_KEY, WRONG_KEY)) {
            for (String header : List.of("Authorization", "X-API-Key")) {
                call("POST", "/classify", header, key);
                call("GET", "/datasets", header, key);
                call("POST", "/models/x/deploy", header, key);
                call("GET", "/no-such-path", header, key);
            }
        }
        call("POST", "/classify", "Authorization", NO_KEY);
        assertThat(answers).hasSizeGreaterThan(30);
        for (HttpResponse<String> r : answers) {
            String everything = r.headers().map() + "\n" + r.body();
            for (String key : List.of(ADMIN_KEY, CLASSIFY_KEY, HASHED_CLASSIFY_KEY, WRONG_KEY)) {
                assertThat(everything).as("%s %s", r.request().method(), r.uri()).doesNotContain(key);
            }
        }
        // the log did see these requests (the key check logs at debug in the test profile), but not a key
        assertThat(output.getAll()).contains("401 POST /classify").contains("403 GET /datasets");
        for (String key : List.of(ADMIN_KEY, CLASSIFY_KEY, HASHED_CLASSIFY_KEY, WRONG_KEY)) {
            assertThat(output.getAll()).doesNotContain(key);
        }
    }
}
