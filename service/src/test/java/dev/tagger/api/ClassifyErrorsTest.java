package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets problem+json naming the field and the limit; never a 500. */
class ClassifyErrorsTest extends ServiceTestBase {

    private JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = json(r);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asString()).isNotBlank();
        return p;
    }

    @Test
    void blankTextIsRefusedNamingTheField() throws Exception {
        JsonNode p = problem(post("/classify", "{\"texts\": [\"fine\", \"   \"]}"), 422);
        assertThat(p.get("field").asString()).isEqualTo("texts[1]");
        assertThat(problem(post("/classify", "{\"text\": \"\"}"), 422).get("field").asString()).isEqualTo("text");
    }

    @Test
    void aTextOverTheCharacterLimitIsRefusedBeforeItIsRead() throws Exception {
        JsonNode p = problem(post("/classify", JSON.writeValueAsString(Map.of("texts",
                List.of("fine", "é".repeat(20_001))))), 422);
        assertThat(p.get("field").asString()).isEqualTo("texts[1]");
        assertThat(p.get("limit").asInt()).isEqualTo(20_000);
        // Characters are code points: 20,000 emoji are 40,000 UTF-16 units and still allowed.
        assertThat(post("/classify", JSON.writeValueAsString(Map.of("text", "😂".repeat(20_000)))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void loneSurrogatesAndTextsWithNothingToReadAreRefused() throws Exception {
        for (String text : List.of("\\ud800 hello", "hello \\udc00", "\\u0000\\u0000", "\\u200b\\u200c\\u2060",
                "\\ufeff \\u0007\\t")) {
            JsonNode p = problem(post("/classify", "{\"texts\": [\"fine\", \"" + text + "\"]}"), 422);
            assertThat(p.get("field").asString()).as(text).isEqualTo("texts[1]");
        }
        assertThat(post("/classify", "{\"text\": \"\\ud83d\\ude02 ok\"}").statusCode()).as("a valid pair").isEqualTo(200);
    }

    @Test
    void longTextOptionsAreChecked() throws Exception {
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"long_text\": \"split\"}"), 422).get("field")
                .asString()).isEqualTo("long_text");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"aggregation\": \"median\"}"), 422).get("field")
                .asString()).isEqualTo("aggregation");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"stride\": -1}"), 422).get("field").asString())
                .isEqualTo("stride");
        JsonNode p = problem(post("/classify", "{\"text\": \"a\", \"long_text\": \"chunk\", \"stride\": 126}"), 422);
        assertThat(p.get("field").asString()).isEqualTo("stride");
        assertThat(p.get("limit").asInt()).isEqualTo(125);
        JsonNode w = problem(post("/classify", "{\"text\": \"a\", \"long_text\": \"chunk\", \"window\": 129}"), 422);
        assertThat(w.get("field").asString()).isEqualTo("window");
        assertThat(w.get("limit").asInt()).isEqualTo(128);
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"window\": 2}"), 422).get("field").asString())
                .isEqualTo("window");
    }

    @Test
    void aTextNeedingMoreWindowsThanAllowedNamesTheLimit() throws Exception {
        String tooLong = "word ".repeat(3_000);
        JsonNode p = problem(post("/classify", JSON.writeValueAsString(Map.of("texts", List.of("fine", tooLong),
                "long_text", "chunk"))), 422);
        assertThat(p.get("field").asString()).isEqualTo("texts[1]");
        assertThat(p.get("limit").asInt()).isEqualTo(16);
        // Windows count against the queue: five texts of 16 windows are more than it holds (64 in tests).
        String sixteen = "word ".repeat(1_500);
        JsonNode q = problem(post("/classify", JSON.writeValueAsString(Map.of("texts", List.of(sixteen, sixteen, sixteen,
                sixteen, sixteen), "long_text", "chunk"))), 422);
        assertThat(q.get("field").asString()).isEqualTo("texts");
        assertThat(q.get("limit").asInt()).isEqualTo(64);
    }

    @Test
    void missingTextsAndWrongTypesAreRefused() throws Exception {
        assertThat(problem(post("/classify", "{}"), 422).get("field").asString()).isEqualTo("texts");
        assertThat(problem(post("/classify", "{\"texts\": \"one\"}"), 422).get("field").asString()).isEqualTo("texts");
        assertThat(problem(post("/classify", "{\"texts\": [1]}"), 422).get("field").asString()).isEqualTo("texts[0]");
        assertThat(problem(post("/classify", "{\"texts\": []}"), 422).get("field").asString()).isEqualTo("texts");
        assertThat(problem(post("/classify", "[\"a\"]"), 422).get("field").asString()).isEqualTo("body");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"texts\": [\"b\"]}"), 422).get("field").asString())
                .isEqualTo("texts");
    }

    @Test
    void optionsOutOfRangeAndUnknownFieldsAreRefused() throws Exception {
        JsonNode p = problem(post("/classify", "{\"text\": \"a\", \"threshold\": 1.5}"), 422);
        assertThat(p.get("field").asString()).isEqualTo("threshold");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"top_k\": 0}"), 422).get("field").asString())
                .isEqualTo("top_k");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"all_scores\": \"yes\"}"), 422).get("field").asString())
                .isEqualTo("all_scores");
        assertThat(problem(post("/classify", "{\"text\": \"a\", \"treshold\": 0.2}"), 422).get("field").asString())
                .isEqualTo("treshold");
    }

    @Test
    void integersPastTheLongRangeAreRefusedNotAnErrorOfTheServer() throws Exception {
        for (String field : new String[] {"top_k", "window", "stride"}) {
            for (String n : new String[] {"9223372036854775808", "-9223372036854775809", "18446744073709551616",
                    "2147483648"}) {
                JsonNode p = problem(post("/classify", "{\"text\": \"a\", \"" + field + "\": " + n + "}"), 422);
                assertThat(p.get("field").asString()).as(field + "=" + n).isEqualTo(field);
                assertThat(p.get("detail").asString()).contains("2147483647");
            }
        }
    }

    @Test
    void jsonPastTheParsersLimitsNamesTheLimit() throws Exception {
        JsonNode deep = problem(post("/classify", "[".repeat(10_000) + "]".repeat(10_000)), 400);
        assertThat(deep.get("detail").asString()).startsWith("the request body nests arrays and objects deeper than "
                + "the limit of 500 levels");
        assertThat(deep.get("limit").asInt()).isEqualTo(500);
        JsonNode number = problem(post("/classify", "{\"text\": \"a\", \"top_k\": 1" + "0".repeat(1200) + "}"), 400);
        assertThat(number.get("detail").asString()).contains("number longer than the limit of 1000 characters");
    }

    @Test
    void tooManyTextsNamesTheLimit() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            texts.add("text " + i);
        }
        JsonNode p = problem(post("/classify", JSON.writeValueAsString(Map.of("texts", texts))), 422);
        assertThat(p.get("field").asString()).isEqualTo("texts");
        assertThat(p.get("limit").asInt()).isEqualTo(64);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertThat(problem(post("/classify", "{\"texts\": [\"a\""), 400).get("field").asString()).isEqualTo("body");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        problem(post("/classify", "texts=a", "application/x-www-form-urlencoded"), 415);
        problem(post("/classify", "hello", "text/plain"), 415);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"text\": \"" + "a".repeat(3 * 1024 * 1024) + "\"}";
        JsonNode p = problem(post("/classify", big), 413);
        assertThat(p.get("limit").asLong()).isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void unknownPathIsAProblemToo() throws Exception {
        problem(get("/no-such-thing"), 404);
    }

    @Test
    void overloadGets429WithRetryAfterAndNo5xx() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("this request fills the whole queue on its own, text number " + i);
        }
        String body = JSON.writeValueAsString(Map.of("texts", texts));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                futures.add(pool.submit(() -> post("/classify", body)));
            }
            int ok = 0;
            int overloaded = 0;
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isIn(200, 429);
                if (r.statusCode() == 200) {
                    ok++;
                    assertThat(json(r).get("results").size()).isEqualTo(64);
                } else {
                    overloaded++;
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(json(r).get("reason").asString()).isEqualTo("overloaded");
                }
            }
            assertThat(ok).isPositive();
            assertThat(overloaded).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
