package dev.tagger.tools;

import dev.tagger.datasets.DatasetFiles;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.training.Evaluation;
import dev.tagger.training.Features;
import dev.tagger.training.HeadTrainer;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.CrossFit;
import dev.tagger.training.ModelCard;
import dev.tagger.training.ThresholdTuner;

import ai.djl.Device;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Builds the default model: the built-in MiniLM, frozen, with a linear sigmoid head trained on
 * GoEmotions train and per-label thresholds tuned on dev. Writes a base-delta bundle (head only).
 *
 * <pre>
 * ./mvnw -q -Ptrain-default-model compile exec:java
 * # or with options: -Dexec.args="--data ../shared/datasets/goemotions --out DIR --epochs 40 --lr 0.003"
 * </pre>
 * Relative paths, the defaults included, are taken from the repository root, where Maven runs it.
 */
public final class TrainHeadCommand {

    private TrainHeadCommand() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/datasets/goemotions"));
        Path out = Path.of(opt.getOrDefault("out", "service/src/main/resources/models/goemotions-minilm"));
        Path cache = Path.of(opt.getOrDefault("cache", "service/target/feature-cache"));
        String id = opt.getOrDefault("id", out.getFileName().toString());
        HeadTrainer.Settings d = HeadTrainer.Settings.defaults();
        HeadTrainer.Settings s = new HeadTrainer.Settings(
                Integer.parseInt(opt.getOrDefault("epochs", "" + d.epochs())),
                Float.parseFloat(opt.getOrDefault("lr", "" + d.learningRate())),
                Integer.parseInt(opt.getOrDefault("batch-size", "" + d.batchSize())),
                Float.parseFloat(opt.getOrDefault("weight-decay", "" + d.weightDecay())),
                Float.parseFloat(opt.getOrDefault("warmup", "" + d.warmupRatio())),
                d.clipNorm(),
                Long.parseLong(opt.getOrDefault("seed", "" + d.seed())),
                Float.parseFloat(opt.getOrDefault("dropout", "" + d.dropout())));
        Pooling pooling = Pooling.parse(opt.getOrDefault("pooling", "mean"));
        boolean normalize = Boolean.parseBoolean(opt.getOrDefault("normalize", "true"));
        int maxTokens = Integer.parseInt(opt.getOrDefault("max-tokens", "128"));
        int minPositives = Integer.parseInt(opt.getOrDefault("min-positives", "5"));

        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        Path labels = data.resolve("labels.txt");
        LabelledTexts train = LabelledTexts.of(DatasetFiles.readGoEmotions(data.resolve("train.tsv"), labels));
        LabelledTexts dev = LabelledTexts.of(DatasetFiles.readGoEmotions(data.resolve("dev.tsv"), labels));
        log("train %d texts, dev %d texts, %d labels", train.size(), dev.size(), train.labels().size());

        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        BertConfig config = base.config();
        Map<String, HostTensor> weights = new LinkedHashMap<>(base.weights().asMap());
        weights.putAll(ClassificationHead.initialWeights(config.hiddenSize(), train.labels().size(), s.seed()));
        float[] half = new float[train.labels().size()];
        Arrays.fill(half, 0.5f);
        ModelBundle start = new ModelBundle(id, "untrained", config, train.labels(), half, pooling, normalize, maxTokens,
                BaseModels.MINILM, new WeightSet(weights), base.tokenizerJson(), JsonMapper.builder().build().createObjectNode());

        float[][] trainX;
        float[][] devX;
        long t0 = System.nanoTime();
        try (TaggerModel model = TaggerModel.load(start, Device.cpu())) {
            trainX = cachedFeatures(model, train, cache, "train", pooling, normalize, maxTokens);
            devX = cachedFeatures(model, dev, cache, "dev", pooling, normalize, maxTokens);
        }
        log("features ready in %.1f s", (System.nanoTime() - t0) / 1e9);

        long t1 = System.nanoTime();
        Map<String, HostTensor> head = HeadTrainer.train(trainX, train.truth(), s, (epoch, loss, w) -> {
            if (epoch % 5 == 0 || epoch == 1) {
                float[][] p = HeadTrainer.probabilities(devX, w);
                float[] th = ThresholdTuner.tune(p, dev.truth(), dev.labels().size(), minPositives);
                Evaluation.Report r = Evaluation.evaluate(dev.labels(), p, dev.truth(), th);
                log("epoch %d loss %.4f dev macro-F1 %.4f micro-F1 %.4f (tuned thresholds)", epoch, loss,
                        r.macroF1(), r.microF1());
            }
            return true;
        });
        double trainSeconds = (System.nanoTime() - t1) / 1e9;

        float[][] devP = HeadTrainer.probabilities(devX, head);
        float[] thresholds = ThresholdTuner.tune(devP, dev.truth(), dev.labels().size(), minPositives);
        Evaluation.Report report = Evaluation.evaluate(dev.labels(), devP, dev.truth(), thresholds);
        double crossFit = CrossFit.macroF1(devP, dev, minPositives);
        log("final dev macro-F1 %.4f (thresholds tuned on dev), cross-fitted %.4f, micro-F1 %.4f",
                report.macroF1(), crossFit, report.microF1());

        weights.putAll(head);
        ObjectNode card = card(id, data, train, dev, s, pooling, normalize, maxTokens, minPositives, report, crossFit,
                trainSeconds);
        ModelBundle trained = start.withWeights(new WeightSet(weights)).withThresholds(thresholds).withCard(card);
        if (Files.exists(out)) {
            try (var walk = Files.walk(out)) {
                walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        ModelBundle written = ModelBundleIO.write(trained, out, BaseModels::builtin);
        log("wrote %s (version %s)", out, written.version());
    }

    private static ObjectNode card(String id, Path data, LabelledTexts train, LabelledTexts dev, HeadTrainer.Settings s,
                                   Pooling pooling, boolean normalize, int maxTokens, int minPositives,
                                   Evaluation.Report r, double crossFit, double trainSeconds) {
        ObjectNode c = JsonMapper.builder().build().createObjectNode();
        c.put("id", id);
        c.put("description", "all-MiniLM-L6-v2 (frozen) + linear sigmoid head for the 28 GoEmotions labels");
        c.put("base", BaseModels.MINILM);
        c.put("created", Instant.now().toString());
        c.put("trained_part", "head");
        c.put("command", "./mvnw -q -Ptrain-default-model compile exec:java");
        ObjectNode d = c.putObject("data");
        d.put("name", "GoEmotions");
        d.put("train", data.getFileName() + "/train.tsv");
        d.put("train_examples", train.size());
        d.put("validation", data.getFileName() + "/dev.tsv");
        d.put("validation_examples", dev.size());
        ObjectNode p = c.putObject("settings");
        p.put("pooling", pooling.key());
        p.put("normalize", normalize);
        p.put("max_tokens", maxTokens);
        p.put("epochs", s.epochs());
        p.put("learning_rate", s.learningRate());
        p.put("batch_size", s.batchSize());
        p.put("weight_decay", s.weightDecay());
        p.put("warmup_ratio", s.warmupRatio());
        p.put("clip_norm", s.clipNorm());
        p.put("dropout", s.dropout());
        p.put("seed", s.seed());
        p.put("optimizer", "AdamW, linear warmup then linear decay");
        p.put("loss", "binary cross-entropy on logits (one sigmoid per label)");
        p.put("threshold_tuning", "per label, grid 0.05..0.95, maximising F1 on validation; labels with fewer than "
                + minPositives + " validation positives share the micro-F1-best threshold");
        p.put("train_seconds", Math.round(trainSeconds * 10) / 10.0);
        c.set("metrics", ModelCard.metrics(r, crossFit));
        return c;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static float[][] cachedFeatures(TaggerModel model, LabelledTexts set, Path cacheDir, String name,
                                            Pooling pooling, boolean normalize, int maxTokens) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update((pooling + "/" + normalize + "/" + maxTokens + "/" + model.bundle().base()).getBytes(StandardCharsets.UTF_8));
        set.texts().forEach(t -> md.update(t.getBytes(StandardCharsets.UTF_8)));
        Path file = cacheDir.resolve(name + "-" + HexFormat.of().formatHex(md.digest()).substring(0, 16) + ".f32");
        if (Files.isRegularFile(file)) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                int n = in.readInt();
                int h = in.readInt();
                float[][] out = new float[n][h];
                for (float[] row : out) {
                    for (int j = 0; j < h; j++) {
                        row[j] = in.readFloat();
                    }
                }
                log("%s features from cache %s", name, file);
                return out;
            }
        }
        long t0 = System.nanoTime();
        int total = set.size();
        float[][] x = Features.extract(model, set.texts(), 2048, done -> {
            if (done % 5000 < 64 || done == total) {
                log("%s: %d/%d texts encoded (%.0f texts/s)", name, done, total, done / ((System.nanoTime() - t0) / 1e9));
            }
        });
        Files.createDirectories(cacheDir);
        try (OutputStream os = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
            out.writeInt(x.length);
            out.writeInt(x[0].length);
            for (float[] row : x) {
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
        }
        return x;
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

    private static void log(String fmt, Object... args) {
        System.out.printf("[train-head] " + fmt + "%n", args);
    }
}
