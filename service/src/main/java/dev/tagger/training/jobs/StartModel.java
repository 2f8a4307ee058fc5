package dev.tagger.training.jobs;

import dev.tagger.io.Json;
import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.nn.ClassificationHead;

import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model training starts from: the base's encoder, and its head when the labels are the same, else a fresh
 * one. When the encoder trains, the dropout parameter becomes its hidden dropout (config.json says so); a
 * head-only job leaves the encoder's config as it was (its dropout applies to the head's input only).
 */
final class StartModel {

    private StartModel() {
    }

    /** From a built-in pretrained encoder, with a fresh head. */
    static ModelBundle fromBuiltin(BaseModels.Base base, TrainSpec spec, String id) {
        TrainSpec.Parameters p = spec.parameters();
        BertConfig config = encoderTrains(p) ? withDropout(base.config(), p.dropout()) : base.config();
        Map<String, HostTensor> w = new LinkedHashMap<>(base.weights().asMap());
        w.putAll(ClassificationHead.initialWeights(config.hiddenSize(), spec.labels().size(), p.seed()));
        return new ModelBundle(id, "untrained", config, spec.labels(), halves(spec.labels()), Pooling.MEAN, true,
                p.maxTokens(), base.ref(), new WeightSet(w), base.tokenizerJson(), languageCard(
                        BaseModels.MINILM.equals(base.ref()) ? BaseModels.MINILM_LANGUAGE : null));
    }

    /** From a stored model; it keeps its head when its labels are the job's. */
    static ModelBundle fromModel(ModelBundle from, TrainSpec spec, String id) {
        if (from.isTorchScript()) {
            throw new IllegalArgumentException("model '" + spec.base() + "' is a TorchScript module and cannot be "
                    + "trained from");
        }
        TrainSpec.Parameters p = spec.parameters();
        List<String> labels = spec.labels();
        BertConfig config = encoderTrains(p) ? withDropout(from.config(), p.dropout()) : from.config();
        Map<String, HostTensor> w = new LinkedHashMap<>(from.weights().asMap());
        if (!from.labels().equals(labels)) {
            w.putAll(ClassificationHead.initialWeights(config.hiddenSize(), labels.size(), p.seed()));
        }
        // The new bundle names the same pretrained base, so it stays readable when the model it came from is deleted.
        return new ModelBundle(id, "untrained", config, labels, halves(labels), from.pooling(), from.normalize(),
                p.maxTokens(), from.base(), new WeightSet(w), from.tokenizerJson(), languageCard(
                        from.card() != null && from.card().path("language").isString()
                                ? from.card().path("language").asString() : null));
    }

    /** The start model's card says only what fine-tuning keeps: the vocabulary, so the language it reads. */
    private static ObjectNode languageCard(String language) {
        ObjectNode card = Json.MAPPER.createObjectNode();
        if (language != null) {
            card.put("language", language);
        }
        return card;
    }

    private static boolean encoderTrains(TrainSpec.Parameters p) {
        return !p.train().headOnly();
    }

    private static float[] halves(List<String> labels) {
        float[] thresholds = new float[labels.size()];
        Arrays.fill(thresholds, 0.5f);
        return thresholds;
    }

    private static BertConfig withDropout(BertConfig c, float dropout) {
        return new BertConfig(c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize(),
                c.maxPositions(), c.typeVocabSize(), c.layerNormEps(), dropout, c.attentionDropout());
    }
}
