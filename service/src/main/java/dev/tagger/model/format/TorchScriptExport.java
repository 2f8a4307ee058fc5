package dev.tagger.model.format;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.model.nn.TorchScriptModel;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Any Tagger BERT as a TorchScript model: model.pt (the whole network at fp32 with its weights inside, which
 * {@code torch.jit.load} runs as {@code logits = module(input_ids, attention_mask, token_type_ids)}, right padding,
 * probabilities = sigmoid(logits)), tokenizer.json, labels.json (the logits' order), thresholds.json, card.json and a
 * config.json holding the token limit. The same folder registers back as a TorchScript model.
 */
public final class TorchScriptExport {

    private TorchScriptExport() {
    }

    public static boolean exportable(ModelBundle b) {
        return !b.isTorchScript();
    }

    public static Map<String, byte[]> files(ModelBundle b) {
        if (!exportable(b)) {
            throw new HfExport.NotExportableException("model '" + b.id() + "' is a TorchScript module already; "
                    + "it is not exported again");
        }
        byte[] module;
        try (TaggerModel model = TaggerModel.load(b, Device.cpu()); NDManager scratch = model.newScratch()) {
            module = ScriptedEncoder.export(model.encoder(), model.head(), scratch);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(TorchScriptModel.MODULE, module);
        files.put(ModelBundleIO.TOKENIZER, b.tokenizerJson());
        files.put(TorchScriptModel.LABELS, HfExport.labelsJson(b));
        ObjectNode config = ModelBundleIO.JSON.createObjectNode();
        config.put("problem_type", ModelImporter.MULTI_LABEL);
        ObjectNode tagger = config.putObject("tagger");
        tagger.put("max_tokens", b.maxTokens());
        tagger.put("pooling", b.pooling().key());
        tagger.put("normalize", b.normalize());
        files.put(ModelBundleIO.CONFIG, ModelBundleIO.JSON.writeValueAsBytes(config));
        HfExport.putThresholdsAndCard(b, files);
        return files;
    }
}
