package dev.tagger.model.nn;

import dev.tagger.TestData;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.Half;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.format.Safetensors;
import dev.tagger.catalog.CatalogConfig;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The default bundle as a runnable model: batching invariance, save/load round trip, no leaks. */
class TaggerModelTest {

    static ModelBundle bundle;
    static TaggerModel model;

    @BeforeAll
    static void load() {
        TorchEngine.start();
        bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "goemotions-minilm");
        model = TaggerModel.load(bundle, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<TokenizedText> tokens(List<String> texts) {
        return texts.stream().map(model.tokenizer()::tokenize).toList();
    }

    @Test
    void theDefaultBundleHoldsOnlyItsFineTunedTopLayersInFp16AndTheHeadWithin12Mb() throws Exception {
        byte[] st = ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL).read(ModelBundleIO.WEIGHTS);
        Map<String, HostTensor> own = Safetensors.read(new ByteArrayInputStream(st));
        Map<String, HostTensor> base = BaseModels.builtin(BaseModels.MINILM).weights().asMap();
        Set<String> expected = new TreeSet<>(List.of("classifier.weight", "classifier.bias"));
        base.keySet().stream().filter(n -> n.matches("encoder\\.layer\\.[345]\\..*"))
                .forEach(n -> expected.add("bert." + n));
        assertThat(new TreeSet<>(own.keySet())).isEqualTo(expected);
        for (Map.Entry<String, HostTensor> e : own.entrySet()) {
            assertThat(Half.isExact(e.getValue().data())).as("%s is fp16", e.getKey()).isTrue();
            if (e.getKey().startsWith("bert.")) {
                assertThat(e.getValue()).as("%s differs from the base", e.getKey())
                        .isNotEqualTo(base.get(e.getKey().substring(5)));
            }
        }
        assertThat((long) st.length).as("fp16 storage").isLessThan(own.values().stream()
                .mapToLong(t -> 2L * t.data().length).sum() + 16_384);
        long total = 0;
        for (String f : List.of(ModelBundleIO.CONFIG, ModelBundleIO.WEIGHTS, ModelBundleIO.THRESHOLDS,
                ModelBundleIO.TOKENIZER, ModelBundleIO.CARD)) {
            total += ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL).read(f).length;
        }
        assertThat(total).isLessThanOrEqualTo(12L * 1024 * 1024);
        assertThat(bundle.labels()).hasSize(28).contains("gratitude", "neutral");
        assertThat(bundle.card().at("/metrics/estimate/macro_f1_cross_fitted").asDouble()).isGreaterThanOrEqualTo(0.48);
        assertThat(bundle.card().at("/metrics/validation/macro_f1").asDouble()).isGreaterThanOrEqualTo(0.48);
    }

    @Test
    void aTextAloneAndInsideAPaddedBatchGetTheSameProbabilities() {
        List<String> texts = new ArrayList<>(TestData.SENTENCES);
        float[][] batch = model.probabilities(tokens(texts));
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = model.probabilities(tokens(List.of(texts.get(i))))[0];
            for (int j = 0; j < alone.length; j++) {
                assertThat(batch[i][j]).as("text %d label %d", i, j).isCloseTo(alone[j], within(1e-5f));
            }
        }
    }

    @Test
    void writingAndReadingTheBundleGivesBitIdenticalPredictions(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("copy");
        ModelBundle written = ModelBundleIO.write(bundle, dir, BaseModels::builtin);
        assertThat(written.version()).isEqualTo(bundle.version());
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).containsExactly("copy");
        ModelBundle read = ModelBundleIO.read(ModelBundleIO.directory(dir), "copy");
        assertThat(read.version()).isEqualTo(bundle.version());
        assertThat(read.thresholds()).containsExactly(bundle.thresholds());
        try (TaggerModel copy = TaggerModel.load(read, Device.cpu())) {
            float[][] a = model.probabilities(tokens(TestData.SENTENCES));
            float[][] b = copy.probabilities(tokens(TestData.SENTENCES));
            assertThat(b).isDeepEqualTo(a);
        }
    }

    @Test
    void aBundleIsNeverWrittenOverAnother(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("m");
        ModelBundleIO.write(bundle, dir, BaseModels::builtin);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelBundleIO.write(bundle, dir, BaseModels::builtin))
                .isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).containsExactly("m");
    }

    @Test
    void inferenceLeavesNothingBehindInTheModelsManager() {
        List<TokenizedText> t = tokens(TestData.SENTENCES);
        model.probabilities(t);
        int before = model.liveArrays();
        for (int i = 0; i < 20; i++) {
            model.probabilities(t);
        }
        assertThat(model.liveArrays()).isEqualTo(before);
    }

    @Test
    void theServingEncoderLeavesNothingBehindEitherAndRepeatsItself() {
        List<TokenizedText> t = tokens(TestData.SENTENCES);
        try (TaggerModel served = TaggerModel.loadForServing(bundle, Device.cpu(), ScriptedEncoder.Precision.INT8)) {
            assertThat(served.precision()).isEqualTo("int8");
            float[][] first = served.probabilities(t);
            int before = served.liveArrays();
            for (int i = 0; i < 20; i++) {
                if (i % 5 == 0) {
                    // DJL keeps tensor memory in Java direct buffers: a collection must not pull any from under
                    // the module (it crashed the process once, when the eager encoder was closed after compiling).
                    System.gc();
                }
                assertThat(served.probabilities(t)).isDeepEqualTo(first);
            }
            assertThat(served.liveArrays()).isEqualTo(before);
        }
        assertThat(model.precision()).as("the eager model").isEqualTo("fp32");
    }
}
