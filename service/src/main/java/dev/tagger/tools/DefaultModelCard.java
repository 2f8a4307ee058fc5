package dev.tagger.tools;

import dev.tagger.engine.CpuFeatures;
import dev.tagger.io.Json;
import dev.tagger.model.BertConfig;
import dev.tagger.model.format.BaseModels;
import dev.tagger.training.HeadTrainer;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.ModelCard;

import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** card.json of the built-in model: where it came from, how it was built and how well it does on dev. */
final class DefaultModelCard {

    private DefaultModelCard() {
    }

    static ObjectNode card(String id, Path data, LabelledTexts train, LabelledTexts dev, TrainDefaultModel.Settings s,
                           List<String> changed, TrainDefaultModel.Scored int8, TrainDefaultModel.Scored fp32,
                           double[] fp16Error, double[] int8Error, double trainSeconds, double totalSeconds,
                           String loadAtStart) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", id);
        c.put("description", "all-MiniLM-L6-v2 with its top " + s.layers() + " layers fine-tuned on GoEmotions "
                + "train with a linear sigmoid head for the 28 GoEmotions labels");
        c.put("language", "English");
        c.put("base", BaseModels.MINILM);
        c.put("created", Instant.now().toString());
        c.put("trained_part", "top_layers:" + s.layers());

        ObjectNode m = c.putObject("metrics");
        ObjectNode honest = m.putObject("estimate");
        honest.put("macro_f1_cross_fitted", round(int8.crossFit()));
        honest.put("precision", "int8");
        honest.put("what", "the honest estimate: dev macro-F1 with thresholds tuned on one half of dev and measured "
                + "on the other, both ways, at the precision the service answers in; predicts held-out data. "
                + "validation.macro_f1 is measured on the texts its thresholds were tuned on, so it flatters");
        m.put("thresholds_tuned_at", "int8 (the serving encoder on CPU)");
        m.setAll(ModelCard.metrics(int8.report(), int8.crossFit()));
        ObjectNode f = m.putObject("fp32");
        f.put("description", "the trained model before fp16 storage, served at fp32, thresholds tuned on its own "
                + "dev probabilities");
        f.put("macro_f1_cross_fitted", round(fp32.crossFit()));
        f.put("macro_f1", round(fp32.report().macroF1()));
        f.put("micro_f1", round(fp32.report().microF1()));
        ObjectNode e = m.putObject("probability_error");
        e.put("description", "|probability - fp32 model's probability| over all dev texts and labels");
        e.put("fp16_weights_mean", round5(fp16Error[0]));
        e.put("fp16_weights_max", round5(fp16Error[1]));
        e.put("int8_served_mean", round5(int8Error[0]));
        e.put("int8_served_max", round5(int8Error[1]));

        ObjectNode d = c.putObject("data");
        d.put("name", "GoEmotions");
        d.put("train", data.getFileName() + "/train.tsv");
        d.put("train_examples", train.size());
        d.put("validation", data.getFileName() + "/dev.tsv");
        d.put("validation_examples", dev.size());

        ObjectNode p = c.putObject("settings");
        int top = BertConfig.MINILM_L6.numLayers();
        p.put("trained", "encoder layers " + (top - s.layers()) + " to " + (top - 1) + " and the head; embeddings and lower layers "
                + "frozen (their output computed once)");
        p.put("pooling", "mean");
        p.put("normalize", true);
        p.put("max_tokens", s.maxTokens());
        p.put("train_max_tokens", s.trainMaxTokens());
        HeadTrainer.Settings w = TrainDefaultModel.headWarmUp(s);
        p.put("head_warm_up", "the head alone first, on the frozen encoder's output: " + w.epochs() + " epochs, "
                + "learning rate " + w.learningRate() + ", batch " + w.batchSize() + ", weight decay " + w.weightDecay());
        p.put("epochs", s.epochs());
        p.put("learning_rate", s.learningRate());
        p.put("head_learning_rate", s.headLearningRate());
        p.put("batch_size", s.batchSize());
        p.put("weight_decay", s.weightDecay());
        p.put("warmup_ratio", s.warmupRatio());
        p.put("clip_norm", s.clipNorm());
        p.put("dropout", s.dropout());
        p.put("seed", s.seed());
        if (s.trainLimit() > 0) {
            p.put("train_limit", s.trainLimit());
        }
        p.put("optimizer", "AdamW, linear warmup then linear decay");
        p.put("loss", "binary cross-entropy on logits (one sigmoid per label)");
        p.put("threshold_tuning", "per label, grid 0.05..0.95, maximising F1 on validation probabilities from the "
                + "int8 serving encoder; labels with fewer than " + s.minPositives() + " validation positives share "
                + "the micro-F1-best threshold");
        p.put("storage", changed.size() + " tensors (the trained layers and the head) in fp16, a delta against "
                + BaseModels.MINILM);

        ObjectNode b = c.putObject("build");
        b.put("command", TrainDefaultModel.COMMAND);
        b.put("seconds", Math.round(totalSeconds));
        b.put("train_seconds", Math.round(trainSeconds));
        b.put("cpu", cpuModel());
        b.put("cores", Runtime.getRuntime().availableProcessors());
        // The int8 figures above are exact only where the int8 kernels are the same (DefaultModelQualityTest).
        b.put("cpu_features", String.join(" ", CpuFeatures.kernelFlags()));
        b.put("load_average_at_start", loadAtStart);
        return c;
    }

    /** {mean, max} of |a - b| over every cell. */
    static double[] difference(float[][] a, float[][] b) {
        double sum = 0;
        double max = 0;
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double d = Math.abs(a[i][j] - b[i][j]);
                sum += d;
                max = Math.max(max, d);
                n++;
            }
        }
        return new double[] {sum / n, max};
    }

    /** The machine is shared: its load when the build started says how much of it the build had. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static double round5(double v) {
        return Math.round(v * 100000) / 100000.0;
    }
}
