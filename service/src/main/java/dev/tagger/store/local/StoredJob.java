package dev.tagger.store.local;

import dev.tagger.training.jobs.DeployPolicy;
import dev.tagger.training.jobs.JobStatus;
import dev.tagger.training.jobs.TrainJob;
import dev.tagger.training.jobs.TrainMode;
import dev.tagger.training.jobs.TrainSpec;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A job file's schema ({@code <store>/jobs/<id>.json}): the JSON that the API showed for a job when this format was
 * introduced, so that files written before and after read alike. It changes only with a migration of old files,
 * whatever the API or the domain type do; a field added since (warnings) is optional and left out when empty, so
 * older files read as jobs without it and a job without it is written as before. The shared store keeps the same JSON in its jobs table.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredJob(String id, JobStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
                 boolean cancelRequested, Spec request, Progress progress, Scores baseline, List<Epoch> epochs,
                 Result result, String error,
                 @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    public static StoredJob of(TrainJob j) {
        return new StoredJob(j.id(), j.status(), j.createdAt(), j.startedAt(), j.finishedAt(), j.cancelRequested(),
                Spec.of(j.request()), Progress.of(j.progress()), Scores.of(j.baseline()),
                j.epochs().stream().map(Epoch::of).toList(), Result.of(j.result()), j.error(), j.warnings());
    }

    public TrainJob toJob() {
        return new TrainJob(id, status, createdAt, startedAt, finishedAt, cancelRequested, request.toSpec(),
                progress == null ? null : progress.toProgress(), baseline == null ? null : baseline.toScores(),
                epochs == null ? List.of() : epochs.stream().map(Epoch::toReport).toList(),
                result == null ? null : result.toResult(), error, warnings);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Spec(String name, Source trainingData, Validation validationData, List<String> labels, String base,
                Parameters parameters, String deploy) {
        static Spec of(TrainSpec s) {
            TrainSpec.Parameters p = s.parameters();
            return new Spec(s.name(), new Source(s.trainingData().datasetId(), s.trainingData().examples()),
                    new Validation(s.validationData().datasetId(), s.validationData().split()), s.labels(), s.base(),
                    new Parameters(p.train().toString(), p.epochs(), p.learningRate(), p.headLearningRate(),
                            p.batchSize(), p.maxTokens(), p.warmupRatio(), p.weightDecay(), p.dropout(), p.clipNorm(),
                            p.seed(), p.minPositives()), s.deploy().key());
        }

        TrainSpec toSpec() {
            Parameters p = parameters;
            return new TrainSpec(name, new TrainSpec.TrainingData(trainingData.datasetId(), trainingData.examples()),
                    new TrainSpec.ValidationData(validationData.datasetId(), validationData.split()), labels, base,
                    new TrainSpec.Parameters(TrainMode.fromKey(p.train()), p.epochs(), p.learningRate(),
                            p.headLearningRate(), p.batchSize(), p.maxTokens(), p.warmupRatio(), p.weightDecay(),
                            p.dropout(), p.clipNorm(), p.seed(), p.minPositives()), DeployPolicy.parse(deploy));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Source(String datasetId, Integer examples) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Validation(String datasetId, Double split) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Parameters(String train, int epochs, float learningRate, float headLearningRate, int batchSize,
                      int maxTokens, float warmupRatio, float weightDecay, float dropout, float clipNorm, long seed,
                      int minPositives) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Progress(String phase, Integer epoch, Integer epochs, Long step, Long totalSteps, Double loss,
                    Integer textsEncoded, Integer textsToEncode, Double examplesPerSecond, Long etaSeconds) {
        static Progress of(TrainJob.Progress p) {
            return p == null ? null : new Progress(p.phase(), p.epoch(), p.epochs(), p.step(), p.totalSteps(),
                    p.loss(), p.textsEncoded(), p.textsToEncode(), p.examplesPerSecond(), p.etaSeconds());
        }

        TrainJob.Progress toProgress() {
            return new TrainJob.Progress(phase, epoch, epochs, step, totalSteps, loss, textsEncoded, textsToEncode,
                    examplesPerSecond, etaSeconds);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Scores(double macroF1, double microF1, double loss) {
        static Scores of(TrainJob.Scores s) {
            return s == null ? null : new Scores(s.macroF1(), s.microF1(), s.loss());
        }

        TrainJob.Scores toScores() {
            return new TrainJob.Scores(macroF1, microF1, loss);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Epoch(int epoch, double trainLoss, Scores validation, double seconds) {
        static Epoch of(TrainJob.EpochReport e) {
            return new Epoch(e.epoch(), e.trainLoss(), Scores.of(e.validation()), e.seconds());
        }

        TrainJob.EpochReport toReport() {
            return new TrainJob.EpochReport(epoch, trainLoss, validation.toScores(), seconds);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Result(String modelId, String modelVersion, JsonNode metrics, Timings timings, Deployment deployment) {
        static Result of(TrainJob.Result r) {
            if (r == null) {
                return null;
            }
            TrainJob.Timings t = r.timings();
            TrainJob.Deployment d = r.deployment();
            return new Result(r.modelId(), r.modelVersion(), r.metrics(),
                    new Timings(t.encodeSeconds(), t.trainSeconds(), t.textsPerSecondEncoding(),
                            t.examplesPerSecond(), t.totalSeconds()),
                    new Deployment(d.policy().key(), d.deployed(), d.reason(), d.candidateMacroF1(),
                            d.servingModelId(), d.servingMacroF1()));
        }

        TrainJob.Result toResult() {
            Timings t = timings;
            Deployment d = deployment;
            return new TrainJob.Result(modelId, modelVersion, metrics,
                    new TrainJob.Timings(t.encodeSeconds(), t.trainSeconds(), t.textsPerSecondEncoding(),
                            t.examplesPerSecond(), t.totalSeconds()),
                    new TrainJob.Deployment(DeployPolicy.parse(d.policy()), d.deployed(), d.reason(),
                            d.candidateMacroF1(), d.servingModelId(), d.servingMacroF1()));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Timings(Double encodeSeconds, double trainSeconds, Double textsPerSecondEncoding,
                   double examplesPerSecond, double totalSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Deployment(String policy, boolean deployed, String reason, Double candidateMacroF1,
                      String servingModelId, Double servingMacroF1) {
    }
}
