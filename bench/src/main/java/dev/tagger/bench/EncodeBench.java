package dev.tagger.bench;

import dev.tagger.catalog.CatalogConfig;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.training.BatchScoring;
import dev.tagger.training.Features;

import ai.djl.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The {@code encode} command: how fast a head-only training job encodes its texts, against the service's own
 * batch throughput on the same texts with the same threads, in one process and one run.
 *
 * <ul>
 *   <li>job encoding: {@link Features#extract} on the built-in model loaded for serving (the scripted encoder at
 *       int8), length-sorted batches of {@code tagger.training.max-batch-tokens} (2048) tokens: what a head-only job
 *       does since issue 13;</li>
 *   <li>service batches: the same model's {@link TaggerModel#probabilities} in length-sorted batches of 32
 *       (tagger.batching.max-batch-size), the best case for a serving worker, whose batches are not sorted;</li>
 *   <li>eager fp32: {@link Features#extract} on the eager encoder, what head-only jobs did before.</li>
 * </ul>
 * Rounds alternate the three so that a busy moment of the machine hits each alike; the table gives medians.
 *
 * <p>{@code java -cp ... -Dai.djl.pytorch.num_threads=1 dev.tagger.bench.BenchCli encode --dev PATH/dev.tsv
 * [--texts 1000] [--rounds 3]}
 */
final class EncodeBench {

    /** tagger.training.max-batch-tokens' default. */
    static final int JOB_BATCH_TOKENS = 2048;
    /** tagger.batching.max-batch-size's default. */
    static final int SERVICE_BATCH = 32;

    private EncodeBench() {
    }

    static void command(BenchArgs a) throws Exception {
        List<String> all = DevTexts.read(Path.of(a.string("dev")));
        List<String> texts = all.subList(0, Math.min(all.size(), a.integer("texts", 1000)));
        int rounds = a.integer("rounds", 3);
        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "encode-bench");
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        long[][] nanos = new long[3][rounds];
        try (TaggerModel serving = TaggerModel.loadForServing(bundle, Device.cpu(), ScriptedEncoder.Precision.INT8);
             TaggerModel eager = TaggerModel.load(bundle, Device.cpu())) {
            List<ToLongFunction<List<String>>> ways = List.of(
                    t -> time(() -> Features.extract(serving, t, JOB_BATCH_TOKENS, done -> { })),
                    t -> time(() -> BatchScoring.probabilities(serving, t, SERVICE_BATCH)),
                    t -> time(() -> Features.extract(eager, t, JOB_BATCH_TOKENS, done -> { })));
            // Warm-up: the first calls of a scripted module run its profiling executor.
            for (ToLongFunction<List<String>> w : ways) {
                w.applyAsLong(texts.subList(0, Math.min(64, texts.size())));
            }
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < ways.size(); w++) {
                    nanos[w][r] = ways.get(w).applyAsLong(texts);
                    OrtPeer.log("round %d, %s: %.1f texts/s", r + 1, NAMES[w], texts.size() / (nanos[w][r] / 1e9));
                }
            }
        }
        double job = texts.size() / (median(nanos[0]) / 1e9);
        double service = texts.size() / (median(nanos[1]) / 1e9);
        double before = texts.size() / (median(nanos[2]) / 1e9);
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String cpu = Files.isReadable(cpuinfo) ? CpuInfo.parse(Files.readString(cpuinfo))
                .describe(Runtime.getRuntime().availableProcessors()) : "unknown";
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "- cpu: %s%n", cpu));
        out.append(String.format(Locale.ROOT, "- %d GoEmotions dev texts (file order), %d intra-op thread(s), median "
                + "of %d rounds%n%n", texts.size(), threads, rounds));
        out.append("| path | texts/s | vs service batches |\n| --- | ---: | ---: |\n");
        out.append(row(NAMES[0], job, service));
        out.append(row(NAMES[1], service, service));
        out.append(row(NAMES[2], before, service));
        out.append(String.format(Locale.ROOT, "%njob encoding / service batches: %.2fx (target at least 0.80x); "
                + "job encoding / eager fp32: %.2fx%n", job / service, job / before));
        System.out.print(out);
    }

    private static final String[] NAMES = {"head-only job encoding (serving encoder, int8)",
        "service batches of 32 (serving encoder, int8)", "eager fp32 encoder (head-only jobs before)"};

    private static String row(String name, double textsPerSecond, double service) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.2fx |%n", name, textsPerSecond, textsPerSecond / service);
    }

    private static long time(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return System.nanoTime() - t0;
    }

    static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
