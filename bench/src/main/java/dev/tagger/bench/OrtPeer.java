package dev.tagger.bench;

import dev.tagger.model.HostTensor;
import dev.tagger.model.format.OnnxWeights;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The same model run in process by ONNX Runtime, doing the service's work and nothing more: a tokenizer with the
 * bundle's token limit, one of the two ONNX exports of all-MiniLM-L6-v2, the bundle's pooling over the attention
 * mask, L2 normalisation, the bundle's linear head and a sigmoid. Both exports do exactly this work, so their
 * timings compare; timings include tokenization, as the service's do.
 *
 * <p>The fp32 export is the correctness reference, so it must run the bundle's model: the encoder tensors a
 * fine-tuned bundle changed replace the graph's initializers of the same tensors before the session is built. The
 * int8 export's weights are quantized inside its graph and cannot be swapped that way; it keeps the base encoder.
 * That does not change its timing (the same shapes and ops, whatever the weights' values), which is all it is for.
 */
final class OrtPeer implements AutoCloseable {

    /**
     * The ONNX graphs the benchmark runs, each from its langchain4j artifact (bench module only).
     *
     * @param tokenizer the export's own tokenizer.json, or null for the bundle's: fp32 ONNX Runtime is the reference
     *                  the service's answers are checked against, so it must tokenize exactly as the service does
     */
    enum Export {
        FP32("/all-minilm-l6-v2.onnx", null),
        /** Dynamically quantized (Xenova's model_quantized.onnx): the peer at the service's own precision. */
        INT8("/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json");

        final String onnx;
        private final String tokenizer;

        Export(String onnx, String tokenizer) {
            this.onnx = onnx;
            this.tokenizer = tokenizer;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Export of(String label) {
            for (Export e : values()) {
                if (e.label().equalsIgnoreCase(label)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown ONNX export '" + label + "' (fp32 or int8)");
        }

        byte[] tokenizerJson(BundleFiles bundle) throws IOException {
            return tokenizer == null ? bundle.tokenizerJson() : BundleFiles.resource(tokenizer);
        }
    }

    /**
     * One batch's answers.
     *
     * @param embeddings    the pooled (and, where the bundle says so, normalised) encoder output, [batch][hidden]
     * @param probabilities the head's sigmoid outputs, [batch][labels]
     */
    record Output(float[][] embeddings, float[][] probabilities) {
    }

    private final Export export;
    private final boolean serviceTokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String output;
    private final boolean typeIds;
    private final TextTokenizer tokenizer;
    private final BundleFiles bundle;
    private final int hidden;
    private final int labels;
    private final boolean mirrorsBundle;
    /** Tensors handed to the session as initializers: ONNX Runtime reads them for as long as the session lives. */
    private final List<OnnxTensor> overrides = new ArrayList<>();

    OrtPeer(BundleFiles bundle, Export export, int intraOpThreads) throws IOException, OrtException {
        this.bundle = bundle;
        this.export = export;
        this.labels = (int) bundle.weight().shape()[0];
        this.hidden = (int) bundle.weight().shape()[1];
        byte[] tokenizerJson = export.tokenizerJson(bundle);
        this.serviceTokenizer = Arrays.equals(tokenizerJson, bundle.tokenizerJson());
        this.tokenizer = new TextTokenizer(tokenizerJson, bundle.maxTokens());
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(intraOpThreads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            byte[] onnx = BundleFiles.resource(export.onnx);
            boolean patch = export == Export.FP32 && !bundle.encoder().isEmpty();
            if (patch) {
                override(o, onnx, bundle.encoder());
            }
            this.mirrorsBundle = bundle.encoder().isEmpty() || patch;
            this.session = env.createSession(onnx, o);
        } catch (OrtException | IOException | RuntimeException e) {
            overrides.forEach(OnnxTensor::close);
            tokenizer.close();
            throw e;
        }
        Set<String> outputs = session.getOutputNames();
        this.output = outputs.contains("last_hidden_state") ? "last_hidden_state" : outputs.iterator().next();
        this.typeIds = session.getInputNames().contains("token_type_ids");
    }

    Export export() {
        return export;
    }

    /** Whether this peer runs the bundle's own encoder (false: the base encoder, a peer for timing only). */
    boolean mirrorsBundle() {
        return mirrorsBundle;
    }

    /** Each changed tensor replaces the graph's initializer of the same weight, in the graph's layout. */
    private void override(OrtSession.SessionOptions options, byte[] onnx, Map<String, HostTensor> changed)
            throws IOException, OrtException {
        Map<String, String> names = OnnxWeights.onnxNames(new ByteArrayInputStream(onnx));
        for (Map.Entry<String, HostTensor> e : changed.entrySet()) {
            String onnxName = names.get(e.getKey());
            if (onnxName == null) {
                throw new IOException("the bundle changes " + e.getKey() + ", which " + export.onnx + " does not hold");
            }
            HostTensor t = OnnxWeights.isTransposed(onnxName) ? e.getValue().transpose2d() : e.getValue();
            FloatBuffer data = ByteBuffer.allocateDirect(t.data().length * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer().put(t.data());
            data.rewind();
            OnnxTensor tensor = OnnxTensor.createTensor(env, data, t.shape());
            overrides.add(tensor);
            options.addInitializer(onnxName, tensor);
        }
    }

    /** Whether this peer's tokenizer.json is byte for byte the service bundle's. */
    boolean serviceTokenizer() {
        return serviceTokenizer;
    }

    String outputName() {
        return output;
    }

    TokenizedText tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Sigmoid probabilities [batch][labels] for texts padded to the longest of the batch. */
    float[][] probabilities(List<TokenizedText> batch) throws OrtException {
        return run(batch).probabilities();
    }

    /** Embeddings and probabilities for texts padded to the longest of the batch. */
    Output run(List<TokenizedText> batch) throws OrtException {
        int b = batch.size();
        int s = 0;
        for (TokenizedText t : batch) {
            s = Math.max(s, t.length());
        }
        LongBuffer ids = direct(b * s);
        LongBuffer mask = direct(b * s);
        LongBuffer types = direct(b * s);
        for (int i = 0; i < b; i++) {
            TokenizedText t = batch.get(i);
            for (int j = 0; j < s; j++) {
                boolean real = j < t.length();
                ids.put(real ? t.ids()[j] : 0L);
                mask.put(real ? 1L : 0L);
                types.put(real ? t.typeIds()[j] : 0L);
            }
        }
        ids.rewind();
        mask.rewind();
        types.rewind();
        long[] shape = {b, s};
        float[] states;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, ids, shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask, shape));
            if (typeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, types, shape));
            }
            try (OrtSession.Result r = session.run(inputs, Set.of(output))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                states = new float[fb.remaining()];
                fb.get(states);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        return head(batch, states, s);
    }

    /** Pooling, optional L2 normalisation, Linear(hidden, labels), sigmoid. */
    private Output head(List<TokenizedText> batch, float[] states, int seq) {
        float[] w = bundle.weight().data();
        float[] bias = bundle.bias().data();
        boolean mean = bundle.pooling().equalsIgnoreCase("mean");
        float[][] out = new float[batch.size()][labels];
        float[][] embeddings = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            int len = batch.get(i).length();
            float[] pooled = new float[hidden];
            embeddings[i] = pooled;
            int tokens = mean ? len : 1;
            for (int j = 0; j < tokens; j++) {
                int base = (i * seq + j) * hidden;
                for (int k = 0; k < hidden; k++) {
                    pooled[k] += states[base + k];
                }
            }
            for (int k = 0; k < hidden; k++) {
                pooled[k] /= tokens;
            }
            if (bundle.normalize()) {
                double sq = 0;
                for (float v : pooled) {
                    sq += (double) v * v;
                }
                float norm = (float) Math.max(Math.sqrt(sq), 1e-12);
                for (int k = 0; k < hidden; k++) {
                    pooled[k] /= norm;
                }
            }
            for (int l = 0; l < labels; l++) {
                double z = bias[l];
                for (int k = 0; k < hidden; k++) {
                    z += (double) w[l * hidden + k] * pooled[k];
                }
                out[i][l] = (float) (1.0 / (1.0 + Math.exp(-z)));
            }
        }
        return new Output(embeddings, out);
    }

    private static LongBuffer direct(int n) {
        return ByteBuffer.allocateDirect(Math.max(1, n) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    @Override
    public void close() throws OrtException {
        session.close();
        overrides.forEach(OnnxTensor::close);
        tokenizer.close();
    }

    static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
