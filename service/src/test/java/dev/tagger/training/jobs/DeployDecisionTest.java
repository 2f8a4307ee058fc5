package dev.tagger.training.jobs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The deploy decision on its own: the policy, and the comparison with the served model. */
class DeployDecisionTest {

    @Test
    void neverKeepsTheModelStoredAndSaysSoWithoutHttpWording() {
        DeployDecision.Verdict v = DeployDecision.decide(DeployPolicy.NEVER, 0.91234, null, null);

        assertThat(v.deploy()).isFalse();
        assertThat(v.reason()).isEqualTo(DeployDecision.NEVER_REASON).doesNotContain("/models");
        assertThat(v.candidateMacroF1()).isEqualTo(0.9123);
        assertThat(v.servingModelId()).isNull();
        assertThat(v.servingMacroF1()).isNull();
    }

    @Test
    void alwaysDeploysWithoutComparing() {
        DeployDecision.Verdict v = DeployDecision.decide(DeployPolicy.ALWAYS, 0.1, null, null);

        assertThat(v.deploy()).isTrue();
        assertThat(v.reason()).isEqualTo("the deploy policy is always");
        assertThat(v.servingModelId()).isNull();
    }

    @Test
    void ifBetterDeploysOnlyAModelThatBeatsTheServedOne() {
        DeployDecision.Served served = new DeployDecision.Served("goemotions-minilm", 0.512345);

        DeployDecision.Verdict better = DeployDecision.decide(DeployPolicy.IF_BETTER, 0.6, served, null);
        assertThat(better.deploy()).isTrue();
        assertThat(better.reason()).isEqualTo("macro-F1 0.6000 beats 0.5123 of the served model 'goemotions-minilm' "
                + "on the same validation data (thresholds cross-fitted for both)");
        assertThat(better.servingModelId()).isEqualTo("goemotions-minilm");
        assertThat(better.servingMacroF1()).isEqualTo(0.5123);
        assertThat(better.candidateMacroF1()).isEqualTo(0.6);

        DeployDecision.Verdict worse = DeployDecision.decide(DeployPolicy.IF_BETTER, 0.4, served, null);
        assertThat(worse.deploy()).isFalse();
        assertThat(worse.reason()).startsWith("macro-F1 0.4000 does not beat 0.5123 of the served model");

        DeployDecision.Verdict equal = DeployDecision.decide(DeployPolicy.IF_BETTER, 0.512345, served, null);
        assertThat(equal.deploy()).as("a tie keeps the served model").isFalse();
    }

    @Test
    void ifBetterDeploysWhenNothingIsServed() {
        DeployDecision.Verdict v = DeployDecision.decide(DeployPolicy.IF_BETTER, 0.3, null, "the model is still loading");

        assertThat(v.deploy()).isTrue();
        assertThat(v.reason()).isEqualTo("no model is served (the model is still loading)");
        assertThat(v.servingModelId()).isNull();
    }

    @Test
    void aLabelTheServedModelLacksScoresZero() {
        float[][] own = {{0.9f, 0.1f, 0.4f}, {0.2f, 0.8f, 0.6f}};

        float[][] aligned = DeployDecision.alignToLabels(own, List.of("joy", "anger", "fear"),
                List.of("fear", "thanks", "joy"));

        assertThat(aligned[0]).containsExactly(0.4f, 0f, 0.9f);
        assertThat(aligned[1]).containsExactly(0.6f, 0f, 0.2f);
    }

    @Test
    void theVerdictBecomesTheJobsDeployment() {
        DeployDecision.Verdict v = DeployDecision.decide(DeployPolicy.IF_BETTER, 0.6,
                new DeployDecision.Served("m", 0.5), null);

        TrainJob.Deployment d = v.deployment(DeployPolicy.IF_BETTER, false, v.reason() + "; but deploying failed: x");

        assertThat(d).isEqualTo(new TrainJob.Deployment(DeployPolicy.IF_BETTER, false, v.reason()
                + "; but deploying failed: x", 0.6, "m", 0.5));
    }
}
