package dev.tagger.model.format;

import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.nn.ClassificationHead;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A model that pools by mean or by [CLS] (the built-in one and every model a job trains) as a sentence-transformers
 * folder, which {@code SentenceTransformer(dir)} loads: the encoder as a BertModel checkpoint (config.json,
 * model.safetensors under BertModel's names, tokenizer.json), modules.json naming the Transformer, its Pooling
 * (1_Pooling/config.json) and, where the model L2-normalises, a Normalize module. {@code encode()} then gives the very
 * vector Tagger's head reads. The head rides along as tagger_head.safetensors (classifier.weight [labels, hidden],
 * classifier.bias) with labels.json and thresholds.json, and apply_head.py applies it:
 * probabilities = sigmoid(embedding @ weight.T + bias), a label predicted at or above its threshold.
 *
 * <p>A pooler model (tanh(dense([CLS]))) has no sentence-transformers pooling; it exports as a Hugging Face checkpoint
 * instead ({@link HfExport}).
 */
public final class SentenceTransformersExport {

    public static final String MODULES = "modules.json";
    public static final String POOLING_CONFIG = "1_Pooling/config.json";
    public static final String HEAD = "tagger_head.safetensors";
    public static final String LABELS = "labels.json";
    public static final String SCRIPT = "apply_head.py";
    /** The sentence-transformers version whose folder layout this mirrors. */
    public static final String VERSION = "3.0.1";

    private SentenceTransformersExport() {
    }

    /** Whether this model has a sentence-transformers equivalent. */
    public static boolean exportable(ModelBundle b) {
        return !b.isTorchScript() && (b.pooling() == Pooling.MEAN || b.pooling() == Pooling.CLS);
    }

    /** The folder's files by relative path. */
    public static Map<String, byte[]> files(ModelBundle b) {
        if (!exportable(b)) {
            throw new HfExport.NotExportableException("model '" + b.id() + "' "
                    + (b.isTorchScript() ? "is a TorchScript module" : "pools with '" + b.pooling().key() + "'")
                    + ": sentence-transformers has no equivalent (its poolings are mean and [CLS]); export it as a "
                    + "Hugging Face checkpoint (format=hf)");
        }
        BertConfig c = b.config();
        Set<String> required = ModelImporter.requiredTensors(c, b.labels().size(), b.pooling());
        Map<String, HostTensor> encoder = new TreeMap<>();
        Map<String, HostTensor> head = new TreeMap<>();
        for (String name : required) {
            HostTensor t = b.weights().require(name, HfExport.expectedShape(b, name));
            if (name.equals(ClassificationHead.WEIGHT) || name.equals(ClassificationHead.BIAS)) {
                head.put(name, t);
            } else {
                // BertModel's own names: what AutoModel.from_pretrained reads without a "bert." prefix
                encoder.put(name, t);
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ModelBundleIO.CONFIG, ModelBundleIO.JSON.writeValueAsBytes(bertModelConfig(b)));
        files.put(ModelBundleIO.WEIGHTS, safetensors(encoder));
        files.put(ModelBundleIO.TOKENIZER, b.tokenizerJson());
        ObjectNode tokenizerConfig = ModelBundleIO.JSON.createObjectNode();
        tokenizerConfig.put("tokenizer_class", "BertTokenizerFast");
        tokenizerConfig.put("model_max_length", b.maxTokens());
        files.put("tokenizer_config.json", ModelBundleIO.JSON.writeValueAsBytes(tokenizerConfig));
        ObjectNode sbert = ModelBundleIO.JSON.createObjectNode();
        sbert.put("max_seq_length", b.maxTokens());
        sbert.put("do_lower_case", false);
        files.put("sentence_bert_config.json", ModelBundleIO.JSON.writeValueAsBytes(sbert));
        files.put(MODULES, ModelBundleIO.JSON.writeValueAsBytes(modules(b.normalize())));
        files.put(POOLING_CONFIG, ModelBundleIO.JSON.writeValueAsBytes(pooling(b)));
        files.put(HEAD, safetensors(head));
        files.put(LABELS, HfExport.labelsJson(b));
        HfExport.putThresholdsAndCard(b, files);
        files.put(SCRIPT, script().getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static ArrayNode modules(boolean normalize) {
        ArrayNode m = ModelBundleIO.JSON.createArrayNode();
        m.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        m.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        if (normalize) {
            m.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
                    .put("type", "sentence_transformers.models.Normalize");
        }
        return m;
    }

    static ObjectNode pooling(ModelBundle b) {
        ObjectNode p = ModelBundleIO.JSON.createObjectNode();
        p.put("word_embedding_dimension", b.config().hiddenSize());
        p.put("pooling_mode_cls_token", b.pooling() == Pooling.CLS);
        p.put("pooling_mode_mean_tokens", b.pooling() == Pooling.MEAN);
        p.put("pooling_mode_max_tokens", false);
        p.put("pooling_mode_mean_sqrt_len_tokens", false);
        p.put("pooling_mode_weightedmean_tokens", false);
        p.put("pooling_mode_lasttoken", false);
        p.put("include_prompt", true);
        return p;
    }

    /** The Hugging Face checkpoint's config with BertModel as its architecture: the encoder without a head. */
    static ObjectNode bertModelConfig(ModelBundle b) {
        ObjectNode n = HfExport.config(b);
        n.putArray("architectures").add("BertModel");
        n.remove("problem_type");
        return n;
    }

    private static byte[] safetensors(Map<String, HostTensor> tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Safetensors.write(tensors, Map.of("format", "pt"), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String script() {
        return """
                # Tagger's multi-label head on the sentence-transformers encoder of this folder.
                #   pip install sentence-transformers safetensors
                #   python apply_head.py "I love this" "This is awful"
                # sentence-transformers was VERSION when this layout was written; encode() gives the pooled (and,
                # where modules.json says so, normalised) vector; the head is one linear layer and a sigmoid per label.
                import json
                import pathlib
                import sys

                import torch
                from safetensors.torch import load_file
                from sentence_transformers import SentenceTransformer

                here = pathlib.Path(__file__).resolve().parent
                encoder = SentenceTransformer(str(here), device="cpu")
                head = load_file(str(here / "tagger_head.safetensors"))
                labels = json.loads((here / "labels.json").read_text())
                thresholds = json.loads((here / "thresholds.json").read_text())


                def probabilities(texts):
                    embeddings = encoder.encode(texts, convert_to_tensor=True)
                    return torch.sigmoid(embeddings @ head["classifier.weight"].T + head["classifier.bias"])


                if __name__ == "__main__":
                    texts = sys.argv[1:] or ["I love this, thank you!"]
                    for text, p in zip(texts, probabilities(texts)):
                        predicted = [l for l, v in zip(labels, p.tolist()) if v >= thresholds[l]]
                        print(json.dumps({"text": text, "labels": predicted,
                                          "scores": {l: round(v, 6) for l, v in zip(labels, p.tolist())}}))
                """.replace("VERSION", VERSION);
    }
}
