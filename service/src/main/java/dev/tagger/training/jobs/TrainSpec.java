package dev.tagger.training.jobs;

import java.util.List;

/**
 * What a job was asked to do, validated and with every default filled in by the {@link TrainPlanner}.
 *
 * @param name           a description for people, or null
 * @param trainingData   where the training examples come from
 * @param validationData where the validation examples come from
 * @param labels         the model's labels, in order (given, or derived from the data when the job was planned)
 * @param base           {@code builtin:all-MiniLM-L6-v2} or the id of a stored model to start from
 * @param parameters     the hyper-parameters
 * @param deploy         what to do with the model when the job succeeds
 */
public record TrainSpec(String name, TrainingData trainingData, ValidationData validationData, List<String> labels,
                        String base, Parameters parameters, DeployPolicy deploy) {

    public TrainSpec {
        labels = List.copyOf(labels);
    }

    /** A stored dataset, or {@code examples} examples sent with the job (kept by the repository until it ends). */
    public record TrainingData(String datasetId, Integer examples) {
    }

    /** A stored dataset, or a seeded random share of the training data held out. */
    public record ValidationData(String datasetId, Double split) {
    }

    /**
     * @param train            which weights train
     * @param learningRate     peak learning rate (of the encoder when it trains, else of the head)
     * @param headLearningRate peak learning rate of the head
     * @param maxTokens        texts are cut to this many tokens
     * @param dropout          dropout of the encoder's hidden states and of the head's input
     * @param minPositives     labels with fewer validation positives share one threshold
     */
    public record Parameters(TrainMode train, int epochs, float learningRate, float headLearningRate, int batchSize,
                             int maxTokens, float warmupRatio, float weightDecay, float dropout, float clipNorm,
                             long seed, int minPositives) {

        /** Below this many training examples a head trains more epochs: each epoch makes few steps. */
        static final long SMALL_DATA = 10_000;

        /**
         * Defaults for the mode and the data size. A head trains many cheap epochs, in batches small enough for at
         * least ~25 steps an epoch; on large data these are the settings of the built-in GoEmotions model (1e-2,
         * 20 epochs, batch 64, no dropout), on small data it takes 40 epochs. When the encoder trains: a few gentle
         * epochs, with a larger learning rate for the fresh head than for the pretrained layers.
         */
        public static Parameters defaults(TrainMode mode, int maxTokens, long trainExamples) {
            if (mode.headOnly()) {
                int batch = (int) Math.max(8, Math.min(64, trainExamples / 25));
                int epochs = trainExamples < SMALL_DATA ? 40 : 20;
                return new Parameters(mode, epochs, 1e-2f, 1e-2f, batch, maxTokens, 0.05f, 1e-4f, 0f, 1f, 42, 5);
            }
            int batch = (int) Math.max(8, Math.min(32, trainExamples / 10));
            return new Parameters(mode, 3, 5e-5f, 1e-3f, batch, maxTokens, 0.1f, 0.01f, 0.1f, 1f, 42, 5);
        }
    }
}
