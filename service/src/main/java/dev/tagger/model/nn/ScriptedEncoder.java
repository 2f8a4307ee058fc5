package dev.tagger.model.nn;

import dev.tagger.engine.CpuFeatures;
import dev.tagger.model.BertConfig;
import dev.tagger.model.Pooling;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The serving encoder: the same network as {@link BertEncoder}, compiled by libtorch as one TorchScript module
 * so that a forward pass is one call into the engine instead of about 150, sharing the eager encoder's
 * weight tensors.
 *
 * <p>A batch is packed: the texts' tokens are concatenated into one [total tokens] sequence, with no padding,
 * so every dense layer multiplies only real tokens, and attention runs per text. No text's result depends on
 * which other texts share its batch. The module's source is {@code bert_encoder.torchscript} next to this class.
 *
 * <p>With {@link Precision#INT8} the dense layers run as int8 matrix products (fbgemm's dynamic linear):
 * weights symmetric per output channel, quantized once at load after SmoothQuant smoothing calibrated on
 * built-in texts; activations quantized per token at run time. Embeddings, LayerNorm, attention, GELU and
 * biases stay fp32. INT8 is for CPUs; other devices run FP32.
 */
public final class ScriptedEncoder implements AutoCloseable {

    /** Numeric precision of the dense layers. */
    public enum Precision {
        FP32, INT8;

        public static Precision parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown precision '" + value + "'; supported: fp32, int8", e);
            }
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String SOURCE = "bert_encoder.torchscript";
    /** Texts the int8 encoder is calibrated on at load, one per line ('#' starts a comment line). */
    private static final String CALIBRATION = "calibration.txt";
    /**
     * SmoothQuant's migration strength: of the strengths tried, the one that kept probabilities closest to fp32 on
     * GoEmotions dev (the comparison is in docs/benchmark.md).
     */
    private static final double SMOOTHING = 0.7;
    /**
     * int8 dense layers run in blocks of this many token rows: a block's temporaries ([128, 1536] floats) stay in
     * a core's 2 MB L2, which made large batches faster than larger blocks or one piece (ForwardProfile timings in
     * docs/benchmark.md).
     */
    private static final int INT8_BLOCK_ROWS = 128;

    /**
     * Activations quantized to 7 bits instead of 8 on CPUs whose fbgemm kernel would clip sums of product pairs
     * (AVX2 without AVX-512 VNNI): there 8 bits lost more than the bit, and EncoderParityTest's per-token cosine
     * against ONNX Runtime fell below its bound. Decided once per process from /proc/cpuinfo.
     */
    static final boolean REDUCE_RANGE = CpuFeatures.int8PairsSaturate();

    private final NDManager manager;
    private final PtSymbolBlock module;
    private final Precision precision;
    private final int hidden;
    private final int labels;

    private ScriptedEncoder(NDManager manager, PtSymbolBlock module, Precision precision, int hidden, int labels) {
        this.manager = manager;
        this.module = module;
        this.precision = precision;
        this.hidden = hidden;
        this.labels = labels;
    }

    /**
     * Compiles the module for {@code encoder}'s configuration and hands it the encoder's and the head's weights.
     * The encoder and the head must stay open while the module is used: DJL creates their tensors over Java direct
     * buffers, and the module's references to those tensors do not keep the buffers alive. INT8 on a non-CPU
     * device falls back to FP32.
     *
     * @param calibration texts run once through the fp32 network to measure each dense layer's input range
     *                    per channel (INT8 only; see {@link #quantize})
     */
    public static ScriptedEncoder compile(BertEncoder encoder, ClassificationHead head, Precision requested,
                                          List<TokenizedText> calibration, NDManager parent) {
        Precision precision = effectivePrecision(requested, parent.getDevice());
        BertConfig c = encoder.config();
        byte[] archive = TorchScriptArchive.write("BertEncoder", source(c, head), FIELDS);
        PtNDManager m = (PtNDManager) parent.newSubManager();
        try {
            PtSymbolBlock module = JniUtils.loadModule(m, new ByteArrayInputStream(archive), true, false);
            JniUtils.enableInferenceMode(module);
            load(module, encoder, head);
            ScriptedEncoder e = new ScriptedEncoder(m, module, precision, c.hiddenSize(),
                    Math.toIntExact(head.parameters().get(1).size()));
            if (precision == Precision.INT8) {
                e.quantize(calibration, 4 * c.numLayers());
            }
            return e;
        } catch (IOException e) {
            m.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The module's list attributes, in the order its source declares them. */
    private static final List<String> FIELDS = List.of("weights", "absmax", "smooth", "anchors", "packed", "head");

    /** The module's source with the model's sizes, pooling and normalisation filled in. */
    private static String source(BertConfig c, ClassificationHead head) {
        return withPoolings(resourceText(SOURCE), head.pooling())
                .replace("${LAYERS}", Integer.toString(c.numLayers()))
                .replace("${HIDDEN}", Integer.toString(c.hiddenSize()))
                .replace("${HEADS}", Integer.toString(c.numHeads()))
                .replace("${HEAD_SIZE}", Integer.toString(c.headSize()))
                .replace("${EPS}", Double.toString(c.layerNormEps()))
                .replace("${QUERY_SCALE}", Double.toString(1.0 / Math.sqrt(c.headSize())))
                .replace("${NORMALIZE}", head.normalize() ? "True" : "False")
                .replace("${CHUNK_ROWS}", Integer.toString(INT8_BLOCK_ROWS))
                .replace("${REDUCE_RANGE}", REDUCE_RANGE ? "True" : "False");
    }

    /** Hands the eager encoder's and the head's tensors to the module ({@code load} in the source). */
    private static void load(PtSymbolBlock module, BertEncoder encoder, ClassificationHead head) {
        List<PtNDArray> weights = new ArrayList<>();
        for (List<NDArray> group : encoder.parameterGroups()) {
            group.forEach(a -> weights.add((PtNDArray) a));
        }
        try (IValue list = IValue.listFrom(weights.toArray(PtNDArray[]::new));
             IValue headList = IValue.listFrom(head.parameters().stream().map(a -> (PtNDArray) a)
                     .toArray(PtNDArray[]::new));
             IValue loaded = IValueUtils.runMethod(module, "load", list, headList)) {
            if (loaded.toLong() != weights.size()) {
                throw new IllegalStateException("the scripted encoder took " + loaded.toLong() + " tensors");
            }
        }
    }

    /**
     * The model as a standalone TorchScript module (fp32, its weights inside) that plain PyTorch loads with
     * {@code torch.jit.load}: {@code forward(input_ids, attention_mask, token_type_ids)}, int64 [batch, seq] with
     * right padding, returns logits [batch, labels], the interface of a registered TorchScript model
     * ({@link TorchScriptModel}). The packed encoder is the serving module's own; forward packs the padded batch.
     */
    public static byte[] export(BertEncoder encoder, ClassificationHead head, NDManager parent) {
        String code = source(encoder.config(), head)
                .replace(PACKED_FORWARD, PACKED_FORWARD.replace("def forward(", "def encode("))
                .replace("self.forward(tokens, lengths)", "self.encode(tokens, lengths)");
        if (!code.contains("def encode(")) {
            throw new IllegalStateException(SOURCE + " no longer has the packed forward the export renames");
        }
        code = code.stripTrailing() + "\n" + PADDED_FORWARD;
        byte[] archive = TorchScriptArchive.write("BertEncoder", code, FIELDS);
        PtNDManager m = (PtNDManager) parent.newSubManager();
        try {
            PtSymbolBlock module = JniUtils.loadModule(m, new ByteArrayInputStream(archive), true, false);
            load(module, encoder, head);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            // false: the archive alone, without the length prefix DJL writes before its own parameter files
            JniUtils.writeModule(module, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            m.close();
        }
    }

    private static final String PACKED_FORWARD = """
              def forward(self: __torch__.BertEncoder,
                tokens: Tensor,
                lengths: List[int]) -> Tensor:
            """;

    /** The exported module's forward: the padded batch packed (each row's first mask-sum tokens), then logits. */
    private static final String PADDED_FORWARD = """
              def forward(self: __torch__.BertEncoder,
                input_ids: Tensor,
                attention_mask: Tensor,
                token_type_ids: Tensor) -> Tensor:
                h = self.head
                lengths = annotate(List[int], [])
                ids = annotate(List[Tensor], [])
                types = annotate(List[Tensor], [])
                positions = annotate(List[Tensor], [])
                for b in range(torch.size(input_ids, 0)):
                  n = int(torch.sum(torch.select(attention_mask, 0, b)))
                  lengths.append(n)
                  ids.append(torch.slice(torch.select(input_ids, 0, b), 0, 0, n))
                  types.append(torch.slice(torch.select(token_type_ids, 0, b), 0, 0, n))
                  positions.append(torch.arange(n, dtype=4, layout=None, device=ops.prim.device(input_ids), pin_memory=None))
                tokens = torch.stack([torch.cat(ids), torch.cat(types), torch.cat(positions)])
                return torch.linear(self.pool(tokens, lengths), h[0], h[1])
            """;

    /**
     * Fills the pooling placeholders from {@link Pooling}: {@code ${POOLING}} with the head's code and each value's
     * own placeholder with that value's code. A pooling the source has no branch for is refused here rather than
     * silently served as another one.
     */
    static String withPoolings(String source, Pooling pooling) {
        String code = source.replace("${POOLING}", Integer.toString(pooling.scriptCode()));
        for (Pooling p : Pooling.values()) {
            if (!code.contains(p.scriptPlaceholder())) {
                throw new IllegalStateException(SOURCE + " has no branch for pooling " + p.key());
            }
            code = code.replace(p.scriptPlaceholder(), Integer.toString(p.scriptCode()));
        }
        return code;
    }

    /** What runs on {@code device}: int8 only on CPUs (fbgemm's kernels); GPUs and other devices run fp32. */
    public static Precision effectivePrecision(Precision requested, Device device) {
        return requested == Precision.INT8 && !Device.Type.CPU.equals(device.getDeviceType()) ? Precision.FP32 : requested;
    }

    /**
     * Quantizes the dense layers to int8 with SmoothQuant-style smoothing: BERT's activations have a few channels
     * far larger than the rest, which would eat a per-text int8 range; each input channel j is divided by
     * s_j = max|x_j|^alpha / max|w_j|^(1 - alpha) (measured on {@code calibration}) and the weights multiplied by
     * it, which moves part of the outliers into the per-channel-quantized weights without changing the product.
     */
    private void quantize(List<TokenizedText> calibration, int denseLayers) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("int8 needs calibration texts");
        }
        for (int at = 0; at < calibration.size(); at += 32) {
            List<TokenizedText> batch = calibration.subList(at, Math.min(calibration.size(), at + 32));
            try (NDManager scratch = manager.newSubManager();
                 IValue observed = run("calibrate", scratch, batch)) {
                if (observed.toLong() != denseLayers) {
                    throw new IllegalStateException("calibration observed " + observed.toLong() + " dense layers");
                }
            }
        }
        try (IValue a = IValue.from(SMOOTHING);
             IValue packed = IValueUtils.runMethod(module, "quantize", a)) {
            if (packed.toLong() != denseLayers) {
                throw new IllegalStateException("the scripted encoder packed " + packed.toLong() + " dense layers");
            }
        }
    }

    /** The built-in calibration texts (written for this project, not taken from any dataset). */
    public static List<String> calibrationTexts() {
        return resourceText(CALIBRATION).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static String resourceText(String name) {
        try (InputStream in = ScriptedEncoder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Precision precision() {
        return precision;
    }

    /**
     * Runs the texts as one packed batch.
     *
     * @return last_hidden_state of every real token, float32 [total tokens, hidden], texts in order, in {@code m}
     */
    public NDArray forward(NDManager m, List<TokenizedText> texts) {
        int total = texts.stream().mapToInt(TokenizedText::length).sum();
        try (IValue out = run("forward", m, texts)) {
            NDArray hiddenStates = out.toTensor((PtNDManager) m);
            if (hiddenStates.getShape().get(0) != total || hiddenStates.getShape().get(1) != hidden) {
                throw new IllegalStateException("the scripted encoder returned " + hiddenStates.getShape());
            }
            return hiddenStates;
        }
    }

    /**
     * Runs the texts through the encoder and the head: sigmoid probabilities [batch, labels] in {@code m}, texts in
     * order. One call into the engine.
     */
    public NDArray probabilities(NDManager m, List<TokenizedText> texts) {
        try (IValue out = run("classify", m, texts)) {
            NDArray probs = out.toTensor((PtNDManager) m);
            if (probs.getShape().get(0) != texts.size() || probs.getShape().get(1) != labels) {
                throw new IllegalStateException("the scripted model returned " + probs.getShape());
            }
            return probs;
        }
    }

    /**
     * Runs the texts through the encoder and the head's pooling (and normalisation): [batch, hidden] in {@code m},
     * what the classifier reads. One call into the engine.
     */
    public NDArray pooled(NDManager m, List<TokenizedText> texts) {
        try (IValue out = run("pool", m, texts)) {
            NDArray pooled = out.toTensor((PtNDManager) m);
            if (pooled.getShape().get(0) != texts.size() || pooled.getShape().get(1) != hidden) {
                throw new IllegalStateException("the scripted encoder pooled to " + pooled.getShape());
            }
            return pooled;
        }
    }

    /** Calls a method taking (tokens, lengths) of the packed texts; the input tensor lives in {@code m}. */
    private IValue run(String method, NDManager m, List<TokenizedText> texts) {
        int total = 0;
        for (TokenizedText t : texts) {
            total += t.length();
        }
        // One int64 [3, total] tensor: ids, token types and positions, so each call creates one tensor.
        long[] tokens = new long[3 * total];
        long[] lengths = new long[texts.size()];
        int at = 0;
        for (int i = 0; i < texts.size(); i++) {
            TokenizedText t = texts.get(i);
            int n = t.length();
            System.arraycopy(t.ids(), 0, tokens, at, n);
            System.arraycopy(t.typeIds(), 0, tokens, total + at, n);
            for (int p = 0; p < n; p++) {
                tokens[2 * total + at + p] = p;
            }
            lengths[i] = n;
            at += n;
        }
        try (IValue tokensV = IValue.from((PtNDArray) m.create(tokens, new Shape(3, total)));
             IValue lengthsV = IValue.listFrom(lengths)) {
            return IValueUtils.runMethod(module, method, tokensV, lengthsV);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
