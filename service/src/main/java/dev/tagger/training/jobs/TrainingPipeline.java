package dev.tagger.training.jobs;

import dev.tagger.config.TaggerProperties;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;
import dev.tagger.training.BatchScoring;
import dev.tagger.training.CrossFit;
import dev.tagger.training.EncoderTrainer;
import dev.tagger.training.Evaluation;
import dev.tagger.training.Features;
import dev.tagger.training.HeadTrainer;
import dev.tagger.training.LabelledTexts;
import dev.tagger.training.ModelCard;
import dev.tagger.training.ThresholdTuner;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tagger.training.jobs.EpochTracker.round;
import static dev.tagger.training.jobs.EpochTracker.seconds;

/**
 * One job's training, on the calling thread, from data in memory to a model bundle in memory: trains (the head
 * alone on cached encoder outputs, or encoder layers and head), evaluates on the validation data, tunes per-label
 * thresholds there and makes the bundle with its metrics and card. It stores nothing and deploys nothing; it
 * reports through {@link JobControl} and stops at a checkpoint when told to.
 */
@Component
public class TrainingPipeline {

    private static final Logger log = LoggerFactory.getLogger(TrainingPipeline.class);

    /** Texts per batch of the validation pass through the serving encoder (length-sorted, so padding is small). */
    private static final int VALIDATION_BATCH = 32;

    private final TaggerProperties.Training settings;
    private final ScriptedEncoder.Precision servingPrecision;

    public TrainingPipeline(TaggerProperties props) {
        this.settings = props.training();
        // Trained models serve on the CPU pool at the service's precision; thresholds are tuned on what it answers.
        this.servingPrecision = ScriptedEncoder.effectivePrecision(props.precision(), Device.cpu());
    }

    /**
     * What a run made.
     *
     * @param bundle          the trained model, not yet stored
     * @param metrics         the card's metrics, with the baseline's scores
     * @param crossFitMacroF1 validation macro-F1 with cross-fitted thresholds (what the deploy decision compares)
     */
    public record Trained(ModelBundle bundle, ObjectNode metrics, TrainJob.Timings timings, double crossFitMacroF1) {
    }

    /**
     * @param start      the model to start from (see {@link StartModel}); its id is the new model's
     * @param created    the card's date
     * @param startNanos when the job started ({@link System#nanoTime()}), for its total time
     */
    Trained run(String jobId, TrainSpec spec, ModelBundle start, JobData data, Instant created,
                long startNanos, JobControl control) {
        TrainSpec.Parameters p = spec.parameters();
        TrainMode mode = p.train();
        TorchEngine.noGradOnThisThread();
        TorchEngine.setThreadsOfThisThread(settings.threads());
        log.info("job {}: training {} on {} examples, validating on {}, {} labels, base {}", jobId, mode,
                data.train().size(), data.validation().size(), spec.labels().size(), spec.base());

        Map<String, HostTensor> weights = new LinkedHashMap<>(start.weights().asMap());
        EpochTracker run = new EpochTracker(data.validation(), p.minPositives(), control);
        Double encodeSeconds = null;
        Double textsPerSecond = null;
        float[][] servedValidation = null;
        // Head only: the encoder is frozen, so its features are computed once, by the encoder that will serve the
        // model (packed batches, at the serving precision): the head learns on what serving will feed it.
        try (TaggerModel model = mode.headOnly() ? TaggerModel.loadForServing(start, Device.cpu(), servingPrecision)
                : TaggerModel.load(start, Device.cpu())) {
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
                // valX came from the serving encoder, which the trained head does not change: these are already
                // the probabilities the served model will answer with
                servedValidation = HeadTrainer.probabilities(valX, head);
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

        // When the encoder trained, the epochs' curves come from the eager fp32 model, so a final pass runs the
        // validation texts through the encoder that will serve. The thresholds, the metrics and the deploy decision
        // come from the serving encoder either way, so that what the card says is what the service answers.
        LabelledTexts val = data.validation();
        control.phase("validating");
        control.checkpoint();
        ModelBundle candidate = start.withWeights(new WeightSet(weights));
        float[][] probs = servedValidation;
        if (probs == null) {
            try (TaggerModel serving = TaggerModel.loadForServing(candidate, Device.cpu(), servingPrecision)) {
                probs = BatchScoring.probabilities(serving, val.texts(), VALIDATION_BATCH);
            }
        }
        float[] thresholds = ThresholdTuner.tune(probs, val.truth(), spec.labels().size(), p.minPositives());
        Evaluation.Report report = Evaluation.evaluate(spec.labels(), probs, val.truth(), thresholds);
        double crossFit = CrossFit.macroF1(probs, val, p.minPositives());
        ObjectNode metrics = ModelCard.metrics(report, crossFit);
        metrics.put("thresholds_tuned_at", servingPrecision.key() + " (the serving encoder on CPU)");
        ObjectNode baseline = metrics.putObject("baseline");
        baseline.put("macro_f1", run.baselineScores().macroF1());
        baseline.put("micro_f1", run.baselineScores().microF1());
        baseline.put("description", "the starting model on the same validation data, thresholds tuned the same way");
        TrainJob.Timings timings = new TrainJob.Timings(encodeSeconds, round(trainSeconds), textsPerSecond == null
                ? null : round(textsPerSecond), round(run.examplesPerSecond()),
                round(seconds(System.nanoTime() - startNanos)));
        log.info("job {}: validation macro-F1 {} (cross-fitted {}), baseline {}", jobId, round(report.macroF1()),
                round(crossFit), run.baselineScores().macroF1());

        ObjectNode card = JobCard.of(jobId, spec, start, data, metrics, timings, created);
        ModelBundle trained = candidate.withThresholds(thresholds).withCard(card);
        return new Trained(trained, metrics, timings, crossFit);
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
}
