package dev.tagger.tools;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetReport;
import dev.tagger.datasets.Example;
import dev.tagger.engine.TorchEngine;
import dev.tagger.io.AtomicFiles;
import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;
import dev.tagger.training.BatchScoring;
import dev.tagger.training.CrossFit;
import dev.tagger.training.EncoderTrainer;
import dev.tagger.training.FrozenStates;
import dev.tagger.training.HeadTrainer;
import dev.tagger.training.StepListener;
import dev.tagger.training.Evaluation;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.ThresholdTuner;
import dev.tagger.io.Json;

import ai.djl.Device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Builds the built-in model: all-MiniLM-L6-v2 with its top layers fine-tuned on GoEmotions train together with a
 * fresh linear head, the trained tensors rounded to fp16, per-label thresholds tuned on dev at the precision the
 * service answers in (int8, the scripted encoder on CPU). Writes a bundle that holds only the tensors training
 * changed (a delta against the base from Maven) and a card with tuned and cross-fitted dev metrics.
 *
 * <pre>
 * ./mvnw -q -Ptrain-default-model compile exec:java
 * # options: -Dexec.args="--data ../shared/datasets/goemotions --out DIR --layers 3 --epochs 2 --train-limit 8000"
 * # a pilot (scores dev at int8 only, writes nothing): -Dexec.args="--pilot true --train-limit 12000"
 * </pre>
 */
public final class TrainDefaultModel {

    static final String COMMAND = "./mvnw -q -Ptrain-default-model compile exec:java";
    private static final int SCORING_BATCH = 64;
    private static final int FROZEN_BATCH_TOKENS = 4096;

    /** Every knob of the build; the defaults are what the committed model was built with. */
    record Settings(int layers, int epochs, float learningRate, float headLearningRate, int batchSize,
                    float weightDecay, float warmupRatio, float clipNorm, float dropout, long seed,
                    int trainMaxTokens, int maxTokens, int minPositives, int trainLimit, int headEpochs) {

        static Settings parse(Map<String, String> o) {
            return new Settings(
                    Integer.parseInt(o.getOrDefault("layers", "3")),
                    Integer.parseInt(o.getOrDefault("epochs", "2")),
                    Float.parseFloat(o.getOrDefault("lr", "2e-4")),
                    Float.parseFloat(o.getOrDefault("head-lr", "1e-3")),
                    Integer.parseInt(o.getOrDefault("batch-size", "32")),
                    Float.parseFloat(o.getOrDefault("weight-decay", "0.01")),
                    Float.parseFloat(o.getOrDefault("warmup", "0.06")),
                    Float.parseFloat(o.getOrDefault("clip-norm", "1")),
                    Float.parseFloat(o.getOrDefault("dropout", "0.1")),
                    Long.parseLong(o.getOrDefault("seed", "42")),
                    Integer.parseInt(o.getOrDefault("train-max-tokens", "64")),
                    Integer.parseInt(o.getOrDefault("max-tokens", "128")),
                    Integer.parseInt(o.getOrDefault("min-positives", "5")),
                    Integer.parseInt(o.getOrDefault("train-limit", "0")),
                    Integer.parseInt(o.getOrDefault("head-epochs", "20")));
        }
    }

    /** Dev probabilities of one model and how they score with thresholds tuned on them. */
    record Scored(float[][] probs, float[] thresholds, Evaluation.Report report, double crossFit) {
    }

    private TrainDefaultModel() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        String loadAtStart = DefaultModelCard.loadAverage();
        Map<String, String> opt = options(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/datasets/goemotions"));
        Path out = Path.of(opt.getOrDefault("out", "src/main/resources/models/goemotions-minilm"));
        String id = opt.getOrDefault("id", out.getFileName().toString());
        Settings s = Settings.parse(opt);
        boolean pilot = Boolean.parseBoolean(opt.getOrDefault("pilot", "false"));

        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        List<String> labels = DatasetParser.readLabels(data.resolve("labels.txt"));
        LabelledTexts train = limit(read(data.resolve("train.tsv"), labels), s.trainLimit(), s.seed());
        LabelledTexts dev = read(data.resolve("dev.tsv"), labels);
        log("train %d texts, dev %d texts, %d labels; %s", train.size(), dev.size(), labels.size(), s);

        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        BertConfig c = base.config();
        BertConfig config = new BertConfig(c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(),
                c.intermediateSize(), c.maxPositions(), c.typeVocabSize(), c.layerNormEps(), s.dropout(),
                c.attentionDropout());
        Map<String, HostTensor> weights = new LinkedHashMap<>(base.weights().asMap());
        weights.putAll(ClassificationHead.initialWeights(config.hiddenSize(), labels.size(), s.seed()));
        float[] half = new float[labels.size()];
        Arrays.fill(half, 0.5f);
        ModelBundle start = new ModelBundle(id, "untrained", config, labels, half, Pooling.MEAN, true, s.maxTokens(),
                BaseModels.MINILM, new WeightSet(weights), base.tokenizerJson(), Json.MAPPER.createObjectNode());

        long t1 = System.nanoTime();
        Map<String, HostTensor> trained = new LinkedHashMap<>(weights);
        List<TokenizedText> tokens;
        try (TextTokenizer cut = new TextTokenizer(base.tokenizerJson(), s.trainMaxTokens())) {
            tokens = train.texts().stream().map(cut::tokenize).toList();
        }
        log("train tokens: mean %.1f, %d of %d texts cut at %d", tokens.stream().mapToInt(TokenizedText::length)
                .average().orElse(0), tokens.stream().filter(TokenizedText::truncated).count(), tokens.size(),
                s.trainMaxTokens());
        // A fresh head learns slowly on L2-normalised vectors: it is trained first on the frozen encoder's output,
        // then the top layers fine-tune together with it.
        FrozenStates frozen;
        try (TaggerModel model = TaggerModel.load(start, Device.cpu())) {
            frozen = FrozenStates.compute(model, tokens, c.numLayers() - s.layers(), FROZEN_BATCH_TOKENS);
            log("frozen layers' output ready at %.1f min", (System.nanoTime() - t1) / 60e9);
            float[][] features = frozen.pooled(model, tokens, SCORING_BATCH);
            log("head warm-up features ready at %.1f min", (System.nanoTime() - t1) / 60e9);
            trained.putAll(HeadTrainer.train(features, train.truth(), model.head().exportWeights(),
                    headWarmUp(s),
                    (epoch, loss, w) -> {
                        log("head warm-up epoch %d: mean loss %.4f (%.1f min)", epoch, loss,
                                (System.nanoTime() - t1) / 60e9);
                        return true;
                    }, StepListener.NONE));
        }
        try (TaggerModel model = TaggerModel.load(start.withWeights(new WeightSet(trained)), Device.cpu())) {
            List<Integer> groups = IntStream.rangeClosed(c.numLayers() + 1 - s.layers(), c.numLayers()).boxed().toList();
            long[] last = {System.nanoTime(), 0};
            EncoderTrainer.train(model, groups, frozen, tokens, train.truth(),
                    new EncoderTrainer.Settings(s.epochs(), s.learningRate(), s.headLearningRate(), s.batchSize(),
                            s.weightDecay(), s.warmupRatio(), s.clipNorm(), s.seed()),
                    (epoch, loss) -> {
                        log("epoch %d: mean loss %.4f", epoch, loss);
                        return true;
                    },
                    (epoch, step, total, loss, examples) -> {
                        last[1] += examples;
                        if (step % 100 == 0 || step == total) {
                            double sec = (System.nanoTime() - last[0]) / 1e9;
                            log("epoch %d step %d/%d loss %.4f, %.1f examples/s, %.1f min so far", epoch, step, total,
                                    loss, last[1] / sec, (System.nanoTime() - t1) / 60e9);
                            last[0] = System.nanoTime();
                            last[1] = 0;
                        }
                    });
            trained.putAll(model.encoder().exportWeights());
            trained.putAll(model.head().exportWeights());
        }
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        log("trained in %.1f min", trainSeconds / 60);

        // The bundle stores what training changed in fp16; thresholds are tuned on the stored model as served.
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        trained.forEach((name, t) -> {
            boolean same = t.equals(base.weights().asMap().get(name));
            stored.put(name, same ? t : t.roundedToHalf());
            if (!same) {
                changed.add(name);
            }
        });
        ModelBundle fp32Model = start.withWeights(new WeightSet(trained));
        ModelBundle bundle = start.withWeights(new WeightSet(stored));
        if (pilot) {
            Scored int8 = score(bundle, ScriptedEncoder.Precision.INT8, dev, s.minPositives());
            log("pilot: dev macro-F1 at int8 cross-fitted %.4f, tuned %.4f, in %.1f min", int8.crossFit(),
                    int8.report().macroF1(), (System.nanoTime() - t0) / 60e9);
            return;
        }
        Scored fp32 = score(fp32Model, ScriptedEncoder.Precision.FP32, dev, s.minPositives());
        Scored fp16 = score(bundle, ScriptedEncoder.Precision.FP32, dev, s.minPositives());
        Scored int8 = score(bundle, ScriptedEncoder.Precision.INT8, dev, s.minPositives());
        double[] fp16Error = DefaultModelCard.difference(fp16.probs(), fp32.probs());
        double[] int8Error = DefaultModelCard.difference(int8.probs(), fp32.probs());
        log("dev macro-F1 at int8: cross-fitted %.4f, tuned %.4f; fp32: cross-fitted %.4f, tuned %.4f",
                int8.crossFit(), int8.report().macroF1(), fp32.crossFit(), fp32.report().macroF1());
        log("|p - p(fp32)|: fp16 weights mean %.5f max %.4f; int8 served mean %.5f max %.4f", fp16Error[0],
                fp16Error[1], int8Error[0], int8Error[1]);

        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        ModelBundle result = bundle.withThresholds(int8.thresholds()).withCard(DefaultModelCard.card(id, data, train,
                dev, s, changed, int8, fp32, fp16Error, int8Error, trainSeconds, totalSeconds, loadAtStart));
        if (Files.exists(out)) {
            AtomicFiles.deleteRecursively(out);
        }
        ModelBundle written = ModelBundleIO.write(result, out, BaseModels::builtin);
        log("wrote %s (version %s, %d changed tensors) in %.1f min", out, written.version(), changed.size(),
                totalSeconds / 60);
    }

    /** The head warm-up is the head-only recipe (what the frozen built-in model was trained with). */
    static HeadTrainer.Settings headWarmUp(Settings s) {
        HeadTrainer.Settings d = HeadTrainer.Settings.defaults();
        return new HeadTrainer.Settings(s.headEpochs(), d.learningRate(), d.batchSize(), d.weightDecay(),
                d.warmupRatio(), d.clipNorm(), s.seed(), d.dropout());
    }

    /** The model's dev probabilities through the serving encoder at {@code precision}, thresholds tuned on them. */
    private static Scored score(ModelBundle bundle, ScriptedEncoder.Precision precision, LabelledTexts dev,
                                int minPositives) {
        long t = System.nanoTime();
        float[][] p;
        try (TaggerModel model = TaggerModel.loadForServing(bundle, Device.cpu(), precision)) {
            p = BatchScoring.probabilities(model, dev.texts(), SCORING_BATCH);
        }
        float[] th = ThresholdTuner.tune(p, dev.truth(), dev.labels().size(), minPositives);
        Scored out = new Scored(p, th, Evaluation.evaluate(dev.labels(), p, dev.truth(), th),
                CrossFit.macroF1(p, dev, minPositives));
        log("scored dev at %s in %.1f s: macro-F1 tuned %.4f, cross-fitted %.4f", precision.key(),
                (System.nanoTime() - t) / 1e9, out.report().macroF1(), out.crossFit());
        return out;
    }

    /** GoEmotions' TSV (text, label ids, comment id) through the dataset reader; any problem stops the build. */
    static LabelledTexts read(Path tsv, List<String> labels) throws IOException {
        DatasetReport r;
        try (InputStream in = Files.newInputStream(tsv)) {
            r = new DatasetParser(DatasetFormat.TSV, labels, DatasetLimits.DEFAULTS).parse(in);
        }
        if (!r.ok()) {
            throw new IOException(tsv + ": " + r.problemCount() + " problems, first " + r.problems().get(0));
        }
        boolean[][] truth = new boolean[r.examples().size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            for (String l : r.examples().get(i).labels()) {
                truth[i][labels.indexOf(l)] = true;
            }
        }
        return new LabelledTexts(r.examples().stream().map(Example::text).toList(), truth, labels);
    }

    /** A seeded random subset, in its original order (for pilots); 0 keeps everything. */
    private static LabelledTexts limit(LabelledTexts set, int n, long seed) {
        if (n <= 0 || n >= set.size()) {
            return set;
        }
        List<Integer> idx = new ArrayList<>(IntStream.range(0, set.size()).boxed().toList());
        Collections.shuffle(idx, new Random(seed));
        return set.subset(idx.subList(0, n).stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs, got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    static void log(String fmt, Object... args) {
        System.out.printf("[train-default-model] " + fmt + "%n", args);
    }
}
