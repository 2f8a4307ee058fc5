package dev.tagger.model.format;

import dev.tagger.model.BertConfig;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelFormatException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * config.json and thresholds.json of a bundle: the Hugging Face keys other tools read (architectures, id2label,
 * sizes, problem_type) and Tagger's own under "tagger". Kept apart from {@link ModelBundleIO}, which deals with
 * files, sources, versions and atomic writes.
 */
final class BundleConfig {

    private BundleConfig() {
    }

    static ObjectNode torchScriptConfigJson(ModelBundle b) {
        ObjectNode n = ModelBundleIO.JSON.createObjectNode();
        n.put("problem_type", "multi_label_classification");
        putLabelMaps(n, b.labels());
        ObjectNode t = n.putObject("tagger");
        t.put("format", ModelBundleIO.TORCHSCRIPT);
        t.put("max_tokens", b.maxTokens());
        b.longText().writeTo(t);
        return n;
    }

    /** Hugging Face's id2label (string keys) and label2id, in the classifier's row order. */
    static void putLabelMaps(ObjectNode n, List<String> labels) {
        ObjectNode id2label = n.putObject("id2label");
        ObjectNode label2id = n.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
    }

    static ObjectNode configJson(ModelBundle b) {
        BertConfig c = b.config();
        ObjectNode n = ModelBundleIO.JSON.createObjectNode();
        n.putArray("architectures").add("BertForSequenceClassification");
        n.put("model_type", "bert");
        n.put("problem_type", "multi_label_classification");
        putLabelMaps(n, b.labels());
        n.put("vocab_size", c.vocabSize());
        n.put("hidden_size", c.hiddenSize());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_attention_heads", c.numHeads());
        n.put("intermediate_size", c.intermediateSize());
        n.put("hidden_act", "gelu");
        n.put("max_position_embeddings", c.maxPositions());
        n.put("type_vocab_size", c.typeVocabSize());
        n.put("layer_norm_eps", c.layerNormEps());
        n.put("hidden_dropout_prob", c.hiddenDropout());
        n.put("attention_probs_dropout_prob", c.attentionDropout());
        ObjectNode t = n.putObject("tagger");
        if (b.base() != null) {
            t.put("base", b.base());
        }
        t.put("pooling", b.pooling().key());
        t.put("normalize", b.normalize());
        t.put("max_tokens", b.maxTokens());
        b.longText().writeTo(t);
        return n;
    }

    static List<String> labels(JsonNode config) {
        JsonNode id2label = config.path("id2label");
        if (!id2label.isObject() || id2label.isEmpty()) {
            throw new ModelFormatException(ModelBundleIO.CONFIG + " has no id2label");
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : id2label.properties()) {
            try {
                byId.put(Integer.parseInt(e.getKey()), e.getValue().asString());
            } catch (NumberFormatException ex) {
                throw new ModelFormatException(ModelBundleIO.CONFIG + ": id2label key '" + e.getKey() + "' is not an integer");
            }
        }
        if (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1) {
            throw new ModelFormatException(ModelBundleIO.CONFIG + ": id2label ids must be 0.." + (byId.size() - 1));
        }
        return new ArrayList<>(byId.values());
    }

    static BertConfig bertConfig(JsonNode n, BaseModels.Base base) {
        BertConfig d = base != null ? base.config() : null;
        String type = n.path("model_type").asString("bert");
        if (!type.equals("bert")) {
            throw new ModelFormatException("model_type '" + type + "' is not supported; supported: bert (the "
                    + "BERT layout of BertForSequenceClassification, any size; DistilBERT, RoBERTa and others are not)");
        }
        String act = n.path("hidden_act").asString("gelu");
        if (!act.equals("gelu")) {
            throw new ModelFormatException("hidden_act '" + act + "' is not supported; supported: gelu");
        }
        return new BertConfig(
                intKey(n, "vocab_size", d == null ? null : d.vocabSize()),
                intKey(n, "hidden_size", d == null ? null : d.hiddenSize()),
                intKey(n, "num_hidden_layers", d == null ? null : d.numLayers()),
                intKey(n, "num_attention_heads", d == null ? null : d.numHeads()),
                intKey(n, "intermediate_size", d == null ? null : d.intermediateSize()),
                intKey(n, "max_position_embeddings", d == null ? null : d.maxPositions()),
                n.path("type_vocab_size").asInt(d == null ? 2 : d.typeVocabSize()),
                (float) n.path("layer_norm_eps").asDouble(1e-12),
                (float) n.path("hidden_dropout_prob").asDouble(0.1),
                (float) n.path("attention_probs_dropout_prob").asDouble(0.1));
    }

    static int intKey(JsonNode n, String key, Integer fallback) {
        JsonNode v = n.get(key);
        if (v != null && v.isIntegralNumber()) {
            return v.asInt();
        }
        if (fallback != null) {
            return fallback;
        }
        throw new ModelFormatException(ModelBundleIO.CONFIG + " lacks the integer key '" + key + "'");
    }

    static float[] thresholds(List<String> labels, JsonNode node) {
        float[] out = new float[labels.size()];
        Arrays.fill(out, 0.5f);
        if (node == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int i = labels.indexOf(e.getKey());
            if (i < 0) {
                throw new ModelFormatException(ModelBundleIO.THRESHOLDS + " names label '" + e.getKey() + "' that the model does not have");
            }
            double v = e.getValue().asDouble(Double.NaN);
            if (!(v >= 0 && v <= 1)) {
                throw new ModelFormatException(ModelBundleIO.THRESHOLDS + ": threshold of '" + e.getKey() + "' must be in [0, 1]");
            }
            out[i] = (float) v;
        }
        return out;
    }
}
