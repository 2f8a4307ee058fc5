package dev.tagger.training.jobs;

import dev.tagger.datasets.Example;

import java.util.List;

/**
 * What a client asks a job to do, each value checked on its own (types, ranges, the inline examples) but not yet
 * against the stored models and datasets, nor completed with defaults: the {@link TrainPlanner} does that. A null
 * field was not given.
 *
 * @param name              a description for people
 * @param base              the model to start from; default the built-in MiniLM
 * @param deploy            what to do with the model; default never
 * @param labels            the model's labels, in order; default the labels found in the data
 * @param trainingDatasetId a stored dataset to train on, or null when {@code examples} are given
 * @param examples          examples sent with the job, or null when {@code trainingDatasetId} is given
 * @param validation        where the validation examples come from; default a 0.2 split
 * @param parameters        hyper-parameters given; the others get defaults for the mode and the data size
 */
public record TrainRequest(String name, String base, DeployPolicy deploy, List<String> labels,
                           String trainingDatasetId, List<Example> examples, Validation validation,
                           Parameters parameters) {

    public TrainRequest {
        labels = labels == null ? null : List.copyOf(labels);
        examples = examples == null ? null : List.copyOf(examples);
        parameters = parameters == null ? Parameters.NONE : parameters;
    }

    /** A stored dataset, or a share of the training data (0 to 1, both excluded) held out. */
    public record Validation(String datasetId, Double split) {
    }

    /**
     * Hyper-parameters as given, each null when not. {@code train} is head, top_layers:N or all; it is checked
     * against the base model's layers when the job is planned.
     */
    public record Parameters(String train, Integer epochs, Float learningRate, Float headLearningRate,
                             Integer batchSize, Integer maxTokens, Float warmupRatio, Float weightDecay,
                             Float dropout, Float clipNorm, Long seed, Integer minPositives) {

        public static final Parameters NONE = new Parameters(null, null, null, null, null, null, null, null, null,
                null, null, null);
    }
}
