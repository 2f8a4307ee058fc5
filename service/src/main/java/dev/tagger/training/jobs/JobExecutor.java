package dev.tagger.training.jobs;

import dev.tagger.datasets.DatasetSplitter;
import dev.tagger.datasets.Example;
import dev.tagger.model.BertConfig;
import dev.tagger.model.Pooling;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.Predictor;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServingModel;
import dev.tagger.training.Features;
import dev.tagger.training.Losses;
import dev.tagger.training.StepListener;
import dev.tagger.catalog.ModelCatalog;
import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;
import dev.tagger.training.EncoderTrainer;
import dev.tagger.training.CrossFit;
import dev.tagger.training.Evaluation;
import dev.tagger.training.HeadTrainer;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.ModelCard;
import dev.tagger.training.ThresholdTuner;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one job from start to end on the calling thread: loads its data and its base model (a copy of its own,
 * never the served one), trains, evaluates on the validation data with per-label thresholds tuned there, writes
 * the new bundle atomically and applies the deploy policy. It checks for a cancel between steps and batches.
 */
@Component
public class JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatasetRepository datasets;
    private final ModelCatalog models;
    private final PredictorPool pool;
    private final JobStore jobs;
    private final TaggerProperties.Training settings;

    public JobExecutor(DatasetRepository datasets, ModelCatalog models, PredictorPool pool, JobStore jobs,
                       TaggerProperties props) {
        this.datasets = datasets;
        this.models = models;
        this.pool = pool;
        this.jobs = jobs;
        this.settings = props.training();
    }

    /** The id a job's model gets. */
    public static String modelId(String jobId) {
        return "model-" + jobId;
    }

    TrainJob.Result execute(TrainJob job, JobControl control) throws IOException {
        long t0 = System.nanoTime();
        TrainSpec spec = job.request();
        TrainSpec.Parameters p = spec.parameters();
        TorchEngine.noGradOnThisThread();
        TorchEngine.setThreadsOfThisThread(settings.threads());

        control.phase("loading");
        Data data = loadData(job);
        ModelBundle start = startBundle(spec, modelId(job.id()));
        TrainMode mode = TrainMode.parse(p.train(), start.config().numLayers());
        control.checkpoint();
        log.info("job {}: training {} on {} examples, validating on {}, {} labels, base {}", job.id(), mode,
                data.train().size(), data.validation().size(), spec.labels().size(), spec.base());

        Map<String, HostTensor> weights = new LinkedHashMap<>(start.weights().asMap());
        Run run = new Run(spec.labels(), data.validation(), p, control);
        Double encodeSeconds = null;
        Double textsPerSecond = null;
        try (TaggerModel model = TaggerModel.load(start, Device.cpu())) {
            if (mode.headOnly()) {
                long e0 = System.nanoTime();
                int total = data.train().size() + data.validation().size();
                control.phase("encoding");
                float[][] trainX = encode(model, data.train().texts(), 0, total, control);
                float[][] valX = encode(model, data.validation().texts(), data.train().size(), total, control);
                encodeSeconds = round(seconds(System.nanoTime() - e0));
                textsPerSecond = total / Math.max(encodeSeconds, 1e-9);
                Map<String, HostTensor> head0 = model.head().exportWeights();
                run.baseline(HeadTrainer.probabilities(valX, head0));
                HeadTrainer.Settings hs = new HeadTrainer.Settings(p.epochs(), p.learningRate(), p.batchSize(),
                        p.weightDecay(), p.warmupRatio(), p.clipNorm(), p.seed(), p.dropout());
                control.phase("training");
                run.startTraining();
                Map<String, HostTensor> head = HeadTrainer.train(trainX, data.train().truth(), head0, hs,
                        (epoch, loss, w) -> run.epoch(epoch, loss, () -> HeadTrainer.probabilities(valX, w)),
                        run.steps(p.epochs()));
                weights.putAll(head);
            } else {
                control.phase("evaluating");
                run.baseline(probabilities(model, data.validation().texts(), control));
                List<TokenizedText> tokens = data.train().texts().stream().map(model.tokenizer()::tokenize).toList();
                EncoderTrainer.Settings es = new EncoderTrainer.Settings(p.epochs(), p.learningRate(),
                        p.headLearningRate(), p.batchSize(), p.weightDecay(), p.warmupRatio(), p.clipNorm(), p.seed());
                control.phase("training");
                run.startTraining();
                EncoderTrainer.train(model, mode.groups(start.config().numLayers()), tokens, data.train().truth(), es,
                        (epoch, loss) -> run.epoch(epoch, loss,
                                () -> probabilities(model, data.validation().texts(), control)),
                        run.steps(p.epochs()));
                weights.putAll(model.encoder().exportWeights());
                weights.putAll(model.head().exportWeights());
            }
        }
        double trainSeconds = run.trainSeconds();

        float[][] probs = run.lastProbabilities();
        LabelledTexts val = data.validation();
        float[] thresholds = ThresholdTuner.tune(probs, val.truth(), spec.labels().size(), p.minPositives());
        Evaluation.Report report = Evaluation.evaluate(spec.labels(), probs, val.truth(), thresholds);
        double crossFit = CrossFit.macroF1(probs, val, p.minPositives());
        ObjectNode metrics = ModelCard.metrics(report, crossFit);
        ObjectNode baseline = metrics.putObject("baseline");
        baseline.put("macro_f1", run.baselineScores().macroF1());
        baseline.put("micro_f1", run.baselineScores().microF1());
        baseline.put("description", "the starting model on the same validation data, thresholds tuned the same way");
        TrainJob.Timings timings = new TrainJob.Timings(encodeSeconds, round(trainSeconds), textsPerSecond == null
                ? null : round(textsPerSecond), round(run.examplesPerSecond()), round(seconds(System.nanoTime() - t0)));

        control.checkpoint();
        control.phase("writing");
        ObjectNode card = card(job, mode, start, data, metrics, timings);
        ModelBundle written = models.add(start.withWeights(new WeightSet(weights)).withThresholds(thresholds)
                .withCard(card));
        log.info("job {}: wrote model {} version {}: validation macro-F1 {} (cross-fitted {}), baseline {}",
                job.id(), written.id(), written.version(), round(report.macroF1()), round(crossFit),
                run.baselineScores().macroF1());
        // Writing the model is the point of no return: a cancel from here on is too late.
        TrainJob.Deployment deployment = deploy(spec.deploy(), written, val, crossFit, p.minPositives(), control);
        return new TrainJob.Result(written.id(), written.version(), metrics, timings, deployment);
    }

    private record Data(LabelledTexts train, LabelledTexts validation, String validationSource) {
    }

    private Data loadData(TrainJob job) throws IOException {
        TrainSpec spec = job.request();
        List<Example> train = spec.trainingData().datasetId() != null
                ? datasets.load(spec.trainingData().datasetId()) : jobs.examples(job.id());
        List<Example> validation;
        String source;
        if (spec.validationData().datasetId() != null) {
            validation = datasets.load(spec.validationData().datasetId());
            source = "dataset " + spec.validationData().datasetId();
        } else {
            DatasetSplitter.Split split = DatasetSplitter.split(train, spec.validationData().split(),
                    spec.parameters().seed());
            train = split.train();
            validation = split.validation();
            source = String.format(Locale.ROOT, "%.3f of the training data, held out (seed %d)",
                    spec.validationData().split(), spec.parameters().seed());
        }
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalStateException("the job needs training and validation examples; it has "
                    + train.size() + " and " + validation.size());
        }
        return new Data(labelled(train, spec.labels()), labelled(validation, spec.labels()), source);
    }

    static LabelledTexts labelled(List<Example> examples, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < labels.size(); j++) {
            index.put(labels.get(j), j);
        }
        boolean[][] truth = new boolean[examples.size()][labels.size()];
        for (int i = 0; i < examples.size(); i++) {
            for (String l : examples.get(i).labels()) {
                Integer j = index.get(l);
                if (j == null) {
                    throw new IllegalStateException("label '" + l + "' of the data is not one of the job's labels");
                }
                truth[i][j] = true;
            }
        }
        return new LabelledTexts(examples.stream().map(Example::text).toList(), truth, labels);
    }

    /**
     * The model training starts from: the base's encoder, and its head when the labels are the same, else a fresh
     * one. When the encoder trains, the dropout parameter becomes its hidden dropout (config.json says so); a
     * head-only job leaves the encoder's config as it was (its dropout applies to the head's input only).
     */
    private ModelBundle startBundle(TrainSpec spec, String id) {
        TrainSpec.Parameters p = spec.parameters();
        boolean encoderTrains = !TrainMode.HEAD.toString().equals(p.train());
        List<String> labels = spec.labels();
        float[] thresholds = new float[labels.size()];
        Arrays.fill(thresholds, 0.5f);
        ObjectNode card = JSON.createObjectNode();
        if (BaseModels.isBuiltin(spec.base())) {
            BaseModels.Base base = BaseModels.builtin(spec.base());
            BertConfig config = encoderTrains ? withDropout(base.config(), p.dropout()) : base.config();
            Map<String, HostTensor> w = new LinkedHashMap<>(base.weights().asMap());
            w.putAll(ClassificationHead.initialWeights(config.hiddenSize(), labels.size(), p.seed()));
            return new ModelBundle(id, "untrained", config, labels, thresholds, Pooling.MEAN, true, p.maxTokens(),
                    base.ref(), new WeightSet(w), base.tokenizerJson(), card);
        }
        ModelBundle from = models.load(spec.base());
        if (from.isTorchScript()) {
            throw new IllegalArgumentException("model '" + spec.base() + "' is a TorchScript module and cannot be trained from");
        }
        BertConfig config = encoderTrains ? withDropout(from.config(), p.dropout()) : from.config();
        Map<String, HostTensor> w = new LinkedHashMap<>(from.weights().asMap());
        if (!from.labels().equals(labels)) {
            w.putAll(ClassificationHead.initialWeights(config.hiddenSize(), labels.size(), p.seed()));
        }
        // The new bundle names the same pretrained base, so it stays readable when the model it came from is deleted.
        return new ModelBundle(id, "untrained", config, labels, thresholds, from.pooling(), from.normalize(),
                p.maxTokens(), from.base(), new WeightSet(w), from.tokenizerJson(), card);
    }

    private static BertConfig withDropout(BertConfig c, float dropout) {
        return new BertConfig(c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize(),
                c.maxPositions(), c.typeVocabSize(), c.layerNormEps(), dropout, c.attentionDropout());
    }

    private float[][] encode(TaggerModel model, List<String> texts, int offset, int total, JobControl control) {
        return Features.extract(model, texts, settings.maxBatchTokens(), done -> {
            control.encoded(offset + done, total);
            control.checkpoint();
        });
    }

    private float[][] probabilities(TaggerModel model, List<String> texts, JobControl control) {
        return Features.probabilities(model, texts, settings.maxBatchTokens(), done -> control.checkpoint());
    }

    /** A served model that is not a Tagger BERT (TorchScript), run as the pool runs it, 32 texts at a time. */
    private static float[][] predict(Predictor model, List<String> texts, JobControl control) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i += 32) {
            List<TokenizedText> batch = new ArrayList<>();
            for (String t : texts.subList(i, Math.min(texts.size(), i + 32))) {
                batch.add(model.tokenizer().tokenize(t));
            }
            float[][] p = model.probabilities(batch);
            System.arraycopy(p, 0, out, i, p.length);
            control.checkpoint();
        }
        return out;
    }

    /** One job's training loop bookkeeping: baseline, per-epoch evaluations, timing. */
    private static final class Run {
        private final List<String> labels;
        private final LabelledTexts validation;
        private final TrainSpec.Parameters p;
        private final JobControl control;
        private TrainJob.Scores baseline;
        private float[][] lastProbabilities;
        private long trainStart;
        private long trainEnd;
        private long epochStart;
        private long evalNanos;
        private long examples;

        Run(List<String> labels, LabelledTexts validation, TrainSpec.Parameters p, JobControl control) {
            this.labels = labels;
            this.validation = validation;
            this.p = p;
            this.control = control;
        }

        void baseline(float[][] probs) {
            baseline = scores(probs);
            lastProbabilities = probs;
            control.baseline(baseline);
        }

        TrainJob.Scores baselineScores() {
            return baseline;
        }

        void startTraining() {
            trainStart = System.nanoTime();
            epochStart = trainStart;
        }

        StepListener steps(int epochs) {
            return (epoch, step, totalSteps, loss, batch) -> {
                examples += batch;
                control.step(epoch, epochs, step, totalSteps, loss, batch);
                control.checkpoint();
            };
        }

        boolean epoch(int epoch, double trainLoss, java.util.function.Supplier<float[][]> validationProbabilities) {
            long e0 = System.nanoTime();
            float[][] probs = validationProbabilities.get();
            TrainJob.Scores s = scores(probs);
            long e1 = System.nanoTime();
            evalNanos += e1 - e0;
            lastProbabilities = probs;
            control.epoch(new TrainJob.EpochReport(epoch, round(trainLoss), s, round(seconds(e1 - epochStart))));
            epochStart = e1;
            trainEnd = e1;
            control.checkpoint();
            return true;
        }

        private TrainJob.Scores scores(float[][] probs) {
            float[] th = ThresholdTuner.tune(probs, validation.truth(), labels.size(), p.minPositives());
            Evaluation.Report r = Evaluation.evaluate(labels, probs, validation.truth(), th);
            return new TrainJob.Scores(round(r.macroF1()), round(r.microF1()), round(Losses.meanBce(probs, validation.truth())));
        }

        float[][] lastProbabilities() {
            return lastProbabilities;
        }

        double trainSeconds() {
            return seconds(trainEnd - trainStart);
        }

        /** Examples per second over the optimizer steps alone (per-epoch evaluations left out). */
        double examplesPerSecond() {
            return examples / Math.max(seconds(trainEnd - trainStart - evalNanos), 1e-9);
        }
    }

    private TrainJob.Deployment deploy(DeployPolicy policy, ModelBundle model, LabelledTexts validation,
                                       double candidate, int minPositives, JobControl control) {
        Double candidateF1 = round(candidate);
        switch (policy) {
            case NEVER:
                return new TrainJob.Deployment(policy, false, "the deploy policy is never; deploy it with POST /models/"
                        + model.id() + "/deploy", candidateF1, null, null);
            case ALWAYS:
                return deployNow(policy, model, "the deploy policy is always", candidateF1, null, null, control);
            default:
                break;
        }
        control.phase("comparing");
        String servingId;
        double serving;
        try {
            Map.Entry<String, Double> s = pool.withCurrent(m -> Map.entry(m.bundle().id(),
                    servingMacroF1(m, validation, minPositives, control)));
            servingId = s.getKey();
            serving = s.getValue();
        } catch (ServiceUnavailableException e) {
            return deployNow(policy, model, "no model is served (" + e.getMessage() + ")", candidateF1, null, null,
                    control);
        }
        if (candidate > serving) {
            return deployNow(policy, model, String.format(Locale.ROOT, "macro-F1 %.4f beats %.4f of the served model"
                    + " '%s' on the same validation data (thresholds cross-fitted for both)", candidate, serving,
                    servingId), candidateF1, servingId, round(serving), control);
        }
        return new TrainJob.Deployment(policy, false, String.format(Locale.ROOT, "macro-F1 %.4f does not beat %.4f of"
                + " the served model '%s' on the same validation data (thresholds cross-fitted for both)", candidate,
                serving, servingId), candidateF1, servingId, round(serving));
    }

    private TrainJob.Deployment deployNow(DeployPolicy policy, ModelBundle model, String reason, Double candidate,
                                          String servingId, Double serving, JobControl control) {
        control.phase("deploying");
        try {
            models.deploy(model.id());
            return new TrainJob.Deployment(policy, true, reason, candidate, servingId, serving);
        } catch (RuntimeException e) {
            log.error("job model {} could not be deployed", model.id(), e);
            return new TrainJob.Deployment(policy, false, reason + "; but deploying failed: " + e.getMessage(),
                    candidate, servingId, serving);
        }
    }

    /** The served model's cross-fitted macro-F1 on the job's validation data; a label it does not have scores 0. */
    private double servingMacroF1(ServingModel m, LabelledTexts validation, int minPositives, JobControl control) {
        Predictor replica = m.replica(m.devices().get(0));
        float[][] own = replica instanceof TaggerModel t ? probabilities(t, validation.texts(), control)
                : predict(replica, validation.texts(), control);
        List<String> servedLabels = m.bundle().labels();
        List<String> labels = validation.labels();
        float[][] probs = new float[own.length][labels.size()];
        for (int j = 0; j < labels.size(); j++) {
            int k = servedLabels.indexOf(labels.get(j));
            for (int i = 0; k >= 0 && i < own.length; i++) {
                probs[i][j] = own[i][k];
            }
        }
        return CrossFit.macroF1(probs, validation, minPositives);
    }

    private ObjectNode card(TrainJob job, TrainMode mode, ModelBundle start, Data data, ObjectNode metrics,
                            TrainJob.Timings timings) {
        TrainSpec spec = job.request();
        TrainSpec.Parameters p = spec.parameters();
        ObjectNode c = JSON.createObjectNode();
        c.put("id", start.id());
        c.put("description", spec.name() != null ? spec.name()
                : "trained from " + spec.base() + " by job " + job.id());
        c.put("base", spec.base());
        c.put("created", jobs.clock().instant().toString());
        c.put("trained_part", mode.toString());
        c.put("job", job.id());
        ObjectNode d = c.putObject("data");
        d.put("training", spec.trainingData().datasetId() != null ? "dataset " + spec.trainingData().datasetId()
                : "examples sent with the job");
        d.put("train_examples", data.train().size());
        d.put("validation", data.validationSource());
        d.put("validation_examples", data.validation().size());
        ObjectNode s = c.putObject("settings");
        s.put("train", p.train());
        s.put("epochs", p.epochs());
        s.put("learning_rate", p.learningRate());
        if (!mode.headOnly()) {
            s.put("head_learning_rate", p.headLearningRate());
        }
        s.put("batch_size", p.batchSize());
        s.put("max_tokens", p.maxTokens());
        s.put("warmup_ratio", p.warmupRatio());
        s.put("weight_decay", p.weightDecay());
        s.put("dropout", p.dropout());
        s.put("clip_norm", p.clipNorm());
        s.put("seed", p.seed());
        s.put("pooling", start.pooling().key());
        s.put("normalize", start.normalize());
        s.put("optimizer", "AdamW, linear warmup then linear decay, global gradient-norm clipping");
        s.put("loss", "binary cross-entropy on logits (one sigmoid per label)");
        s.put("threshold_tuning", "per label, grid 0.05..0.95, maximising F1 on validation; labels with fewer than "
                + p.minPositives() + " validation positives share the micro-F1-best threshold");
        c.set("timings", JSON.valueToTree(timings));
        c.set("metrics", metrics);
        return c;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
