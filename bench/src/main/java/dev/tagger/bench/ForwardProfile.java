package dev.tagger.bench;

import dev.tagger.text.TokenizedText;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.catalog.CatalogConfig;

import ai.djl.Device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Median time of one forward pass for a few batch shapes, to see per-op overhead against arithmetic.
 * Not a test: after {@code ./mvnw -q -DskipTests package}, from the repository root,
 * {@code java -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" -Dai.djl.pytorch.num_threads=1
 * -Dencoder=int8|fp32|eager [-Ddev=PATH/dev.tsv] [-Dtrace.texts=N] [-Dgap.ms=N [-Dgap.spin=true]] [-Dgap.sweep.mb=N]
 * dev.tagger.bench.ForwardProfile [trace.json]}
 */
public final class ForwardProfile {

    private ForwardProfile() {
    }

    public static void main(String[] args) {
        TorchEngine.start();
        TorchEngine.noGradOnThisThread();
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "profile");
        String kind = System.getProperty("encoder", "int8");
        System.out.println("encoder: " + kind + ", intra-op threads " + ai.djl.pytorch.jni.JniUtils.getNumThreads());
        try (TaggerModel model = kind.equals("eager") ? TaggerModel.load(bundle, Device.cpu())
                : TaggerModel.loadForServing(bundle, Device.cpu(), ScriptedEncoder.Precision.parse(kind))) {
            String devFile = System.getProperty("dev");
            if (devFile != null) {
                // Real texts one at a time: lengths vary from call to call, as they do in service.
                List<TokenizedText> dev;
                try {
                    dev = DevTexts.read(java.nio.file.Path.of(devFile)).stream().limit(1000)
                            .map(model.tokenizer()::tokenize).toList();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                for (int round = 0; round < 2; round++) {
                    long[] nanos = new long[dev.size()];
                    for (int i = 0; i < dev.size(); i++) {
                        long t0 = System.nanoTime();
                        model.probabilities(List.of(dev.get(i)));
                        nanos[i] = System.nanoTime() - t0;
                    }
                    Latency l = Latency.ofNanos(nanos, nanos.length);
                    System.out.printf("dev texts one at a time (round %d): p50 %.2f ms p95 %.2f ms p99 %.2f ms%n", round,
                            l.p50(), l.p95(), l.p99());
                }
                // The same texts in batches of 32 neighbours in length, as a bulk job's batches are cut: time per text,
                // to hold against the service's inference CPU per text in a bulk job.
                List<TokenizedText> sorted = new ArrayList<>(dev);
                sorted.sort(java.util.Comparator.comparingInt(TokenizedText::length));
                int tokens = sorted.stream().mapToInt(TokenizedText::length).sum();
                for (int round = 0; round < 2; round++) {
                    long t0 = System.nanoTime();
                    for (int at = 0; at < sorted.size(); at += 32) {
                        model.probabilities(sorted.subList(at, Math.min(sorted.size(), at + 32)));
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf("dev texts in length-sorted batches of 32 (round %d): %.2f ms per text, %.1f tokens "
                            + "per text%n", round, ms / sorted.size(), tokens / (double) sorted.size());
                }
            }
            TokenizedText one = model.tokenizer().tokenize("I love this, thank you!");
            TokenizedText longer = model.tokenizer().tokenize(
                    "Honestly I expected more from this team, very disappointing season and the coach should go.");
            profile(model, "1 text x 9 tokens", List.of(one), 300);
            if (args.length > 0) {
                // PyTorch's own profiler: per-op CPU time as a Chrome trace, for a single short text, or for
                // -Dtrace.texts=N copies of the longer one (the batches the service runs under load).
                int traced = Integer.getInteger("trace.texts", 0);
                List<TokenizedText> batch = traced <= 0 ? List.of(one) : java.util.Collections.nCopies(traced, longer);
                ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                for (int i = 0; i < 50; i++) {
                    model.probabilities(batch);
                }
                ai.djl.pytorch.jni.JniUtils.stopProfile(args[0]);
            }
            profile(model, "1 text x " + longer.length() + " tokens", List.of(longer), 200);
            List<TokenizedText> eight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                eight.add(longer);
            }
            profile(model, "8 texts x " + longer.length() + " tokens", eight, 100);
            List<TokenizedText> thirtyTwo = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                thirtyTwo.add(longer);
            }
            profile(model, "32 texts x " + longer.length() + " tokens", thirtyTwo, 40);
        }
    }

    private static void profile(TaggerModel model, String name, List<TokenizedText> batch, int runs) {
        for (int i = 0; i < 10; i++) {
            model.probabilities(batch);
        }
        double[] ms = new double[runs];
        // -Dgap.ms=N idles N ms between runs, as a service does between requests: caches and clocks cool down.
        // -Dgap.spin=true spends the gap busy on this thread instead: the core stays ours (no idle state, no other
        // virtual CPU scheduled onto it), which tells a slowdown from idling apart from one from time passing.
        long gap = Long.getLong("gap.ms", 0);
        boolean spin = Boolean.getBoolean("gap.spin");
        // -Dgap.sweep.mb=N writes N MB of a Java array before each run (and its gap, if any), as a request's path
        // through the service (Tomcat, JSON, the load client) touches memory between two forwards and evicts weights
        // from the cache.
        byte[] sweep = new byte[Integer.getInteger("gap.sweep.mb", 0) << 20];
        for (int i = 0; i < runs; i++) {
            for (int at = 0; at < sweep.length; at += 64) {
                sweep[at]++;
            }
            if (gap > 0 && spin) {
                long until = System.nanoTime() + gap * 1_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            } else if (gap > 0) {
                try {
                    Thread.sleep(gap);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            long t0 = System.nanoTime();
            model.probabilities(batch);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        int tokens = batch.stream().mapToInt(TokenizedText::length).sum();
        System.out.printf("%-28s p50 %7.2f ms  p10 %7.2f ms  (%.0f texts/s at p50, %.1f GFLOP/s)%n", name, ms[runs / 2],
                ms[runs / 10], batch.size() * 1000 / ms[runs / 2], tokens * 21.4e6 / (ms[runs / 2] / 1000) / 1e9);
    }
}
