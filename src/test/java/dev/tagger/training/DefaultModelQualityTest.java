package dev.tagger.training;

import ai.djl.Device;
import dev.tagger.TestData;
import dev.tagger.engine.TorchEngine;
import dev.tagger.inference.InferenceConfig;
import dev.tagger.inference.TokenizedText;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelBundleIO;
import dev.tagger.model.ScriptedEncoder;
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
        float[][] probs;
        try (TaggerModel model = TaggerModel.load(bundle, Device.cpu())) {
            probs = score(model, dev);
        }
        Evaluation.Report r = Evaluation.evaluate(dev.labels(), probs, dev.truth(), bundle.thresholds());
        double cardMacro = bundle.card().at("/metrics/validation/macro_f1").asDouble();
        double cardMicro = bundle.card().at("/metrics/validation/micro_f1").asDouble();
        assertThat(r.macroF1()).isCloseTo(cardMacro, within(0.002));
        assertThat(r.microF1()).isCloseTo(cardMicro, within(0.002));
        assertThat(r.macroF1()).isGreaterThanOrEqualTo(0.40);

        for (ScriptedEncoder.Precision precision : ScriptedEncoder.Precision.values()) {
            float[][] served;
            try (TaggerModel model = TaggerModel.loadForServing(bundle, Device.cpu(), precision)) {
                served = score(model, dev);
            }
            Evaluation.Report s = Evaluation.evaluate(dev.labels(), served, dev.truth(), bundle.thresholds());
            double maxDiff = 0;
            double sumDiff = 0;
            long flips = 0;
            for (int i = 0; i < probs.length; i++) {
                for (int j = 0; j < probs[i].length; j++) {
                    double d = Math.abs(probs[i][j] - served[i][j]);
                    maxDiff = Math.max(maxDiff, d);
                    sumDiff += d;
                    float t = bundle.thresholds()[j];
                    if ((probs[i][j] >= t) != (served[i][j] >= t)) {
                        flips++;
                    }
                }
            }
            System.out.printf("%s: cross-fitted macro-F1 %.4f (fp32 eager %.4f)%n", precision,
                    TrainHeadCommand.crossFittedMacroF1(served, dev, 5), TrainHeadCommand.crossFittedMacroF1(probs, dev, 5));
            System.out.printf("%s: macro-F1 %.4f (fp32 eager %.4f), micro-F1 %.4f (%.4f), max |dp| %.5f, mean |dp| %.6f, "
                    + "label flips %d of %d%n", precision, s.macroF1(), r.macroF1(), s.microF1(), r.microF1(), maxDiff,
                    sumDiff / probs.length / probs[0].length, flips, (long) probs.length * probs[0].length);
        }
    }

    private static float[][] score(TaggerModel model, LabelledTexts dev) {
        float[][] probs = new float[dev.size()][];
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
        return probs;
    }
}
