package dev.tagger.api;

import dev.tagger.ServiceTestBase;
import dev.tagger.io.Json;
import dev.tagger.model.TinyBert;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON that clients see, field by field and in order, from the typed response records; and Spring's one JSON
 * mapper is {@link Json#MAPPER}, with problem+json still flat.
 */
class ResponseShapeTest extends ServiceTestBase {

    @Autowired
    JsonMapper springMapper;

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    @Test
    void springsJsonMapperIsTheServicesOne() {
        assertThat(springMapper).isSameAs(Json.MAPPER);
    }

    @Test
    void problemsKeepTheirPropertiesAtTheTopLevel() throws Exception {
        HttpResponse<String> r = post("/classify", "{\"texts\": []}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(fields(json(r))).containsExactly("detail", "instance", "status", "title", "field", "limit");
    }

    @Test
    void classifyAnswersModelThenResults() throws Exception {
        JsonNode c = json(post("/classify", "{\"text\": \"Thank you so much!\"}"));
        assertThat(fields(c)).containsExactly("model", "results");
        assertThat(fields(c.get("model"))).containsExactly("id", "version");
        assertThat(fields(c.at("/results/0"))).containsExactly("labels", "scores", "truncated", "windows", "out_of_vocabulary");
    }

    @Test
    void theServedModelListsItsFieldsInOrder() throws Exception {
        JsonNode m = json(get("/models/current"));
        assertThat(fields(m)).containsExactly("id", "version", "base", "language", "problem_type", "labels", "thresholds", "pooling",
                "max_tokens", "parameters", "devices", "precision", "card");
        assertThat(m.get("card").has("metrics")).as("the card passes through as stored").isTrue();
    }

    @Test
    void listedAndSingleModelsKeepTheirFieldsAndNulls() throws Exception {
        JsonNode list = json(get("/models"));
        assertThat(fields(list)).containsExactly("serving", "items");
        List<String> summary = List.of("id", "version", "base", "default", "serving", "created", "trained_part", "job",
                "labels", "validation_macro_f1");
        JsonNode first = list.at("/items/0");
        assertThat(first.get("id").asString()).isEqualTo("goemotions-minilm");
        assertThat(fields(first)).containsExactlyElementsOf(summary);
        assertThat(first.get("job").isNull()).as("null fields are written, not dropped").isTrue();

        List<String> detail = new ArrayList<>(summary);
        detail.addAll(List.of("thresholds", "max_tokens", "card"));
        assertThat(fields(json(get("/models/goemotions-minilm")))).containsExactlyElementsOf(detail);
    }

    @Test
    void aRegistrationAnswersEveryFieldInOrder() throws Exception {
        String id = "shape-" + UUID.randomUUID().toString().substring(0, 8);
        String ts = "shape-ts-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            HttpResponse<String> r = post("/models", "{\"id\": \"" + id + "\", \"path\": "
                    + JSON.writeValueAsString(importable(TinyBert.hfDir()).toString()) + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode b = json(r);
            assertThat(fields(b)).containsExactly("id", "version", "labels", "thresholds", "format", "pooling",
                    "max_tokens", "problem_type", "parameters", "size_on_disk_bytes", "ignored_tensors", "probe", "deploy");
            assertThat(fields(b.get("probe"))).containsExactly("latency_ms", "probabilities");
            assertThat(b.get("format").asString()).isEqualTo("tagger");
            assertThat(b.get("deploy").asString()).isEqualTo("/models/" + id + "/deploy");

            JsonNode t = json(post("/models", "{\"id\": \"" + ts + "\", \"path\": "
                    + JSON.writeValueAsString(importable(TinyBert.fixture("tiny-bert-torchscript")).toString()) + "}"));
            assertThat(t.get("pooling").isNull()).isTrue();
            assertThat(t.get("parameters").isNull()).isTrue();
            JsonNode listed = json(get("/models/" + ts));
            assertThat(fields(listed).subList(0, 7)).as("a TorchScript model says so after 'serving'")
                    .containsExactly("id", "version", "base", "default", "serving", "format", "created");
        } finally {
            delete("/models/" + id);
            delete("/models/" + ts);
        }
    }
}
