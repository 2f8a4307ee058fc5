package dev.tagger.api;

import dev.tagger.ServiceTestBase;
import dev.tagger.model.TinyBert;
import dev.tagger.model.format.Archives;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A TorchScript model over HTTP: registered from the fixture directory, listed, deployed and served by POST /classify
 * through the predictor pool (one batched request matches the trace's reference), and refused as a training base and
 * for export.
 */
class TorchScriptApiTest extends ServiceTestBase {

    private static final String DEFAULT_MODEL = "goemotions-minilm";

    private String register() throws Exception {
        String id = "tiny-ts-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = post("/models", "{\"id\": \"" + id + "\", \"path\": "
                + JSON.writeValueAsString(importable(TinyBert.fixture("tiny-bert-torchscript")).toString()) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode b = json(r);
        assertThat(b.get("format").asString()).isEqualTo("torchscript");
        assertThat(b.get("labels").toString()).isEqualTo("[\"joy\",\"anger\",\"surprise\"]");
        assertThat(b.at("/probe/probabilities").size()).isEqualTo(3);
        assertThat(b.get("size_on_disk_bytes").asLong()).isGreaterThan(10_000);
        return id;
    }

    @Test
    void aTorchScriptModelIsRegisteredDeployedAndServedInBatches() throws Exception {
        String id = register();
        try {
            JsonNode listed = null;
            for (JsonNode m : json(get("/models")).get("items")) {
                if (m.get("id").asString().equals(id)) {
                    listed = m;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.get("format").asString()).isEqualTo("torchscript");

            HttpResponse<String> d = post("/models/" + id + "/deploy", "");
            assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
            JsonNode current = json(get("/models/current"));
            assertThat(current.get("id").asString()).isEqualTo(id);
            assertThat(current.get("format").asString()).isEqualTo("torchscript");
            assertThat(current.at("/precision/cpu()").asString()).isEqualTo("module");

            JsonNode ref = TinyBert.reference();
            List<String> texts = new ArrayList<>();
            ref.get("items").forEach(i -> texts.add(i.get("text").asString()));
            assertThat(texts.size()).isGreaterThan(1);
            HttpResponse<String> c = post("/classify", JSON.writeValueAsString(Map.of("texts", texts)));
            assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
            JsonNode results = json(c).get("results");
            assertThat(results.size()).isEqualTo(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                for (int k = 0; k < TinyBert.LABELS.length; k++) {
                    assertThat(results.at("/" + i + "/scores/" + TinyBert.LABELS[k]).asDouble())
                            .as("text %d label %s", i, TinyBert.LABELS[k])
                            .isCloseTo(ref.at("/items/" + i + "/probabilities/" + k).asDouble(), within(1e-5));
                }
            }
            // The module has 64 positions: a longer text may fail inside the model, which answers with why.
            HttpResponse<String> longer = post("/classify", JSON.writeValueAsString(Map.of("text",
                    "a happy text that goes on ".repeat(30))));
            assertThat(longer.statusCode()).as(longer.body()).isIn(200, 503);
            if (longer.statusCode() == 503) {
                JsonNode p = json(longer);
                assertThat(p.get("title").asString()).isEqualTo("Inference failed");
                assertThat(p.get("reason").asString()).isEqualTo("inference_failed");
                assertThat(p.get("detail").asString()).contains(id);
            }
            assertThat(post("/classify", "{\"text\": \"a happy text\"}").statusCode()).isEqualTo(200);
        } finally {
            HttpResponse<String> back = post("/models/" + DEFAULT_MODEL + "/deploy", "");
            assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
            delete("/models/" + id);
        }
    }

    @Test
    void aTorchScriptArchiveIsRegisteredButNeitherTrainedFromNorExported() throws Exception {
        String id = "tiny-ts-tgz-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = TinyBert.fixture("tiny-bert-torchscript");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : List.of("model.pt", "tokenizer.json", "labels.json")) {
            files.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        files.put("thresholds.json", "{\"anger\": 0.7}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post("/models?id=" + id, Archives.tarGz("tiny-ts", files), "application/gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).at("/thresholds/anger").asDouble()).isCloseTo(0.7, within(1e-6));
        try {
            HttpResponse<String> train = post("/train-jobs", JSON.writeValueAsString(Map.of("base", id,
                    "training_data", List.of(Map.of("text", "a happy text", "labels", List.of("joy"))))));
            assertThat(train.statusCode()).as(train.body()).isEqualTo(422);
            assertThat(train.body()).contains("TorchScript").contains("base");

            HttpResponse<String> export = get("/models/" + id + "/export");
            assertThat(export.statusCode()).as(export.body()).isEqualTo(409);
            assertThat(export.body()).contains("TorchScript");
        } finally {
            delete("/models/" + id);
        }
    }
}
