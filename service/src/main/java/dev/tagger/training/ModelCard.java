package dev.tagger.training;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The parts of card.json that every trained model shares, whichever command or job trained it. */
public final class ModelCard {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ModelCard() {
    }

    /** The report as card.json's "metrics" object. */
    public static ObjectNode metrics(Evaluation.Report r, double crossFitMacroF1) {
        ObjectNode m = JSON.createObjectNode();
        ObjectNode v = m.putObject("validation");
        v.put("examples", r.examples());
        v.put("micro_precision", round(r.microPrecision()));
        v.put("micro_recall", round(r.microRecall()));
        v.put("micro_f1", round(r.microF1()));
        v.put("macro_precision", round(r.macroPrecision()));
        v.put("macro_recall", round(r.macroRecall()));
        v.put("macro_f1", round(r.macroF1()));
        if (!Double.isNaN(crossFitMacroF1)) {
            v.put("macro_f1_cross_fitted", round(crossFitMacroF1));
        }
        v.put("samples_f1", round(r.samplesF1()));
        v.put("hamming_loss", round(r.hammingLoss()));
        v.put("subset_accuracy", round(r.subsetAccuracy()));
        ArrayNode per = v.putArray("per_label");
        for (Evaluation.LabelMetrics l : r.perLabel()) {
            ObjectNode n = per.addObject();
            n.put("label", l.label());
            n.put("precision", round(l.precision()));
            n.put("recall", round(l.recall()));
            n.put("f1", round(l.f1()));
            n.put("support", l.support());
            n.put("threshold", l.threshold());
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
