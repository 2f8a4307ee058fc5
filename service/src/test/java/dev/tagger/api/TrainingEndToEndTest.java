package dev.tagger.api;

import dev.tagger.TestData;
import dev.tagger.datasets.DatasetFiles;
import dev.tagger.datasets.Example;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole path on real data: upload 300 GoEmotions training rows for three labels, train a head over HTTP,
 * check that validation macro-F1 beats the untrained start, deploy the model while requests keep coming (none
 * fails, each is answered by one model), classify with it, then put the default model back.
 */
class TrainingEndToEndTest extends JobTestBase {

    private static final List<String> LABELS = List.of("amusement", "anger", "gratitude");

    /** The first 150 rows with one of the three labels and the first 150 with none of them. */
    private static List<Example> goEmotionsSample(Path dir) throws Exception {
        return goEmotionsSample(dir.resolve("train.tsv"), dir.resolve("labels.txt"), 150);
    }

    /** The first {@code half} rows of a GoEmotions file with one of the three labels and the first {@code half} with none. */
    private static List<Example> goEmotionsSample(Path tsv, Path labelsTxt, int half) throws Exception {
        List<Example> positives = new ArrayList<>();
        List<Example> negatives = new ArrayList<>();
        for (Example e : DatasetFiles.readGoEmotions(tsv, labelsTxt).examples()) {
            List<String> labels = e.labels().stream().filter(LABELS::contains).toList();
            List<Example> into = labels.isEmpty() ? negatives : positives;
            if (into.size() < half) {
                into.add(new Example(e.text(), labels));
            }
            if (positives.size() == half && negatives.size() == half) {
                break;
            }
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < half; i++) {
            out.add(positives.get(i));
            out.add(negatives.get(i));
        }
        return out;
    }

    @Test
    void aHeadTrainedOnGoEmotionsBeatsItsStartAndIsDeployedWithoutAFailedRequest() throws Exception {
        Path dir = TestData.requireGoEmotions();
        String dataset = uploadJsonl("goemotions-300", goEmotionsSample(dir));
        List<Example> devSample = goEmotionsSample(dir.resolve("dev.tsv"), dir.resolve("labels.txt"), 40);
        String devSet = uploadJsonl("goemotions-dev-80", devSample);
        List<String> models = new ArrayList<>();
        try {
            JsonNode job = submit(map("name", "GoEmotions head, three labels",
                    "training_data", map("dataset_id", dataset),
                    "validation_data", map("split", 0.3),
                    "labels", LABELS));
            JsonNode done = awaitStatus(job.get("id").asString(), Duration.ofSeconds(300), "SUCCEEDED", "FAILED",
                    "CANCELLED");
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
            double start = done.at("/baseline/macro_f1").asDouble();
            double trained = done.at("/result/metrics/validation/macro_f1").asDouble();
            assertThat(trained).as("validation macro-F1, untrained start %.3f", start).isGreaterThan(start + 0.25);
            assertThat(done.at("/request/parameters/batch_size").asInt()).as("sized for 210 examples").isEqualTo(8);
            assertThat(done.at("/result/metrics/validation/examples").asInt()).isEqualTo(90);
            assertThat(done.at("/result/metrics/baseline/macro_f1").asDouble()).isEqualTo(start);
            assertThat(done.at("/result/timings/texts_per_second_encoding").asDouble()).isPositive();
            assertThat(done.get("epochs").size()).isEqualTo(40);
            String modelId = done.at("/result/model_id").asString();
            String version = done.at("/result/model_version").asString();
            models.add(modelId);
            assertThat(json(get("/models")).get("items"))
                    .anySatisfy(m -> assertThat(m.get("id").asString()).isEqualTo(modelId));

            // The served default model was trained on all of GoEmotions train: compare honestly, decide consistently.
            JsonNode second = submit(map("training_data", map("dataset_id", dataset),
                    "validation_data", map("dataset_id", devSet), "labels", LABELS, "deploy", "if_better",
                    "parameters", map("epochs", 10)));
            JsonNode compared = awaitStatus(second.get("id").asString(), Duration.ofSeconds(300), "SUCCEEDED",
                    "FAILED");
            assertThat(compared.get("status").asString()).as(compared.toString()).isEqualTo("SUCCEEDED");
            models.add(compared.at("/result/model_id").asString());
            servedAnswersReproduceTheCard(compared.at("/result/model_id").asString(), devSample);
            JsonNode d = compared.at("/result/deployment");
            assertThat(d.get("serving_model_id").asString()).as(d.toString()).isEqualTo(DEFAULT_MODEL);
            assertThat(d.get("serving_macro_f1").asDouble()).isPositive();
            assertThat(d.get("deployed").asBoolean())
                    .isEqualTo(d.get("candidate_macro_f1").asDouble() > d.get("serving_macro_f1").asDouble());
            if (d.get("deployed").asBoolean()) {
                deployDefault();
            }

            deployUnderLoad(modelId);

            JsonNode answer = json(post("/classify", "{\"texts\": [\"Thank you so much, you are the best!\"]}"));
            assertThat(answer.at("/model/id").asString()).isEqualTo(modelId);
            assertThat(answer.at("/model/version").asString()).isEqualTo(version);
            assertThat(answer.at("/results/0/labels").toString()).contains("gratitude");
            assertThat(json(get("/models/" + modelId)).get("serving").asBoolean()).isTrue();
        } finally {
            deployDefault();
            delete("/datasets/" + dataset);
            delete("/datasets/" + devSet);
            for (String m : models) {
                delete("/models/" + m);
            }
        }
        assertThat(json(get("/models/current")).get("id").asString()).isEqualTo(DEFAULT_MODEL);
    }

    /**
     * The card's per-label figures come from the validation pass through the serving encoder: the served model's
     * answers on the same texts, under the card's thresholds, give the same counts, hence the same figures.
     */
    private void servedAnswersReproduceTheCard(String modelId, List<Example> validation) throws Exception {
        JsonNode model = json(get("/models/" + modelId));
        assertThat(model.at("/card/metrics/thresholds_tuned_at").asString()).startsWith("int8");
        HttpResponse<String> deployed = post("/models/" + modelId + "/deploy", "");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        try {
            List<JsonNode> answers = new ArrayList<>();
            for (int from = 0; from < validation.size(); from += 32) {
                List<String> texts = validation.subList(from, Math.min(validation.size(), from + 32)).stream()
                        .map(Example::text).toList();
                JsonNode r = json(post("/classify", JSON.writeValueAsString(map("texts", texts, "all_scores", true))));
                assertThat(r.at("/model/id").asString()).isEqualTo(modelId);
                r.get("results").forEach(answers::add);
            }
            for (JsonNode label : model.at("/card/metrics/validation/per_label")) {
                String name = label.get("label").asString();
                double threshold = model.at("/thresholds/" + name).asDouble();
                int tp = 0;
                int fp = 0;
                int fn = 0;
                for (int i = 0; i < validation.size(); i++) {
                    boolean predicted = answers.get(i).at("/scores/" + name).asDouble() >= threshold;
                    boolean truth = validation.get(i).labels().contains(name);
                    tp += predicted && truth ? 1 : 0;
                    fp += predicted && !truth ? 1 : 0;
                    fn += !predicted && truth ? 1 : 0;
                }
                assertThat(label.get("support").asInt()).as(name).isEqualTo(tp + fn);
                double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
                double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
                assertThat(label.get("precision").asDouble()).as("%s precision", name).isCloseTo(precision, within(1e-4));
                assertThat(label.get("recall").asDouble()).as("%s recall", name).isCloseTo(recall, within(1e-4));
            }
        } finally {
            deployDefault();
        }
    }

    /** Deploys while two clients keep classifying: every answer is 200 and names the old or the new model. */
    private void deployUnderLoad(String modelId) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        Set<String> failures = ConcurrentHashMap.newKeySet();
        Set<String> models = ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = post("/classify", "{\"texts\": [\"thanks a lot\", \"so funny\"]}");
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        } else {
                            models.add(json(r).at("/model/id").asString());
                            answered.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        try {
            Thread.sleep(300);
            HttpResponse<String> deployed = post("/models/" + modelId + "/deploy", "");
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
            assertThat(json(deployed).get("id").asString()).isEqualTo(modelId);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!models.contains(modelId) && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isPositive();
        assertThat(models).containsExactlyInAnyOrder(DEFAULT_MODEL, modelId);
    }
}
