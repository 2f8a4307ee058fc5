package dev.tagger.model.format;

import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bundle as a Hugging Face checkpoint that {@code AutoModelForSequenceClassification.from_pretrained(dir)} loads:
 * config.json with the keys save_pretrained writes for BertForSequenceClassification, model.safetensors with every
 * tensor materialised (the base merged in), F32, under {@code bert.*} and {@code classifier.*} names, and
 * tokenizer.json; thresholds.json and card.json ride along as extras.
 *
 * <p>Only pooler models can be exported faithfully: BertForSequenceClassification always classifies
 * tanh(dense([CLS])), so a model that pools by mean (the built-in one) or the bare [CLS] state, or that
 * L2-normalises the pooled vector, has no equivalent there and is refused.
 */
public final class HfExport {

    /** The transformers version whose save_pretrained layout this mirrors. */
    public static final String TRANSFORMERS_VERSION = "4.44.2";

    /** The model cannot be expressed as a BertForSequenceClassification checkpoint. */
    public static final class NotExportableException extends RuntimeException {
        public NotExportableException(String message) {
            super(message);
        }
    }

    private HfExport() {
    }

    /** Refuses models whose head BertForSequenceClassification cannot express. */
    public static void checkExportable(ModelBundle b) {
        if (b.isTorchScript()) {
            throw new NotExportableException(torchScriptMessage(b.id()));
        }
        if (b.pooling() != Pooling.POOLER) {
            throw new NotExportableException("model '" + b.id() + "' pools with '" + b.pooling().key() + "'"
                    + (b.pooling() == Pooling.MEAN ? " (the mean of the token states, like the built-in default model)"
                    : " (the bare [CLS] state)")
                    + "; Hugging Face's BertForSequenceClassification always classifies tanh(dense([CLS])) through its "
                    + "pooler, so this model has no BertForSequenceClassification equivalent and cannot be exported. "
                    + "Models that pool with 'pooler' (registered Hugging Face checkpoints) export.");
        }
        if (b.normalize()) {
            throw new NotExportableException("model '" + b.id() + "' L2-normalises its pooled vector, which "
                    + "BertForSequenceClassification cannot express; it cannot be exported");
        }
    }

    /** The checkpoint's files, by name. */
    /** Why a TorchScript model cannot be exported. */
    public static String torchScriptMessage(String id) {
        return "model '" + id + "' is a TorchScript module: its weights exist only inside model.pt, so it cannot be "
                + "exported as a Hugging Face checkpoint (config.json + model.safetensors)";
    }

    public static Map<String, byte[]> files(ModelBundle b) {
        checkExportable(b);
        Set<String> required = ModelImporter.requiredTensors(b.config(), b.labels().size(), b.pooling());
        Map<String, HostTensor> tensors = new TreeMap<>();
        for (String name : required) {
            // WeightSet.require checks each shape once more and names anything missing.
            HostTensor t = b.weights().require(name, expectedShape(b, name));
            tensors.put(ModelBundleIO.hfName(name), t);
        }
        ByteArrayOutputStream st = new ByteArrayOutputStream();
        try {
            Safetensors.write(tensors, Map.of("format", "pt"), st);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ModelBundleIO.CONFIG, ModelBundleIO.JSON.writeValueAsBytes(config(b)));
        files.put(ModelBundleIO.WEIGHTS, st.toByteArray());
        files.put(ModelBundleIO.TOKENIZER, b.tokenizerJson());
        putThresholdsAndCard(b, files);
        return files;
    }

    /** thresholds.json (label -> threshold) and card.json, which every export carries beside its weights. */
    static void putThresholdsAndCard(ModelBundle b, Map<String, byte[]> files) {
        ObjectNode th = ModelBundleIO.JSON.createObjectNode();
        b.thresholdMap().forEach(th::put);
        files.put(ModelBundleIO.THRESHOLDS, ModelBundleIO.JSON.writeValueAsBytes(th));
        files.put(ModelBundleIO.CARD, ModelBundleIO.JSON.writeValueAsBytes(b.card()));
    }

    /** labels.json: the label names in the model's order (the order of its logits). */
    static byte[] labelsJson(ModelBundle b) {
        ArrayNode labels = ModelBundleIO.JSON.createArrayNode();
        b.labels().forEach(labels::add);
        return ModelBundleIO.JSON.writeValueAsBytes(labels);
    }

    static long[] expectedShape(ModelBundle b, String name) {
        BertConfig c = b.config();
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        if (name.equals("embeddings.word_embeddings.weight")) {
            return new long[] {c.vocabSize(), h};
        }
        if (name.equals("embeddings.position_embeddings.weight")) {
            return new long[] {c.maxPositions(), h};
        }
        if (name.equals("embeddings.token_type_embeddings.weight")) {
            return new long[] {c.typeVocabSize(), h};
        }
        if (name.startsWith("classifier.")) {
            return name.endsWith(".weight") ? new long[] {b.labels().size(), h} : new long[] {b.labels().size()};
        }
        boolean weight = name.endsWith(".weight");
        if (name.contains("LayerNorm")) {
            return new long[] {h};
        }
        if (name.contains("intermediate.dense")) {
            return weight ? new long[] {ff, h} : new long[] {ff};
        }
        if (name.contains(".output.dense") && !name.contains("attention")) {
            return weight ? new long[] {h, ff} : new long[] {h};
        }
        return weight ? new long[] {h, h} : new long[] {h};
    }

    /** config.json as save_pretrained writes it for BertForSequenceClassification, keys sorted. */
    static ObjectNode config(ModelBundle b) {
        BertConfig c = b.config();
        ObjectNode n = ModelBundleIO.JSON.createObjectNode();
        n.putArray("architectures").add("BertForSequenceClassification");
        n.put("attention_probs_dropout_prob", decimal(c.attentionDropout()));
        n.putNull("classifier_dropout");
        n.put("hidden_act", "gelu");
        n.put("hidden_dropout_prob", decimal(c.hiddenDropout()));
        n.put("hidden_size", c.hiddenSize());
        ObjectNode id2label = n.putObject("id2label");
        for (int i = 0; i < b.labels().size(); i++) {
            id2label.put(Integer.toString(i), b.labels().get(i));
        }
        n.put("initializer_range", 0.02);
        n.put("intermediate_size", c.intermediateSize());
        ObjectNode label2id = n.putObject("label2id");
        for (int i = 0; i < b.labels().size(); i++) {
            label2id.put(b.labels().get(i), i);
        }
        n.put("layer_norm_eps", decimal(c.layerNormEps()));
        n.put("max_position_embeddings", c.maxPositions());
        n.put("model_type", "bert");
        n.put("num_attention_heads", c.numHeads());
        n.put("num_hidden_layers", c.numLayers());
        n.put("pad_token_id", 0);
        n.put("position_embedding_type", "absolute");
        n.put("problem_type", ModelImporter.MULTI_LABEL);
        // Tagger's own settings: ignored by transformers, read back when the checkpoint is registered again.
        ObjectNode t = n.putObject("tagger");
        t.put("pooling", b.pooling().key());
        t.put("normalize", b.normalize());
        t.put("max_tokens", b.maxTokens());
        n.put("torch_dtype", "float32");
        n.put("transformers_version", TRANSFORMERS_VERSION);
        n.put("type_vocab_size", c.typeVocabSize());
        n.put("use_cache", true);
        n.put("vocab_size", c.vocabSize());
        return n;
    }

    /** The float's shortest decimal as a double (0.1f is written 0.1, not 0.10000000149011612). */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
