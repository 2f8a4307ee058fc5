package dev.tagger.api;

import dev.tagger.TestData;
import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** POST /classify and GET /models/current over real HTTP against the built-in default model. */
class ClassifyApiTest extends ServiceTestBase {

    private JsonNode classify(Object body) throws Exception {
        HttpResponse<String> r = post("/classify", JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void gratitudeIsFoundAndEveryLabelHasAProbability() throws Exception {
        JsonNode r = classify(Map.of("texts", List.of("Thank you so much, this made my day!")));
        assertThat(r.at("/model/id").asString()).isEqualTo("goemotions-minilm");
        assertThat(r.at("/model/version").asString()).hasSize(12);
        JsonNode first = r.at("/results/0");
        List<String> labels = new ArrayList<>();
        first.get("labels").forEach(l -> labels.add(l.asString()));
        assertThat(labels).contains("gratitude");
        assertThat(first.get("scores").size()).isEqualTo(28);
        first.get("scores").properties().forEach(e ->
                assertThat(e.getValue().asDouble()).isBetween(0.0, 1.0));
        // Multi-label, not softmax: probabilities do not have to sum to one.
        double sum = 0;
        for (var e : first.get("scores").properties()) {
            sum += e.getValue().asDouble();
        }
        assertThat(Math.abs(sum - 1.0)).isGreaterThan(0.01);
        assertThat(first.get("truncated").asBoolean()).isFalse();
        // Predicted labels come by descending score.
        double previous = 2;
        for (String l : labels) {
            double s = first.get("scores").get(l).asDouble();
            assertThat(s).isLessThanOrEqualTo(previous);
            previous = s;
        }
    }

    @Test
    void aBatchAnswersInInputOrderWithTheSameProbabilitiesAsSingleTexts() throws Exception {
        List<String> texts = TestData.SENTENCES;
        JsonNode batch = classify(Map.of("texts", texts));
        assertThat(batch.get("results").size()).isEqualTo(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode alone = classify(Map.of("text", texts.get(i))).at("/results/0/scores");
            JsonNode inBatch = batch.at("/results/" + i + "/scores");
            for (var e : alone.properties()) {
                assertThat(inBatch.get(e.getKey()).asDouble()).as("text %d label %s", i, e.getKey())
                        .isCloseTo(e.getValue().asDouble(), within(1e-5));
            }
        }
    }

    @Test
    void thresholdTopKAndAllScoresShapeTheAnswer() throws Exception {
        JsonNode everything = classify(Map.of("text", "I love you all, thanks!", "threshold", 0.0));
        assertThat(everything.at("/results/0/labels").size()).isEqualTo(28);
        JsonNode two = classify(Map.of("text", "I love you all, thanks!", "threshold", 0.0, "top_k", 2));
        assertThat(two.at("/results/0/labels").size()).isEqualTo(2);
        JsonNode none = classify(Map.of("text", "I love you all, thanks!", "threshold", 1.0, "all_scores", false));
        assertThat(none.at("/results/0/labels").size()).isZero();
        assertThat(none.at("/results/0/scores").size()).isZero();
    }

    @Test
    void longTextsAreTruncatedNotRejected() throws Exception {
        JsonNode r = classify(Map.of("text", "this is a very long sentence that keeps going ".repeat(100)));
        assertThat(r.at("/results/0/truncated").asBoolean()).isTrue();
    }

    private static List<String> labels(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.get("labels").forEach(l -> out.add(l.asString()));
        return out;
    }

    @Test
    void chunkReadsEvidenceThatTruncationCutsOff() throws Exception {
        String text = "The meeting is scheduled for Tuesday at the main office building on the third floor. ".repeat(12)
                + "Thank you so much, I am so grateful for all your help!";
        JsonNode truncated = classify(Map.of("text", text)).at("/results/0");
        assertThat(truncated.get("truncated").asBoolean()).isTrue();
        assertThat(truncated.get("windows").asInt()).isEqualTo(1);
        assertThat(labels(truncated)).doesNotContain("gratitude");

        // Windows near the length of the texts the model learnt from: the thanks are not averaged away.
        JsonNode chunked = classify(Map.of("text", text, "long_text", "chunk", "window", 32)).at("/results/0");
        assertThat(chunked.get("truncated").asBoolean()).isFalse();
        assertThat(chunked.get("windows").asInt()).isBetween(8, 16);
        assertThat(labels(chunked)).contains("gratitude");

        JsonNode mean = classify(Map.of("text", text, "long_text", "chunk", "window", 32, "aggregation", "mean"))
                .at("/results/0");
        assertThat(mean.at("/scores/gratitude").asDouble()).isLessThan(chunked.at("/scores/gratitude").asDouble());
        JsonNode wide = classify(Map.of("text", text, "long_text", "chunk")).at("/results/0");
        assertThat(wide.get("windows").asInt()).as("windows of max_tokens by default").isEqualTo(2);
        // A short text reads the same either way.
        JsonNode shortOne = classify(Map.of("text", "Thank you so much!", "long_text", "chunk")).at("/results/0");
        assertThat(shortOne.get("windows").asInt()).isEqualTo(1);
        assertThat(shortOne.get("scores")).isEqualTo(classify(Map.of("text", "Thank you so much!")).at("/results/0/scores"));
    }

    @Test
    void textsMostlyOutsideTheVocabularyAreFlagged() throws Exception {
        JsonNode r = classify(Map.of("texts", List.of("Thank you so much, this made my day!",
                "Спасибо большое, это лучший день в моей жизни")));
        assertThat(r.at("/results/0/out_of_vocabulary").asBoolean()).isFalse();
        assertThat(r.at("/results/1/out_of_vocabulary").asBoolean()).isTrue();
    }

    @Test
    void timingHeadersAreSent() throws Exception {
        HttpResponse<String> r = post("/classify", "{\"text\": \"hello there\"}");
        for (String h : List.of("x-tokenization-time", "x-queue-time", "x-inference-time", "x-total-time")) {
            assertThat(r.headers().firstValue(h)).as(h).hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d{3}"));
        }
        double total = Double.parseDouble(r.headers().firstValue("x-total-time").orElseThrow());
        assertThat(Double.parseDouble(r.headers().firstValue("x-inference-time").orElseThrow()))
                .isPositive().isLessThanOrEqualTo(total);
    }

    @Test
    void currentModelDescribesLabelsThresholdsAndMetrics() throws Exception {
        HttpResponse<String> r = get("/models/current");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = json(r);
        assertThat(m.get("labels").size()).isEqualTo(28);
        assertThat(m.get("thresholds").size()).isEqualTo(28);
        assertThat(m.get("base").asString()).isEqualTo("builtin:all-MiniLM-L6-v2");
        assertThat(m.get("language").asString()).as("the language the built-in model reads").isEqualTo("English");
        assertThat(m.at("/card/metrics/validation/macro_f1").asDouble()).isGreaterThanOrEqualTo(0.40);
        assertThat(m.at("/precision/cpu()").asString()).as("the default precision on a CPU").isEqualTo("int8");
    }

    @Test
    void readinessReportsTheModel() throws Exception {
        JsonNode h = json(get("/actuator/health/readiness"));
        assertThat(h.get("status").asString()).isEqualTo("UP");
        assertThat(h.at("/components/model/details/id").asString()).isEqualTo("goemotions-minilm");
    }
}
