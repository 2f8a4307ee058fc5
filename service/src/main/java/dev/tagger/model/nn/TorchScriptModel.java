package dev.tagger.model.nn;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelFormatException;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TorchScript classifier: a traced or scripted module that maps (input_ids, attention_mask, token_type_ids),
 * int64 [batch, seq], to logits [batch, labels], loaded offline through DJL's PyTorch engine from a directory with
 * {@code model.pt}, {@code tokenizer.json} and {@code labels.json} (a JSON array of label names, in the order of
 * the logits). Probabilities are the sigmoid of each logit. Inference only: such a model cannot be trained here.
 */
public final class TorchScriptModel implements Predictor {

    public static final String MODULE = "model.pt";
    public static final String LABELS = "labels.json";

    private final Model model;
    private final Block block;
    private final TextTokenizer tokenizer;
    private final List<String> labels;

    private TorchScriptModel(Model model, TextTokenizer tokenizer, List<String> labels) {
        this.model = model;
        this.block = model.getBlock();
        this.tokenizer = tokenizer;
        this.labels = List.copyOf(labels);
    }

    /** Loads a stored TorchScript bundle (see {@link ModelBundle#module()}) onto {@code device}. */
    public static TorchScriptModel load(ModelBundle bundle, Device device) {
        if (!bundle.isTorchScript()) {
            throw new IllegalArgumentException(bundle + " is not a TorchScript model");
        }
        return load(bundle.module(), bundle.labels(), bundle.tokenizerJson(), device, bundle.maxTokens());
    }

    /** Loads {@code model.pt} in {@code dir} onto {@code device}, with the tokenizer and labels the bundle gave. */
    public static TorchScriptModel load(Path dir, List<String> labels, byte[] tokenizerJson, Device device,
                                        int maxTokens) {
        if (!Files.isRegularFile(dir.resolve(MODULE))) {
            throw new ModelFormatException(dir + " has no " + MODULE);
        }
        Model m = Model.newInstance("torchscript", device, "PyTorch");
        try {
            m.load(dir, "model");
            return new TorchScriptModel(m, new TextTokenizer(tokenizerJson, maxTokens), labels);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new ModelFormatException("cannot load the TorchScript module " + dir.resolve(MODULE) + ": "
                    + e.getMessage(), e);
        }
    }

    public List<String> labels() {
        return labels;
    }

    @Override
    public String precision() {
        return "module";
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Sigmoid probabilities [batch][labels]; fails when the module's output is not [batch, labels]. */
    @Override
    public float[][] probabilities(List<TokenizedText> texts) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            TaggerModel.Inputs in = TaggerModel.inputs(m, texts);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(in.ids(), in.mask(), in.typeIds()), false);
            NDArray logits = out.get(0);
            long[] shape = logits.getShape().getShape();
            if (shape.length != 2 || shape[0] != texts.size() || shape[1] != labels.size()) {
                throw new ModelFormatException("the TorchScript module returned shape " + logits.getShape()
                        + "; expected [" + texts.size() + ", " + labels.size() + "] (one logit per label of " + LABELS + ")");
            }
            return TaggerModel.rows(Activation.sigmoid(logits).toFloatArray(), texts.size(), labels.size());
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
