package dev.tagger.model.nn;

import dev.tagger.model.ModelBundle;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.util.List;

/**
 * A bundle made runnable on one device: tokenizer, encoder and head with their weights in engine
 * memory. Thread-safe for inference: each call works in its own child NDManager.
 */
public final class TaggerModel implements Predictor {

    private final ModelBundle bundle;
    private final Device device;
    private final NDManager manager;
    private final TextTokenizer tokenizer;
    /**
     * The eager encoder. A serving model keeps it open: the scripted module uses its tensors, whose memory DJL
     * keeps in Java direct buffers that only these arrays hold (closing them crashed the process in a test).
     */
    private final BertEncoder encoder;
    private final ClassificationHead head;
    /** The compiled serving encoder, or null when this model runs the eager encoder (training, validation). */
    private ScriptedEncoder scripted;

    private TaggerModel(ModelBundle bundle, Device device, NDManager manager) {
        this.bundle = bundle;
        this.device = device;
        this.manager = manager;
        this.tokenizer = new TextTokenizer(bundle.tokenizerJson(), bundle.maxTokens());
        this.encoder = BertEncoder.create(bundle.config(), bundle.weights(), manager);
        this.head = ClassificationHead.create(bundle.weights(), bundle.config().hiddenSize(), bundle.labels().size(),
                bundle.pooling(), bundle.normalize(), bundle.config().hiddenDropout(), manager);
    }

    /** Loads the bundle's weights onto {@code device}. */
    public static TaggerModel load(ModelBundle bundle, Device device) {
        NDManager m = NDManager.newBaseManager(device);
        try {
            return new TaggerModel(bundle, device, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Loads the bundle for serving: the encoder compiled as one TorchScript module at {@code precision}
     * (see {@link ScriptedEncoder}). Inference only.
     */
    public static TaggerModel loadForServing(ModelBundle bundle, Device device, ScriptedEncoder.Precision precision) {
        TaggerModel model = load(bundle, device);
        try {
            List<TokenizedText> calibration = ScriptedEncoder.effectivePrecision(precision, device)
                    == ScriptedEncoder.Precision.INT8
                    ? ScriptedEncoder.calibrationTexts().stream().map(model.tokenizer::tokenize).toList() : List.of();
            model.scripted = ScriptedEncoder.compile(model.encoder, model.head, precision, calibration, model.manager);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The serving encoder's precision; the eager encoder (training, validation) is fp32. */
    @Override
    public String precision() {
        return scripted == null ? ScriptedEncoder.Precision.FP32.key() : scripted.precision().key();
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Device device() {
        return device;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public ClassificationHead head() {
        return head;
    }

    /** A child manager on this model's device, for per-batch scratch tensors. */
    public NDManager newScratch() {
        return manager.newSubManager();
    }

    /**
     * Padded model inputs for a batch of tokenized texts.
     *
     * @param mask   1 for tokens, 0 for padding
     * @param padded whether any text is shorter than the longest (if not, the mask can be skipped)
     */
    public record Inputs(NDArray ids, NDArray typeIds, NDArray mask, boolean padded) {

        /** The mask to pass to the encoder and pooling: null when there is no padding. */
        public NDArray maskIfPadded() {
            return padded ? mask : null;
        }
    }

    /** Pads the texts to the longest one and copies them to the device. */
    public static Inputs inputs(NDManager m, List<TokenizedText> texts) {
        int b = texts.size();
        int s = 0;
        int shortest = Integer.MAX_VALUE;
        for (TokenizedText t : texts) {
            s = Math.max(s, t.length());
            shortest = Math.min(shortest, t.length());
        }
        long[] ids = new long[b * s];
        long[] types = new long[b * s];
        long[] mask = new long[b * s];
        for (int i = 0; i < b; i++) {
            TokenizedText t = texts.get(i);
            System.arraycopy(t.ids(), 0, ids, i * s, t.length());
            System.arraycopy(t.typeIds(), 0, types, i * s, t.length());
            java.util.Arrays.fill(mask, i * s, i * s + t.length(), 1L);
        }
        Shape shape = new Shape(b, s);
        return new Inputs(m.create(ids, shape), m.create(types, shape), m.create(mask, shape), shortest < s);
    }

    /**
     * The pooled text vectors [batch, hidden] (before the classifier). A model loaded for serving computes them
     * with its serving encoder, at its precision, unless training (the scripted module has no dropout and no
     * gradients).
     */
    public NDArray pooled(NDManager m, List<TokenizedText> texts, boolean training) {
        if (scripted != null && !training) {
            return scripted.pooled(m, texts);
        }
        Inputs in = inputs(m, texts);
        NDArray hidden = encoder().forward(in.ids(), in.maskIfPadded(), in.typeIds(), training);
        return head.pool(hidden, in.maskIfPadded());
    }

    /** Sigmoid probabilities [batch][labels], one independent probability per label. */
    @Override
    public float[][] probabilities(List<TokenizedText> texts) {
        try (NDManager m = newScratch()) {
            NDArray probs = scripted != null ? scripted.probabilities(m, texts)
                    : Activation.sigmoid(head.logits(pooled(m, texts, false), false));
            return rows(probs.toFloatArray(), texts.size(), bundle.labels().size());
        }
    }

    static float[][] rows(float[] flat, int n, int width) {
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }

    /** Arrays held by this model's own manager (its weights); constant across calls when nothing leaks. */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
