package dev.tagger.bench;

import dev.tagger.text.TokenizedText;

import ai.onnxruntime.OrtException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** The {@code ort} command: one ONNX Runtime peer timed at batch 1 and in batches, plus its answers to the sample. */
final class OrtBench {

    private OrtBench() {
    }

    /**
     * {@code ort --dev FILE --out FILE [--export fp32|int8] [--seconds S] [--threads 2] [--batches 8,16,32,64]
     * [--window 512] [--sample 200]}
     */
    static void command(BenchArgs a) throws Exception {
        List<String> texts = DevTexts.read(Path.of(a.string("dev")));
        OrtPeer.Export export = OrtPeer.Export.of(a.string("export", "fp32"));
        double seconds = a.number("seconds", 15);
        int threads = a.integer("threads", 2);
        int[] sizes = a.integers("batches", "8,16,32,64");
        int window = a.integer("window", 512);
        List<Integer> sample = DevTexts.sample(texts.size(), a.integer("sample", 200));
        BundleFiles bundle = BundleFiles.load(a.string("bundle", BundleFiles.DEFAULT));
        try (OrtPeer peer = new OrtPeer(bundle, export, threads)) {
            OrtPeer.log("ONNX Runtime %s, %s (%s), %d intra-op threads, output '%s', %d texts", OrtPeer.version(),
                    export.label(), export.onnx, threads, peer.outputName(), texts.size());

            BenchResults.OrtRun b1 = batchOne(peer, texts, seconds);
            OrtPeer.log("%s batch 1: %.1f texts/s, p50 %.2f ms", export.label(), b1.textsPerSecond(), b1.latency().p50());
            long hwmAfterBatch1 = ProcStatus.self().hwmKb();
            // Correctness reference: each sample text alone, then the same texts in padded batches.
            List<float[]> alone = new ArrayList<>();
            List<float[]> embeddings = new ArrayList<>();
            for (int i : sample) {
                OrtPeer.Output o = peer.run(List.of(peer.tokenize(texts.get(i))));
                alone.add(o.probabilities()[0]);
                embeddings.add(o.embeddings()[0]);
            }
            double batchedDiff = 0;
            for (int from = 0; from < sample.size(); from += 32) {
                List<TokenizedText> chunk = new ArrayList<>();
                for (int k = from; k < Math.min(sample.size(), from + 32); k++) {
                    chunk.add(peer.tokenize(texts.get(sample.get(k))));
                }
                float[][] p = peer.probabilities(chunk);
                for (int k = 0; k < p.length; k++) {
                    batchedDiff = Math.max(batchedDiff, OrtPeer.maxAbsDiff(p[k], alone.get(from + k)));
                }
            }

            List<BenchResults.OrtRun> batched = new ArrayList<>();
            for (int size : sizes) {
                BenchResults.OrtRun r = batched(peer, texts, size, window, seconds);
                OrtPeer.log("%s batch %d: %.1f texts/s", export.label(), size, r.textsPerSecond());
                batched.add(r);
            }
            BenchResults.write(Path.of(a.string("out")), new BenchResults.Ort(export.label(), export.onnx,
                    peer.serviceTokenizer(), peer.mirrorsBundle(), OrtPeer.version(), threads, b1, batched, hwmAfterBatch1,
                    ProcStatus.self().hwmKb(), sample, alone, embeddings, batchedDiff));
        }
    }

    /** One text per run, in file order, for {@code seconds} after a short warm-up; tokenization included. */
    static BenchResults.OrtRun batchOne(OrtPeer peer, List<String> texts, double seconds) throws OrtException {
        for (int i = 0; i < 20; i++) {
            peer.probabilities(List.of(peer.tokenize(texts.get(i % texts.size()))));
        }
        LongList latencies = new LongList();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        int i = 0;
        while (now < end) {
            long t0 = System.nanoTime();
            peer.probabilities(List.of(peer.tokenize(texts.get(i++ % texts.size()))));
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
    static BenchResults.OrtRun batched(OrtPeer peer, List<String> texts, int size, int window, double seconds)
            throws OrtException {
        List<TokenizedText> warm = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            warm.add(peer.tokenize(texts.get(i % texts.size())));
        }
        peer.probabilities(warm);
        peer.probabilities(warm);
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
                tokenized.add(peer.tokenize(texts.get(next++ % texts.size())));
            }
            tokenized.sort(Comparator.comparingInt(TokenizedText::length));
            List<List<TokenizedText>> chunks = new ArrayList<>();
            for (int from = 0; from < span; from += size) {
                chunks.add(tokenized.subList(from, Math.min(span, from + size)));
            }
            Collections.shuffle(chunks, random);
            for (List<TokenizedText> chunk : chunks) {
                long t0 = System.nanoTime();
                peer.probabilities(chunk);
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
}
