package dev.tagger.api;

import dev.tagger.TrainingTexts;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console stands on, over real HTTP without a browser: its files and chart library are served without a
 * key (from the jar, nothing from elsewhere), the API calls it makes still need one, the serving summary fills from
 * the service's own meters, and a job preview resolves a spec without queueing it.
 */
class ConsoleApiTest extends JobTestBase {

    @Test
    void theRootRedirectsToTheConsoleWhoseFilesNeedNoKey() throws Exception {
        HttpResponse<String> root = get("/", NO_KEY);
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElseThrow()).endsWith("/console/");

        HttpResponse<String> page = get("/console/", NO_KEY);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Tagger console</title>").contains("js/app.js");
        // Every script and style sheet the page names is this service's own (relative), none from a CDN.
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
        for (String file : List.of("/console/js/app.js", "/console/js/ui.js", "/console/console.css",
                "/webjars/uplot/dist/uPlot.esm.js", "/webjars/uplot/dist/uPlot.min.css")) {
            HttpResponse<String> r = get(file, NO_KEY);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.body()).as(file).doesNotContain("https://cdn");
        }
    }

    @Test
    void theConsolesApiCallsStillNeedAKey() throws Exception {
        assertThat(get("/serving/summary", NO_KEY).statusCode()).isEqualTo(401);
        assertThat(get("/models", NO_KEY).statusCode()).isEqualTo(401);
        assertThat(post("/train-jobs/preview", "{}", "application/json", CLASSIFY_KEY).statusCode()).isEqualTo(403);
        // A write without a key is refused even from the console's own origin; the origin alone is no credential.
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/models/" + DEFAULT_MODEL + "/deploy"))
                .header("Sec-Fetch-Site", "same-origin").POST(HttpRequest.BodyPublishers.noBody()), NO_KEY);
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void theServingSummarySamplesTheServiceOwnMeters() throws Exception {
        String texts = JSON.writeValueAsString(Map.of("texts", List.of("Thank you so much, this made my day!",
                "This is awful, I am so angry.", "Thanks a lot!")));
        assertThat(post("/classify", texts).statusCode()).isEqualTo(200);

        // The next sample (at most 5 s away) counts those texts, with their latency and label rates.
        JsonNode withTexts = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (withTexts == null && System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/serving/summary", CLASSIFY_KEY);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode s = json(r);
            assertThat(s.get("interval_seconds").asInt()).isEqualTo(5);
            for (JsonNode p : s.get("samples")) {
                if (p.get("texts").asLong() >= 3) {
                    withTexts = p;
                }
            }
            Thread.sleep(250);
        }
        assertThat(withTexts).as("a sample with the texts just classified").isNotNull();
        assertThat(withTexts.get("requests").asLong()).isPositive();
        assertThat(withTexts.get("texts_per_second").asDouble()).isPositive();
        assertThat(withTexts.get("p50_ms").asDouble()).isPositive();
        assertThat(withTexts.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(withTexts.get("p50_ms").asDouble());
        assertThat(withTexts.get("label_rates").propertyNames()).isNotEmpty();
        withTexts.get("label_rates").properties().forEach(e -> assertThat(e.getValue().asDouble()).isBetween(0.0, 1.0));
    }

    @Test
    void aPreviewResolvesTheSpecWithEveryDefaultAndQueuesNothing() throws Exception {
        long before = json(get("/train-jobs")).get("total").asLong();
        String body = JSON.writeValueAsString(map("training_data", map("examples",
                examplesJson(TrainingTexts.examples(40)))));

        HttpResponse<String> r = post("/train-jobs/preview", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode spec = json(r);
        assertThat(spec.at("/labels").toString()).isEqualTo("[\"complaint\",\"thanks\"]");
        assertThat(spec.at("/parameters/train").asString()).isEqualTo("head");
        assertThat(spec.at("/parameters/epochs").asInt()).isEqualTo(40);
        assertThat(spec.at("/validation_data/split").asDouble()).isEqualTo(0.2);
        assertThat(spec.at("/deploy").asString()).isEqualTo("never");
        assertThat(json(get("/train-jobs")).get("total").asLong()).isEqualTo(before);

        HttpResponse<String> bad = post("/train-jobs/preview", "{\"training_data\": {\"dataset_id\": \"nope\"}}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(json(bad).get("field").asString()).isEqualTo("training_data.dataset_id");
    }
}
