package dev.tagger.api;

import dev.tagger.training.jobs.DeployDecision;
import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.TrainJob;
import dev.tagger.training.jobs.TrainSpec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A training job as GET /train-jobs/{id}, POST /train-jobs, the job list and every event of its stream show it.
 * Built from the domain's {@link TrainJob}, field by field, so that either can change without the other.
 */
@Schema(name = "TrainJob", description = "A training job")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainJobResponse(
        String id,
        @Schema(allowableValues = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) String status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonProperty("cancel_requested") @Schema(description = "A cancel was asked for while the job ran; it stops "
                + "at its next step") boolean cancelRequested,
        @Schema(description = "What the job was asked to do, with every default filled in") Request request,
        @Schema(description = "Where a running job is (absent once it has ended)") Progress progress,
        @Schema(description = "The starting model's validation scores, before any training") Scores baseline,
        @Schema(description = "Validation scores after each epoch") List<Epoch> epochs,
        @Schema(description = "The model made, its metrics and what was done with it (SUCCEEDED only)") Result result,
        @Schema(description = "Why the job failed or was cancelled") String error,
        @Schema(description = "What makes the job's scores and thresholds less trustworthy than they look (too few "
                + "validation texts, labels with too few validation positives); from its plan, then from the data "
                + "it loaded. Empty when there is nothing to say") List<String> warnings) {

    static TrainJobResponse of(TrainJob j) {
        return new TrainJobResponse(j.id(), j.status().name(), j.createdAt(), j.startedAt(), j.finishedAt(),
                j.cancelRequested(), Request.of(j.request()), Progress.of(j.progress()), Scores.of(j.baseline()),
                j.epochs().stream().map(Epoch::of).toList(), Result.of(j.result()), j.error(), j.warnings());
    }

    @Schema(name = "TrainJobSpec")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String name, @JsonProperty("training_data") Source trainingData,
                          @JsonProperty("validation_data") Validation validationData, List<String> labels,
                          String base, Parameters parameters,
                          @Schema(allowableValues = {"never", "if_better", "always"}) String deploy) {
        static Request of(TrainSpec s) {
            TrainSpec.Parameters p = s.parameters();
            return new Request(s.name(), new Source(s.trainingData().datasetId(), s.trainingData().examples()),
                    new Validation(s.validationData().datasetId(), s.validationData().split()), s.labels(), s.base(),
                    new Parameters(p.train().toString(), p.epochs(), p.learningRate(), p.headLearningRate(),
                            p.batchSize(), p.maxTokens(), p.warmupRatio(), p.weightDecay(), p.dropout(), p.clipNorm(),
                            p.seed(), p.minPositives()), s.deploy().key());
        }
    }

    @Schema(name = "TrainJobSource", description = "A stored dataset, or how many examples were sent with the job")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(@JsonProperty("dataset_id") String datasetId, Integer examples) {
    }

    @Schema(name = "TrainJobValidation", description = "A stored dataset, or the share of the training data held out")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Validation(@JsonProperty("dataset_id") String datasetId, Double split) {
    }

    @Schema(name = "TrainJobSettings")
    public record Parameters(@Schema(description = "head, top_layers:N or all") String train, int epochs,
                             @JsonProperty("learning_rate") float learningRate,
                             @JsonProperty("head_learning_rate") float headLearningRate,
                             @JsonProperty("batch_size") int batchSize, @JsonProperty("max_tokens") int maxTokens,
                             @JsonProperty("warmup_ratio") float warmupRatio,
                             @JsonProperty("weight_decay") float weightDecay, float dropout,
                             @JsonProperty("clip_norm") float clipNorm, long seed,
                             @JsonProperty("min_positives") int minPositives) {
    }

    @Schema(name = "TrainJobProgress")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(
            @Schema(description = "starting, loading, encoding, evaluating, training, writing, comparing, deploying")
            String phase, Integer epoch, Integer epochs, Long step, @JsonProperty("total_steps") Long totalSteps,
            Double loss, @JsonProperty("texts_encoded") Integer textsEncoded,
            @JsonProperty("texts_to_encode") Integer textsToEncode,
            @JsonProperty("examples_per_second") Double examplesPerSecond,
            @JsonProperty("eta_seconds") Long etaSeconds) {
        static Progress of(TrainJob.Progress p) {
            return p == null ? null : new Progress(p.phase(), p.epoch(), p.epochs(), p.step(), p.totalSteps(),
                    p.loss(), p.textsEncoded(), p.textsToEncode(), p.examplesPerSecond(), p.etaSeconds());
        }
    }

    @Schema(name = "TrainJobScores", description = "Validation scores with per-label thresholds tuned on the "
            + "validation data; loss is the mean binary cross-entropy")
    public record Scores(@JsonProperty("macro_f1") double macroF1, @JsonProperty("micro_f1") double microF1,
                         double loss) {
        static Scores of(TrainJob.Scores s) {
            return s == null ? null : new Scores(s.macroF1(), s.microF1(), s.loss());
        }
    }

    @Schema(name = "TrainJobEpoch")
    public record Epoch(int epoch, @JsonProperty("train_loss") double trainLoss, Scores validation, double seconds) {
        static Epoch of(TrainJob.EpochReport e) {
            return new Epoch(e.epoch(), e.trainLoss(), Scores.of(e.validation()), e.seconds());
        }
    }

    @Schema(name = "TrainJobResult")
    public record Result(@JsonProperty("model_id") String modelId, @JsonProperty("model_version") String modelVersion,
                         @Schema(implementation = Map.class, description = "The model card's metrics: every validation figure, "
                                 + "per label, the cross-fitted macro-F1 and the baseline") JsonNode metrics,
                         Timings timings, Deployment deployment) {
        static Result of(TrainJob.Result r) {
            if (r == null) {
                return null;
            }
            TrainJob.Timings t = r.timings();
            return new Result(r.modelId(), r.modelVersion(), r.metrics(),
                    new Timings(t.encodeSeconds(), t.trainSeconds(), t.textsPerSecondEncoding(),
                            t.examplesPerSecond(), t.totalSeconds()), Deployment.of(r.modelId(), r.deployment()));
        }
    }

    @Schema(name = "TrainJobTimings")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(@JsonProperty("encode_seconds") Double encodeSeconds,
                          @JsonProperty("train_seconds") double trainSeconds,
                          @JsonProperty("texts_per_second_encoding") Double textsPerSecondEncoding,
                          @JsonProperty("examples_per_second") double examplesPerSecond,
                          @JsonProperty("total_seconds") double totalSeconds) {
    }

    @Schema(name = "TrainJobDeployment", description = "What the deploy policy decided")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deployment(@Schema(allowableValues = {"never", "if_better", "always"}) String policy,
                             boolean deployed, String reason,
                             @JsonProperty("candidate_macro_f1") Double candidateMacroF1,
                             @JsonProperty("serving_model_id") String servingModelId,
                             @JsonProperty("serving_macro_f1") Double servingMacroF1) {
        static Deployment of(String modelId, TrainJob.Deployment d) {
            // The domain says why; how to deploy the model later is the API's to say.
            String reason = d.policy() == DeployPolicy.NEVER && DeployDecision.NEVER_REASON.equals(d.reason())
                    ? d.reason() + "; deploy it with POST /models/" + modelId + "/deploy" : d.reason();
            return new Deployment(d.policy().key(), d.deployed(), reason, d.candidateMacroF1(), d.servingModelId(),
                    d.servingMacroF1());
        }
    }

    /** One page of jobs, newest first. */
    @Schema(name = "TrainJobPage")
    public record Page(List<TrainJobResponse> items, int page, int size, long total) {
    }
}
