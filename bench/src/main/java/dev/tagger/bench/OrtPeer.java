package dev.tagger.bench;

import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The same model run in process by ONNX Runtime, doing the service's work and nothing more: the
 * service's tokenizer and token limit, the original all-MiniLM-L6-v2 graph, mean pooling over the
 * attention mask, L2 normalisation, the bundle's linear head and a sigmoid. Timings include
 * tokenization, as the service's do.
 */
final class OrtPeer implements AutoCloseable {

    private static final String ONNX = "/all-minilm-l6-v2.onnx";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String output;
    private final boolean typeIds;
    private final TextTokenizer tokenizer;
    private final BundleFiles bundle;
    private final int hidden;
    private final int labels;

    OrtPeer(BundleFiles bundle, int intraOpThreads) throws IOException, OrtException {
        this.bundle = bundle;
        this.labels = (int) bundle.weight().shape()[0];
        this.hidden = (int) bundle.weight().shape()[1];
        this.tokenizer = new TextTokenizer(bundle.tokenizerJson(), bundle.maxTokens());
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(intraOpThreads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(BundleFiles.resource(ONNX), o);
        }
        Set<String> outputs = session.getOutputNames();
        this.output = outputs.contains("last_hidden_state") ? "last_hidden_state" : outputs.iterator().next();
        this.typeIds = session.getInputNames().contains("token_type_ids");
    }

    TokenizedText tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Sigmoid probabilities [batch][labels] for texts padded to the longest of the batch. */
    float[][] probabilities(List<TokenizedText> batch) throws OrtException {
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
    private float[][] head(List<TokenizedText> batch, float[] states, int seq) {
        float[] w = bundle.weight().data();
        float[] bias = bundle.bias().data();
        boolean mean = bundle.pooling().equalsIgnoreCase("mean");
        float[][] out = new float[batch.size()][labels];
        float[] pooled = new float[hidden];
        for (int i = 0; i < batch.size(); i++) {
            int len = batch.get(i).length();
            java.util.Arrays.fill(pooled, 0f);
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
        return out;
    }

    private static LongBuffer direct(int n) {
        return ByteBuffer.allocateDirect(Math.max(1, n) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
    }

    // ---------------------------------------------------------------- the "ort" command

    /** {@code ort --dev FILE --out FILE [--seconds S] [--threads 2] [--batches 8,16,32,64] [--window 512] [--sample 200]} */
    static void command(BenchArgs a) throws Exception {
        List<String> texts = DevTexts.read(Path.of(a.string("dev")));
        double seconds = a.number("seconds", 15);
        int threads = a.integer("threads", 2);
        int[] sizes = a.integers("batches", "8,16,32,64");
        int window = a.integer("window", 512);
        List<Integer> sample = DevTexts.sample(texts.size(), a.integer("sample", 200));
        BundleFiles bundle = BundleFiles.load(a.string("bundle", BundleFiles.DEFAULT));
        try (OrtPeer peer = new OrtPeer(bundle, threads)) {
            log("ONNX Runtime %s, %d intra-op threads, output '%s', %d texts", env().getVersion(), threads,
                    peer.output, texts.size());

            BenchResults.OrtRun b1 = peer.batchOne(texts, seconds);
            log("batch 1: %.1f texts/s, p50 %.2f ms", b1.textsPerSecond(), b1.latency().p50());
            long hwmAfterBatch1 = ProcStatus.self().hwmKb();
            // Correctness reference: each sample text alone, then the same texts in padded batches.
            List<float[]> alone = new ArrayList<>();
            for (int i : sample) {
                alone.add(peer.probabilities(List.of(peer.tokenize(texts.get(i))))[0]);
            }
            double batchedDiff = 0;
            for (int from = 0; from < sample.size(); from += 32) {
                List<TokenizedText> chunk = new ArrayList<>();
                for (int k = from; k < Math.min(sample.size(), from + 32); k++) {
                    chunk.add(peer.tokenize(texts.get(sample.get(k))));
                }
                float[][] p = peer.probabilities(chunk);
                for (int k = 0; k < p.length; k++) {
                    batchedDiff = Math.max(batchedDiff, maxAbsDiff(p[k], alone.get(from + k)));
                }
            }

            List<BenchResults.OrtRun> batched = new ArrayList<>();
            for (int size : sizes) {
                BenchResults.OrtRun r = peer.batched(texts, size, window, seconds);
                log("batch %d: %.1f texts/s", size, r.textsPerSecond());
                batched.add(r);
            }
            BenchResults.write(Path.of(a.string("out")), new BenchResults.Ort(env().getVersion(), threads, b1, batched,
                    hwmAfterBatch1, ProcStatus.self().hwmKb(), sample, alone, batchedDiff));
        }
    }

    private static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    /** One text per run, in file order, for {@code seconds} after a short warm-up; tokenization included. */
    BenchResults.OrtRun batchOne(List<String> texts, double seconds) throws OrtException {
        for (int i = 0; i < 20; i++) {
            probabilities(List.of(tokenize(texts.get(i % texts.size()))));
        }
        LongList latencies = new LongList();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        int i = 0;
        while (now < end) {
            long t0 = System.nanoTime();
            probabilities(List.of(tokenize(texts.get(i++ % texts.size()))));
            now = System.nanoTime();
            latencies.add(now - t0);
        }
        double elapsed = (now - start) / 1e9;
        return new BenchResults.OrtRun(1, i, elapsed, i / elapsed, latencies.latency());
    }

    /**
     * Windows of {@code window} texts in file order are tokenized, sorted by length and cut into
     * batches of {@code size}; the batches of a window run in a shuffled order so that stopping at
     * the deadline does not favour short texts. Tokenization is inside the timed span.
     */
    BenchResults.OrtRun batched(List<String> texts, int size, int window, double seconds) throws OrtException {
        List<TokenizedText> warm = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            warm.add(tokenize(texts.get(i % texts.size())));
        }
        probabilities(warm);
        probabilities(warm);
        Random random = new Random(42);
        LongList latencies = new LongList();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        long done = 0;
        int next = 0;
        int span = Math.max(window, size);
        while (now < end) {
            List<TokenizedText> tokenized = new ArrayList<>(span);
            for (int k = 0; k < span; k++) {
                tokenized.add(tokenize(texts.get(next++ % texts.size())));
            }
            tokenized.sort(Comparator.comparingInt(TokenizedText::length));
            List<List<TokenizedText>> chunks = new ArrayList<>();
            for (int from = 0; from < span; from += size) {
                chunks.add(tokenized.subList(from, Math.min(span, from + size)));
            }
            Collections.shuffle(chunks, random);
            for (List<TokenizedText> chunk : chunks) {
                long t0 = System.nanoTime();
                probabilities(chunk);
                now = System.nanoTime();
                latencies.add(now - t0);
                done += chunk.size();
                if (now >= end) {
                    break;
                }
            }
        }
        double elapsed = (now - start) / 1e9;
        return new BenchResults.OrtRun(size, done, elapsed, done / elapsed, latencies.latency());
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
