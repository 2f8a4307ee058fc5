package dev.tagger.training;

import ai.djl.Device;
import dev.tagger.TestData;
import dev.tagger.engine.TorchEngine;
import dev.tagger.inference.InferenceConfig;
import dev.tagger.inference.TokenizedText;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelBundleIO;
import dev.tagger.model.TaggerModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Re-evaluates the committed default model on GoEmotions dev through the serving code path and
 * checks the card's figures: they must be reproducible, not merely written down.
 */
class DefaultModelQualityTest {

    @Test
    void theCardsValidationMetricsAreReproducedByTheServedModel() throws Exception {
        Path data = TestData.requireGoEmotions();
        LabelledTexts dev = LabelledTexts.readGoEmotions(data.resolve("dev.tsv"), data.resolve("labels.txt"));
        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(InferenceConfig.DEFAULT_MODEL), "goemotions-minilm");
        assertThat(bundle.labels()).isEqualTo(dev.labels());
        float[][] probs = new float[dev.size()][];
        try (TaggerModel model = TaggerModel.load(bundle, Device.cpu())) {
            List<TokenizedText> tokens = dev.texts().stream().map(model.tokenizer()::tokenize).toList();
            List<Integer> order = new ArrayList<>(IntStream.range(0, tokens.size()).boxed().toList());
            order.sort(Comparator.comparingInt(i -> tokens.get(i).length()));
            for (int at = 0; at < order.size(); at += 64) {
                List<Integer> idx = order.subList(at, Math.min(order.size(), at + 64));
                float[][] p = model.probabilities(idx.stream().map(tokens::get).toList());
                for (int i = 0; i < idx.size(); i++) {
                    probs[idx.get(i)] = p[i];
                }
            }
        }
        Evaluation.Report r = Evaluation.evaluate(dev.labels(), probs, dev.truth(), bundle.thresholds());
        double cardMacro = bundle.card().at("/metrics/validation/macro_f1").asDouble();
        double cardMicro = bundle.card().at("/metrics/validation/micro_f1").asDouble();
        assertThat(r.macroF1()).isCloseTo(cardMacro, within(0.002));
        assertThat(r.microF1()).isCloseTo(cardMicro, within(0.002));
        assertThat(r.macroF1()).isGreaterThanOrEqualTo(0.40);
    }
}
