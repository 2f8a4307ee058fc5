package dev.tagger.api;

import dev.tagger.io.Json;
import dev.tagger.training.jobs.DeployDecision;
import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;
import dev.tagger.training.jobs.TrainMode;
import dev.tagger.training.jobs.TrainSpec;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON clients see for a job, pinned field by field: it is the API's, whatever the domain type becomes. */
class TrainJobResponseTest {

    private static final TrainSpec SPEC = new TrainSpec(null, new TrainSpec.TrainingData(null, 40),
            new TrainSpec.ValidationData(null, 0.25), List.of("complaint", "thanks"), "builtin:all-MiniLM-L6-v2",
            TrainSpec.Parameters.defaults(new TrainMode(1), 128, 30), DeployPolicy.NEVER);

    private static String json(TrainJob job) {
        return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(TrainJobResponse.of(job))).toString();
    }

    private static String expected(String json) {
        return Json.MAPPER.readTree(json).toString();
    }

    @Test
    void aRunningJobShowsItsRequestAndProgress() {
        TrainJob job = TrainJob.queued("j1", Instant.parse("2025-01-01T00:00:00Z"), SPEC)
                .started(Instant.parse("2025-01-01T00:00:01.5Z"))
                .withProgress(new TrainJob.Progress("training", 1, 3, 2L, 9L, 0.61, null, null, 12.5, 4L));

        assertThat(json(job)).isEqualTo(expected("""
                {"id": "j1", "status": "RUNNING", "created_at": "2025-01-01T00:00:00Z",
                 "started_at": "2025-01-01T00:00:01.500Z", "cancel_requested": false,
                 "request": {"training_data": {"examples": 40}, "validation_data": {"split": 0.25},
                   "labels": ["complaint", "thanks"], "base": "builtin:all-MiniLM-L6-v2",
                   "parameters": {"train": "top_layers:1", "epochs": 3, "learning_rate": 5.0E-5,
                     "head_learning_rate": 0.001, "batch_size": 8, "max_tokens": 128, "warmup_ratio": 0.1,
                     "weight_decay": 0.01, "dropout": 0.1, "clip_norm": 1.0, "seed": 42, "min_positives": 5},
                   "deploy": "never"},
                 "progress": {"phase": "training", "epoch": 1, "epochs": 3, "step": 2, "total_steps": 9, "loss": 0.61,
                   "examples_per_second": 12.5, "eta_seconds": 4},
                 "epochs": [], "warnings": []}
                """));
    }

    @Test
    void aSucceededJobShowsItsResultAndHowToDeployItsModel() {
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.putObject("validation").put("macro_f1", 0.7);
        TrainJob job = TrainJob.queued("j2", Instant.parse("2025-01-01T00:00:00Z"), SPEC)
                .started(Instant.parse("2025-01-01T00:00:01Z"))
                .withBaseline(new TrainJob.Scores(0.2, 0.3, 0.69))
                .withEpoch(new TrainJob.EpochReport(1, 0.5, new TrainJob.Scores(0.6, 0.7, 0.4), 1.5))
                .finished(JobStatus.SUCCEEDED, Instant.parse("2025-01-01T00:00:09Z"), new TrainJob.Result(
                        "model-j2", "0123456789ab", metrics, new TrainJob.Timings(null, 3.0, null, 100.0, 4.0),
                        new TrainJob.Deployment(DeployPolicy.NEVER, false, DeployDecision.NEVER_REASON, 0.65, null,
                                null)), null);

        assertThat(json(job)).isEqualTo(expected("""
                {"id": "j2", "status": "SUCCEEDED", "created_at": "2025-01-01T00:00:00Z",
                 "started_at": "2025-01-01T00:00:01Z", "finished_at": "2025-01-01T00:00:09Z",
                 "cancel_requested": false,
                 "request": {"training_data": {"examples": 40}, "validation_data": {"split": 0.25},
                   "labels": ["complaint", "thanks"], "base": "builtin:all-MiniLM-L6-v2",
                   "parameters": {"train": "top_layers:1", "epochs": 3, "learning_rate": 5.0E-5,
                     "head_learning_rate": 0.001, "batch_size": 8, "max_tokens": 128, "warmup_ratio": 0.1,
                     "weight_decay": 0.01, "dropout": 0.1, "clip_norm": 1.0, "seed": 42, "min_positives": 5},
                   "deploy": "never"},
                 "baseline": {"macro_f1": 0.2, "micro_f1": 0.3, "loss": 0.69},
                 "epochs": [{"epoch": 1, "train_loss": 0.5, "validation": {"macro_f1": 0.6, "micro_f1": 0.7,
                   "loss": 0.4}, "seconds": 1.5}],
                 "result": {"model_id": "model-j2", "model_version": "0123456789ab",
                   "metrics": {"validation": {"macro_f1": 0.7}},
                   "timings": {"train_seconds": 3.0, "examples_per_second": 100.0, "total_seconds": 4.0},
                   "deployment": {"policy": "never", "deployed": false,
                     "reason": "the deploy policy is never; deploy it with POST /models/model-j2/deploy",
                     "candidate_macro_f1": 0.65}},
                 "warnings": []}
                """));
    }
}
