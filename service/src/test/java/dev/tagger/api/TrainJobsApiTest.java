package dev.tagger.api;

import dev.tagger.TrainingTexts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training job API over real HTTP, on small hand-made data (no shared dataset needed): validation, the
 * lifecycle with progress events, cancel, the bounded queue, deploy policy and the model delete rules.
 */
class TrainJobsApiTest extends JobTestBase {

    private static final String EXAMPLES = JSON.writeValueAsString(examplesJson(TrainingTexts.examples(4)));

    @AfterEach
    void leaveTheRunnerIdleAndTheDefaultModelServed() throws Exception {
        cancelActiveJobs();
        if (!json(get("/models/current")).get("id").asString().equals(DEFAULT_MODEL)) {
            deployDefault();
        }
    }

    static Stream<Arguments> invalidJobs() {
        String td = "\"training_data\": {\"examples\": " + EXAMPLES + "}";
        return Stream.of(
                Arguments.of("{}", "training_data"),
                Arguments.of("[]", "body"),
                Arguments.of("{\"training_data\": {\"examples\": []}}", "training_data.examples"),
                Arguments.of("{\"training_data\": {\"examples\": [{\"text\": \" \", \"labels\": []}]}}",
                        "training_data.examples[0].text"),
                Arguments.of("{\"training_data\": {\"examples\": [{\"text\": \"hi\", \"labels\": \"x\"}]}}",
                        "training_data.examples[0].labels"),
                Arguments.of("{\"training_data\": {\"dataset_id\": \"nope\"}}", "training_data.dataset_id"),
                Arguments.of("{\"training_data\": {\"dataset_id\": \"../etc\"}}", "training_data.dataset_id"),
                Arguments.of("{\"training_data\": {\"dataset_id\": \"x\", \"examples\": " + EXAMPLES + "}}",
                        "training_data"),
                Arguments.of("{" + td + ", \"parameters\": {\"epochs\": 0}}", "parameters.epochs"),
                Arguments.of("{" + td + ", \"parameters\": {\"epochs\": \"3\"}}", "parameters.epochs"),
                Arguments.of("{" + td + ", \"parameters\": {\"learning_rate\": -1}}", "parameters.learning_rate"),
                Arguments.of("{" + td + ", \"parameters\": {\"batch_size\": 1.5}}", "parameters.batch_size"),
                Arguments.of("{" + td + ", \"parameters\": {\"train\": \"top_layers:9\"}}", "parameters.train"),
                Arguments.of("{" + td + ", \"parameters\": {\"train\": \"encoder\"}}", "parameters.train"),
                Arguments.of("{" + td + ", \"parameters\": {\"warmup_ratio\": 1}}", "parameters.warmup_ratio"),
                Arguments.of("{" + td + ", \"parameters\": {\"weight_decay\": 2}}", "parameters.weight_decay"),
                Arguments.of("{" + td + ", \"parameters\": {\"max_tokens\": 1000}}", "parameters.max_tokens"),
                Arguments.of("{" + td + ", \"parameters\": {\"seed\": \"x\"}}", "parameters.seed"),
                Arguments.of("{" + td + ", \"parameters\": {\"epoch\": 3}}", "parameters.epoch"),
                Arguments.of("{" + td + ", \"deploy\": \"sometimes\"}", "deploy"),
                Arguments.of("{" + td + ", \"base\": \"no-such-model\"}", "base"),
                Arguments.of("{" + td + ", \"validation_data\": {\"split\": 1.5}}", "validation_data.split"),
                Arguments.of("{" + td + ", \"validation_data\": {\"split\": 0}}", "validation_data.split"),
                Arguments.of("{" + td + ", \"validation_data\": {\"dataset_id\": \"nope\"}}",
                        "validation_data.dataset_id"),
                Arguments.of("{" + td + ", \"labels\": []}", "labels"),
                Arguments.of("{" + td + ", \"labels\": [\"thanks\", \"thanks\"]}", "labels[1]"),
                // example 1 is a complaint, which the given label list lacks
                Arguments.of("{" + td + ", \"labels\": [\"thanks\"]}", "training_data.examples[1].labels"),
                Arguments.of("{" + td + ", \"colour\": 1}", "colour"));
    }

    @ParameterizedTest
    @MethodSource("invalidJobs")
    void anInvalidJobIsRefusedWith422NamingTheField(String body, String field) throws Exception {
        long before = json(get("/train-jobs")).get("total").asLong();

        HttpResponse<String> r = post("/train-jobs", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(json(r).get("field").asString()).as(r.body()).isEqualTo(field);
        assertThat(json(get("/train-jobs")).get("total").asLong()).isEqualTo(before);
    }

    @Test
    void aFineTuningJobRunsToSuccessStreamingItsProgressAndItsModelIsListed() throws Exception {
        JsonNode job = submit(map(
                "name", "tiny fine-tune",
                "training_data", map("examples", examplesJson(TrainingTexts.examples(40))),
                "validation_data", map("split", 0.25),
                "parameters", map("train", "top_layers:1", "epochs", 1, "batch_size", 10)));
        String id = job.get("id").asString();
        assertThat(job.get("status").asString()).isIn("QUEUED", "RUNNING");
        assertThat(job.at("/request/labels").toString()).isEqualTo("[\"complaint\",\"thanks\"]");
        assertThat(job.at("/request/training_data/examples").asInt()).isEqualTo(40);
        assertThat(job.at("/request/parameters/learning_rate").asDouble()).isEqualTo(5e-5, within());
        assertThat(job.at("/request/deploy").asString()).isEqualTo("never");

        List<String[]> events = events(id, Duration.ofSeconds(180));

        assertThat(events.get(0)[0]).isEqualTo("status");
        List<JsonNode> steps = events.stream().filter(e -> e[0].equals("progress"))
                .map(e -> JSON.readTree(e[1]).get("progress")).filter(p -> p != null && p.has("step")).toList();
        assertThat(steps).isNotEmpty().allSatisfy(p -> {
            assertThat(p.get("phase").asString()).isEqualTo("training");
            assertThat(p.get("total_steps").asInt()).isEqualTo(3);
            assertThat(p.get("loss").asDouble()).isPositive();
            assertThat(p.has("examples_per_second")).isTrue();
            assertThat(p.has("eta_seconds")).isTrue();
        });
        assertThat(events).anySatisfy(e -> assertThat(e[0]).isEqualTo("epoch"));
        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("status");
        assertThat(JSON.readTree(last[1]).get("status").asString()).isEqualTo("SUCCEEDED");

        JsonNode done = json(get("/train-jobs/" + id));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.has("started_at") && done.has("finished_at")).isTrue();
        assertThat(done.has("progress")).isFalse();
        assertThat(done.at("/baseline/macro_f1").isNumber()).isTrue();
        assertThat(done.get("epochs").size()).isEqualTo(1);
        assertThat(done.at("/epochs/0/validation/macro_f1").isNumber()).isTrue();
        String modelId = done.at("/result/model_id").asString();
        assertThat(modelId).isEqualTo("model-" + id);
        assertThat(done.at("/result/model_version").asString()).hasSize(12);
        assertThat(done.at("/result/metrics/validation/per_label").size()).isEqualTo(2);
        assertThat(done.at("/result/metrics/validation/examples").asInt()).isEqualTo(10);
        assertThat(done.at("/result/timings/examples_per_second").asDouble()).isPositive();
        assertThat(done.at("/result/deployment/deployed").asBoolean()).isFalse();

        JsonNode listed = json(get("/models"));
        assertThat(listed.get("items").get(0).get("id").asString()).isEqualTo(DEFAULT_MODEL);
        assertThat(listed.get("items")).anySatisfy(m -> {
            assertThat(m.get("id").asString()).isEqualTo(modelId);
            assertThat(m.get("trained_part").asString()).isEqualTo("top_layers:1");
            assertThat(m.get("serving").asBoolean()).isFalse();
        });
        JsonNode model = json(get("/models/" + modelId));
        assertThat(model.get("version").asString()).isEqualTo(done.at("/result/model_version").asString());
        assertThat(model.at("/card/metrics/validation/macro_f1").isNumber()).isTrue();
        assertThat(model.at("/card/job").asString()).isEqualTo(id);
        assertThat(model.at("/card/language").asString()).as("fine-tuning keeps the base's vocabulary")
                .isEqualTo("English");
        assertThat(model.get("thresholds").size()).isEqualTo(2);
        assertThat(json(get("/train-jobs?status=succeeded&size=100")).get("items"))
                .anySatisfy(j -> assertThat(j.get("id").asString()).isEqualTo(id));

        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).contains("tagger_training_jobs{", "state=\"succeeded\"", "tagger_training_examples_total",
                "tagger_training_loss", "tagger_training_validation_macro_f1", "tagger_training_duration_seconds_bucket");

        assertThat(delete("/models/" + modelId).statusCode()).isEqualTo(204);
        assertThat(get("/models/" + modelId).statusCode()).isEqualTo(404);
    }

    @Test
    void cancelStopsARunningJobWithinSecondsAndAQueuedOneAtOnceAndAFullQueueAnswers429() throws Exception {
        String dataset = uploadJsonl("cancel-me", TrainingTexts.examples(24));
        // Fine-tuning everything for 1000 epochs: it runs until it is cancelled.
        JsonNode running = submit(map("training_data", map("dataset_id", dataset),
                "parameters", map("train", "all", "epochs", 1000, "batch_size", 4)));
        String runningId = running.get("id").asString();
        awaitStep(runningId, 2, Duration.ofSeconds(120));

        assertThat(delete("/datasets/" + dataset).statusCode()).as("in use").isEqualTo(409);

        Map<String, Object> quick = map("training_data", map("examples", examplesJson(TrainingTexts.examples(8))));
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(submit(quick).get("id").asString());
        }
        HttpResponse<String> full = post("/train-jobs", JSON.writeValueAsString(quick));
        assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
        assertThat(full.headers().firstValue("Retry-After")).isPresent();

        HttpResponse<String> cancelQueued = post("/train-jobs/" + queued.get(1) + "/cancel", "");
        assertThat(cancelQueued.statusCode()).isEqualTo(200);
        assertThat(json(cancelQueued).get("status").asString()).isEqualTo("CANCELLED");

        long t0 = System.nanoTime();
        HttpResponse<String> cancelRunning = post("/train-jobs/" + runningId + "/cancel", "");
        assertThat(cancelRunning.statusCode()).isEqualTo(200);
        assertThat(json(cancelRunning).get("cancel_requested").asBoolean()).isTrue();
        JsonNode cancelled = awaitStatus(runningId, Duration.ofSeconds(30), "CANCELLED", "FAILED", "SUCCEEDED");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("error").asString()).isEqualTo("cancelled on request");
        assertThat(cancelled.has("result")).isFalse();
        assertThat(seconds).as("seconds from cancel to CANCELLED").isLessThan(15);
        assertThat(post("/train-jobs/" + runningId + "/cancel", "").statusCode()).isEqualTo(409);
        assertThat(json(get("/models")).get("items"))
                .noneSatisfy(m -> assertThat(m.get("id").asString()).isEqualTo("model-" + runningId));

        cancelActiveJobs();
        JsonNode page = json(get("/train-jobs?status=CANCELLED&size=2"));
        assertThat(page.get("items").size()).isEqualTo(2);
        assertThat(page.get("total").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(page.at("/items/0/created_at").asString())
                .isGreaterThanOrEqualTo(page.at("/items/1/created_at").asString());
        assertThat(delete("/datasets/" + dataset).statusCode()).isEqualTo(204);
    }

    @Test
    void listingValidatesItsParametersAndUnknownJobsAre404() throws Exception {
        assertThat(json(post("/train-jobs", "x", "application/json")).get("status").asInt()).isEqualTo(400);
        HttpResponse<String> badStatus = get("/train-jobs?status=DONE");
        assertThat(badStatus.statusCode()).isEqualTo(422);
        assertThat(json(badStatus).get("field").asString()).isEqualTo("status");
        assertThat(json(get("/train-jobs?size=0")).get("field").asString()).isEqualTo("size");
        assertThat(json(get("/train-jobs?page=-1")).get("field").asString()).isEqualTo("page");
        assertThat(get("/train-jobs/nope").statusCode()).isEqualTo(404);
        assertThat(post("/train-jobs/nope/cancel", "").statusCode()).isEqualTo(404);
        assertThat(get("/train-jobs/nope/events").statusCode()).isEqualTo(404);
    }

    @Test
    void ifBetterDeploysAModelWhoseLabelsTheServedModelLacksAndClassifyThenAnswersWithIt() throws Exception {
        JsonNode job = submit(map(
                "training_data", map("examples", examplesJson(TrainingTexts.examples(80))),
                "validation_data", map("split", 0.25),
                "deploy", "if_better"));
        JsonNode done = awaitStatus(job.get("id").asString(), Duration.ofSeconds(180), "SUCCEEDED", "FAILED");
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode deployment = done.at("/result/deployment");
        assertThat(deployment.get("policy").asString()).isEqualTo("if_better");
        assertThat(deployment.get("serving_model_id").asString()).isEqualTo(DEFAULT_MODEL);
        assertThat(deployment.get("serving_macro_f1").asDouble()).isZero();
        assertThat(deployment.get("candidate_macro_f1").asDouble()).isPositive();
        assertThat(deployment.get("deployed").asBoolean()).as(deployment.toString()).isTrue();
        String modelId = done.at("/result/model_id").asString();
        String version = done.at("/result/model_version").asString();

        JsonNode current = json(get("/models/current"));
        assertThat(current.get("id").asString()).isEqualTo(modelId);
        assertThat(current.get("labels").toString()).isEqualTo("[\"complaint\",\"thanks\"]");
        JsonNode answer = json(post("/classify", "{\"text\": \"Thank you so much for the quick delivery!\"}"));
        assertThat(answer.at("/model/id").asString()).isEqualTo(modelId);
        assertThat(answer.at("/model/version").asString()).isEqualTo(version);
        assertThat(answer.at("/results/0/scores").size()).isEqualTo(2);
        assertThat(json(get("/models")).get("serving").asString()).isEqualTo(modelId);

        HttpResponse<String> servedDelete = delete("/models/" + modelId);
        assertThat(servedDelete.statusCode()).isEqualTo(409);
        assertThat(json(servedDelete).get("detail").asString()).contains("served");

        deployDefault();
        assertThat(json(post("/classify", "{\"text\": \"thanks\"}")).at("/model/id").asString())
                .isEqualTo(DEFAULT_MODEL);
        assertThat(delete("/models/" + modelId).statusCode()).isEqualTo(204);
    }

    @Test
    void theDefaultModelCannotBeDeletedAndUnknownModelsAre404() throws Exception {
        HttpResponse<String> r = delete("/models/" + DEFAULT_MODEL);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get("detail").asString()).contains("default");
        assertThat(delete("/models/nope").statusCode()).isEqualTo(404);
        assertThat(post("/models/nope/deploy", "").statusCode()).isEqualTo(404);
        assertThat(get("/models/nope").statusCode()).isEqualTo(404);
        JsonNode def = json(get("/models/" + DEFAULT_MODEL));
        assertThat(def.get("default").asBoolean()).isTrue();
        assertThat(def.get("serving").asBoolean()).isTrue();
        assertThat(def.get("validation_macro_f1").asDouble()).isGreaterThanOrEqualTo(0.40);
    }

    /** Waits until the job has made {@code step} optimizer steps. */
    private void awaitStep(String id, int step, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode p = json(get("/train-jobs/" + id)).get("progress");
            if (p != null && p.path("step").asInt(0) >= step) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " made fewer than " + step + " steps within " + timeout);
    }

    /** Reads the job's event stream to its end: (event name, data) pairs. */
    private List<String[]> events(String id, Duration timeout) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("/train-jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + ADMIN_KEY).GET().build();
        HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<String[]>> read = CompletableFuture.supplyAsync(() -> {
            List<String[]> out = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    } else if (line.isEmpty() && name != null) {
                        out.add(new String[] {name, data.toString()});
                        name = null;
                        data.setLength(0);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        });
        return read.get(timeout.toSeconds(), TimeUnit.SECONDS);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
