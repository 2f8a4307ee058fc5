package dev.tagger.training;

import dev.tagger.TrainingTexts;
import dev.tagger.datasets.Example;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Real fine-tuning through BertEncoder.forward(training=true) on the built-in MiniLM. */
class EncoderTrainerTest {

    @Test
    void fineTuningTheTopLayerLowersTheLossAndChangesOnlyTheTopLayerAndTheHead() {
        TorchEngine.start();
        List<Example> examples = TrainingTexts.examples(64);
        List<String> labels = TrainingTexts.LABELS;
        boolean[][] truth = new boolean[examples.size()][labels.size()];
        for (int i = 0; i < examples.size(); i++) {
            for (String l : examples.get(i).labels()) {
                truth[i][labels.indexOf(l)] = true;
            }
        }
        List<String> texts = examples.stream().map(Example::text).toList();
        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        Map<String, HostTensor> weights = new LinkedHashMap<>(base.weights().asMap());
        weights.putAll(ClassificationHead.initialWeights(base.config().hiddenSize(), labels.size(), 42));
        ModelBundle start = new ModelBundle("t", "untrained", base.config(), labels, new float[] {0.5f, 0.5f},
                Pooling.MEAN, true, 64, base.ref(), new WeightSet(weights), base.tokenizerJson(),
                JsonMapper.builder().build().createObjectNode());

        try (TaggerModel model = TaggerModel.load(start, Device.cpu())) {
            List<TokenizedText> tokens = texts.stream().map(model.tokenizer()::tokenize).toList();
            double before = loss(model, texts, truth);
            Map<String, HostTensor> encoderBefore = model.encoder().exportWeights();
            int arraysBefore = model.liveArrays();
            List<Float> stepLosses = new ArrayList<>();
            List<Double> epochLosses = new ArrayList<>();

            EncoderTrainer.train(model, List.of(6), tokens, truth,
                    new EncoderTrainer.Settings(1, 1e-4f, 1e-2f, 8, 0.01f, 0.1f, 1f, 42),
                    (epoch, meanLoss) -> epochLosses.add(meanLoss),
                    (epoch, step, total, stepLoss, batch) -> stepLosses.add(stepLoss));

            double after = loss(model, texts, truth);
            assertThat(stepLosses).hasSize(8);
            assertThat(epochLosses).hasSize(1);
            assertThat(after).as("mean BCE without dropout, before %.4f", before).isLessThan(before - 0.02);
            Map<String, HostTensor> encoderAfter = model.encoder().exportWeights();
            assertThat(encoderAfter.get("encoder.layer.5.output.dense.weight"))
                    .isNotEqualTo(encoderBefore.get("encoder.layer.5.output.dense.weight"));
            assertThat(encoderAfter.get("encoder.layer.5.attention.self.query.weight"))
                    .isNotEqualTo(encoderBefore.get("encoder.layer.5.attention.self.query.weight"));
            assertThat(encoderAfter.get("encoder.layer.4.output.dense.weight"))
                    .isEqualTo(encoderBefore.get("encoder.layer.4.output.dense.weight"));
            assertThat(encoderAfter.get("embeddings.word_embeddings.weight"))
                    .isEqualTo(encoderBefore.get("embeddings.word_embeddings.weight"));
            assertThat(model.liveArrays()).as("no array left behind in the weights' manager").isEqualTo(arraysBefore);
        }
    }

    @Test
    void frozenStatesThatDoNotEndBelowTheLowestTrainedLayerAreRefused() {
        TorchEngine.start();
        List<String> texts = TrainingTexts.examples(4).stream().map(Example::text).toList();
        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        Map<String, HostTensor> weights = new LinkedHashMap<>(base.weights().asMap());
        weights.putAll(ClassificationHead.initialWeights(base.config().hiddenSize(), 2, 42));
        ModelBundle start = new ModelBundle("t", "untrained", base.config(), TrainingTexts.LABELS,
                new float[] {0.5f, 0.5f}, Pooling.MEAN, true, 64, base.ref(), new WeightSet(weights),
                base.tokenizerJson(), JsonMapper.builder().build().createObjectNode());
        try (TaggerModel model = TaggerModel.load(start, Device.cpu())) {
            List<TokenizedText> tokens = texts.stream().map(model.tokenizer()::tokenize).toList();
            FrozenStates five = FrozenStates.compute(model, tokens, 5, 2048);
            float[][] pooled = five.pooled(model, tokens, 3);
            float[][] whole = Features.extract(model, texts, 2048, done -> {
            });
            assertThat(pooled).hasDimensions(4, 384);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 384; j++) {
                    // The frozen part's output is kept in fp16: the vectors agree to fp16's precision.
                    assertThat(pooled[i][j]).as("text %d dim %d", i, j).isCloseTo(whole[i][j], within(2e-3f));
                }
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EncoderTrainer.train(model, List.of(5, 6), five,
                    tokens, new boolean[4][2], new EncoderTrainer.Settings(1, 1e-4f, 1e-2f, 2, 0f, 0f, 1f, 42),
                    (epoch, loss) -> true, StepListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 layers");
        }
    }

    private static double loss(TaggerModel model, List<String> texts, boolean[][] truth) {
        return Losses.meanBce(Features.probabilities(model, texts, 2048, done -> {
        }), truth);
    }
}
