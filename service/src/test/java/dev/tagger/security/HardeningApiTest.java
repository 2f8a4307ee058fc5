package dev.tagger.security;

import dev.tagger.ServiceTestBase;
import dev.tagger.model.TinyBert;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed mode (application-test.yml) over real HTTP: the import root, cross-site refusals, and errors that are
 * problem+json in UTF-8 without parser internals, class names or what a file on the server holds.
 */
class HardeningApiTest extends ServiceTestBase {

    private JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        String type = r.headers().firstValue("Content-Type").orElse("");
        assertThat(type).startsWith("application/problem+json");
        if (type.contains("charset")) {
            assertThat(type).containsIgnoringCase("charset=UTF-8");
        }
        return json(r);
    }

    private HttpResponse<String> registerFrom(String path) throws Exception {
        return post("/models", "{\"id\": \"hardening-x\", \"path\": " + JSON.writeValueAsString(path) + "}");
    }

    @Test
    void aPathOutsideTheImportRootIsRefusedWithoutSayingWhetherItExists() throws Exception {
        Path inside = importable(TinyBert.hfDir());
        Path link = Files.createDirectories(IMPORT_ROOT.resolve("links-" + System.nanoTime()));
        Files.createSymbolicLink(link.resolve("etc"), Path.of("/etc"));
        String[] refused = {"/etc", "/no/such/dir", "../..", inside + "/../../..", link.resolve("etc").toString(),
                "bad\u0000path", "missing-folder"};
        String detail = null;
        for (String path : refused) {
            JsonNode p = problem(registerFrom(path), 422);
            assertThat(p.get("field").asString()).isEqualTo("path");
            assertThat(p.get("detail").asString()).contains("tagger.models.import-root");
            if (detail != null) {
                assertThat(p.get("detail").asString()).as(path).isEqualTo(detail);
            }
            detail = p.get("detail").asString();
        }
    }

    @Test
    void aFileReadFromAPathThatIsNotJsonIsNotQuoted() throws Exception {
        Path dir = importable(TinyBert.hfDir());
        Files.writeString(dir.resolve("config.json"), "secret-token-1234 is not json");
        JsonNode p = problem(registerFrom(dir.toString()), 422);
        assertThat(p.get("detail").asString()).contains("config.json is not valid JSON at line 1")
                .doesNotContain("secret");
    }

    @Test
    void aCrossSitePostWithoutAKeyIsRefusedAndOneWithAKeyPasses() throws Exception {
        String body = "{\"text\": \"Thank you!\"}";
        HttpRequest.Builder crossSite = HttpRequest.newBuilder(uri("/classify")).header("Content-Type",
                "application/json").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        JsonNode p = problem(send(crossSite, NO_KEY), 403);
        assertThat(p.get("detail").asString()).contains("cross-site");
        HttpRequest.Builder foreign = HttpRequest.newBuilder(uri("/models/x/deploy")).header("Origin",
                "https://evil.example").POST(HttpRequest.BodyPublishers.noBody());
        problem(send(foreign, NO_KEY), 403);
        assertThat(send(HttpRequest.newBuilder(uri("/classify")).header("Content-Type", "application/json")
                .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.ofString(body)), CLASSIFY_KEY)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsDescribedByPositionNotByTheParser() throws Exception {
        JsonNode p = problem(post("/classify", "{\"text\": \"a\",\n  oops}"), 400);
        assertThat(p.get("detail").asString()).isEqualTo("the request body is not valid JSON at line 2 column 3");
        p = problem(post("/models", "{\"id\": [1, 2"), 400);
        assertThat(p.get("detail").asString()).startsWith("the request body is not valid JSON")
                .doesNotContain("Unexpected").doesNotContain("tools.jackson").doesNotContain("Source");
    }

    @Test
    void aBodyOverTheLimitIsProblemJsonInUtf8() throws Exception {
        HttpResponse<String> r = post("/classify", "{\"text\": \"" + "a".repeat(3 * 1024 * 1024) + "\"}");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).containsIgnoringCase("charset=UTF-8");
        problem(r, 413);
    }

    @Test
    void anEncodedSlashInThePathIsProblemJsonNotAnHtmlPage() throws Exception {
        JsonNode p = problem(get("/models/a%2Fb"), 400);
        assertThat(p.get("status").asInt()).isEqualTo(400);
    }

    @Test
    void badFormAndTruncatedMultipartUploadsAreClientErrors() throws Exception {
        HttpResponse<String> form = post("/datasets", "name=%E0%A4%A&x=%zz", "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).as(form.body()).isBetween(400, 499);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        String truncated = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\ntext,labels\nhello,joy\n";
        HttpResponse<String> multipart = post("/datasets", truncated, "multipart/form-data; boundary=b");
        assertThat(multipart.statusCode()).as(multipart.body()).isBetween(400, 499);
        assertThat(multipart.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
}
