package dev.tagger.training.jobs;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.config.TaggerProperties;
import dev.tagger.io.StoreFull;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.nn.Predictor;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.serving.PredictorPool;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.serving.ServingModel;
import dev.tagger.text.TokenizedText;
import dev.tagger.training.CrossFit;
import dev.tagger.training.Features;
import dev.tagger.training.LabelledTexts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.tagger.training.jobs.EpochTracker.round;

/**
 * What a successful job does with its stored model: never deploy it, always, or if it is better than the served
 * model, which is then scored on the job's own validation data the same way (cross-fitted thresholds for both).
 * The decision itself ({@link #decide}) is a pure function; {@link #apply} scores the served model and deploys.
 */
@Component
public class DeployDecision {

    /** The reason given when the policy is never; the model stays stored and can be deployed later. */
    public static final String NEVER_REASON = "the deploy policy is never";

    private static final Logger log = LoggerFactory.getLogger(DeployDecision.class);
    private static final int SCORING_BATCH = 32;

    private final ModelCatalog models;
    private final PredictorPool pool;
    private final int maxBatchTokens;

    public DeployDecision(ModelCatalog models, PredictorPool pool, TaggerProperties props) {
        this.models = models;
        this.pool = pool;
        this.maxBatchTokens = props.training().maxBatchTokens();
    }

    /** The served model and its macro-F1 on the job's validation data. */
    record Served(String id, double macroF1) {
    }

    /** What the policy decided, before the model is deployed. */
    record Verdict(boolean deploy, String reason, Double candidateMacroF1, String servingModelId,
                   Double servingMacroF1) {
        TrainJob.Deployment deployment(DeployPolicy policy, boolean deployed, String why) {
            return new TrainJob.Deployment(policy, deployed, why, candidateMacroF1, servingModelId, servingMacroF1);
        }
    }

    /**
     * @param candidate the new model's cross-fitted validation macro-F1
     * @param served    the served model's, on the same data (if_better only); null when none is served
     * @param whyNone   why none is served, when {@code served} is null
     */
    static Verdict decide(DeployPolicy policy, double candidate, Served served, String whyNone) {
        Double candidateF1 = round(candidate);
        return switch (policy) {
            case NEVER -> new Verdict(false, NEVER_REASON, candidateF1, null, null);
            case ALWAYS -> new Verdict(true, "the deploy policy is always", candidateF1, null, null);
            case IF_BETTER -> {
                if (served == null) {
                    yield new Verdict(true, "no model is served (" + whyNone + ")", candidateF1, null, null);
                }
                boolean better = candidate > served.macroF1();
                String reason = String.format(Locale.ROOT, "macro-F1 %.4f %s %.4f of the served model '%s' on the "
                        + "same validation data (thresholds cross-fitted for both)", candidate,
                        better ? "beats" : "does not beat", served.macroF1(), served.id());
                yield new Verdict(better, reason, candidateF1, served.id(), round(served.macroF1()));
            }
        };
    }

    /** Applies the policy to a stored model; a failed deploy is reported in the result, not thrown. */
    TrainJob.Deployment apply(DeployPolicy policy, ModelBundle model, LabelledTexts validation, double candidate,
                              int minPositives, JobControl control) {
        Verdict v;
        if (policy == DeployPolicy.IF_BETTER) {
            control.phase("comparing");
            try {
                v = decide(policy, candidate, pool.withCurrent(m -> score(m, validation, minPositives, control)), null);
            } catch (ServiceUnavailableException e) {
                v = decide(policy, candidate, null, e.getMessage());
            }
        } else {
            v = decide(policy, candidate, null, null);
        }
        if (!v.deploy()) {
            return v.deployment(policy, false, v.reason());
        }
        control.phase("deploying");
        try {
            models.deploy(model.id());
            return v.deployment(policy, true, v.reason());
        } catch (RuntimeException e) {
            log.error("job model {} could not be deployed", model.id(), e);
            return v.deployment(policy, false, v.reason() + "; but deploying failed: " + StoreFull.describe(e));
        }
    }

    private Served score(ServingModel m, LabelledTexts validation, int minPositives, JobControl control) {
        Predictor replica = m.replica(m.devices().get(0));
        float[][] own = replica instanceof TaggerModel t
                ? Features.probabilities(t, validation.texts(), maxBatchTokens, done -> control.checkpoint())
                : predict(replica, validation.texts(), control);
        float[][] probs = alignToLabels(own, m.bundle().labels(), validation.labels());
        return new Served(m.bundle().id(), CrossFit.macroF1(probs, validation, minPositives));
    }

    /** The served model's probabilities in the job's label order; a label it does not have scores 0. */
    static float[][] alignToLabels(float[][] own, List<String> servedLabels, List<String> labels) {
        float[][] probs = new float[own.length][labels.size()];
        for (int j = 0; j < labels.size(); j++) {
            int k = servedLabels.indexOf(labels.get(j));
            for (int i = 0; k >= 0 && i < own.length; i++) {
                probs[i][j] = own[i][k];
            }
        }
        return probs;
    }

    /** A served model that is not a Tagger BERT (TorchScript), run as the pool runs it, a batch at a time. */
    private static float[][] predict(Predictor model, List<String> texts, JobControl control) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i += SCORING_BATCH) {
            List<TokenizedText> batch = new ArrayList<>();
            for (String t : texts.subList(i, Math.min(texts.size(), i + SCORING_BATCH))) {
                batch.add(model.tokenizer().tokenize(t));
            }
            float[][] p = model.probabilities(batch);
            System.arraycopy(p, 0, out, i, p.length);
            control.checkpoint();
        }
        return out;
    }
}
