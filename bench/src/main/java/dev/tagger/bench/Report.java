package dev.tagger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints the benchmark's markdown table (the service against both ONNX Runtime exports), the correctness, target and
 * overload findings; exit 1 if a correctness check fails.
 */
final class Report {

    static final double BATCHING_LIMIT = 1e-5;
    /** fp32 service against fp32 ONNX Runtime: the same arithmetic up to rounding. */
    static final double ORT_LIMIT = 1e-4;
    /**
     * int8 service against fp32 ONNX Runtime: the quantization error budget, set with room above what the int8
     * encoder gives over all of GoEmotions dev (DefaultModelQualityTest, which also checks that quality holds; the
     * figures are in bench/README.md); a 200-text sample must stay within these.
     */
    static final double INT8_MEAN_LIMIT = 0.005;
    static final double INT8_MAX_LIMIT = 0.25;

    private Report() {
    }

    /**
     * {@code report --ort FILE --ort-int8 FILE --load FILE [--precision int8|fp32] [--overload FILE]}; {@code --ort}
     * is the fp32 export's run, the reference for correctness. Returns false when a correctness check failed.
     */
    static boolean command(BenchArgs a) {
        boolean int8 = a.string("precision", "int8").equalsIgnoreCase("int8");
        BenchResults.Ort ort = BenchResults.read(Path.of(a.string("ort")), BenchResults.Ort.class);
        BenchResults.Ort ortInt8 = BenchResults.read(Path.of(a.string("ort-int8")), BenchResults.Ort.class);
        BenchResults.Load load = BenchResults.read(Path.of(a.string("load")), BenchResults.Load.class);
        Path overloadFile = Path.of(a.string("overload", "-"));
        BenchResults.Overload overload = Files.isRegularFile(overloadFile)
                ? BenchResults.read(overloadFile, BenchResults.Overload.class) : null;
        Rendered r = render(ort, ortInt8, load, overload, int8);
        System.out.print(r.markdown());
        return r.passed();
    }

    /**
     * The report's text and whether every correctness check passed.
     *
     * @param markdown the table, the correctness and target lines and, when there was an overload phase, its findings
     */
    record Rendered(String markdown, boolean passed) {
    }

    /**
     * {@code ort} is the fp32 export's run (the correctness reference), {@code ortInt8} the int8 export's;
     * {@code overload} is null when the run had no overload phase.
     */
    static Rendered render(BenchResults.Ort ort, BenchResults.Ort ortInt8, BenchResults.Load load,
                           BenchResults.Overload overload, boolean int8) {
        List<BenchResults.Ort> peers = List.of(ort, ortInt8);
        StringBuilder out = new StringBuilder("| run | texts/s | p50 ms | p95 ms | p99 ms | peak RSS MB");
        peers.forEach(p -> out.append(" | texts/s vs ORT ").append(p.export()).append(" best"));
        peers.forEach(p -> out.append(" | p50 vs ORT ").append(p.export()).append(" batch 1"));
        out.append(" |\n|---|---:|---:|---:|---:|---:").append("|---:".repeat(2 * peers.size())).append("|\n");
        for (BenchResults.Ort p : peers) {
            BenchResults.OrtRun b1 = p.batch1();
            BenchResults.OrtRun best = p.best();
            row(out, "ORT " + p.export() + " batch 1", b1.textsPerSecond(), b1.latency(), p.hwmKbAfterBatch1(), peers, true);
            row(out, "ORT " + p.export() + " best batch (" + best.batchSize() + ")\u00b9", best.textsPerSecond(),
                    best.latency(), p.hwmKb(), peers, false);
        }
        for (BenchResults.Level l : load.levels()) {
            row(out, "service c=" + l.concurrency(), l.textsPerSecond(), l.latency(), l.hwmKb(), peers, l.concurrency() == 1);
        }
        out.append('\n');
        out.append(f("\u00b9 ORT latencies of a best-batch row are per batch (session run + head; its texts/s also counts "
                + "tokenization). Ratios: texts/s over each ORT export's best batch throughput; single-text p50 (ORT "
                + "batch 1, service c=1) over each export's batch-1 p50. ORT rows: in-process, ONNX Runtime %s, the "
                + "same texts, pooling and head for both exports; peak RSS is that ORT JVM's VmHWM. Service rows: peak "
                + "RSS is the service's VmHWM after that level.%n", ort.version()));
        for (BenchResults.Ort p : peers) {
            out.append(f("- ORT %s: %s, %d intra-op threads, %s; texts/s by batch size: ", p.export(), p.onnx(),
                    p.intraOpThreads(), p.serviceTokenizer() ? "the service's tokenizer.json" : "its own tokenizer.json "
                            + "(differs from the service's)"))
                    .append(p.batched().stream().map(r -> f("%d: %.1f", r.batchSize(), r.textsPerSecond()))
                            .collect(Collectors.joining(", ")))
                    .append(f(" (batch 1: %.1f)%n", p.batch1().textsPerSecond()));
        }
        out.append("- service per level: ").append(load.levels().stream()
                .map(l -> f("c=%d %d ok in %.0f s%s, mean batch %.1f, server time %.1f ms (queue %.1f, inference %.1f)",
                        l.concurrency(), l.latency().count(), l.seconds(), others(l.statuses()), l.meanBatch(),
                        l.server().total(), l.server().queue(), l.server().inference()))
                .collect(Collectors.joining("; "))).append('\n');

        // Correctness
        Map<Integer, float[]> alone = new HashMap<>();
        Map<Integer, float[]> ortAlone = new HashMap<>();
        for (int k = 0; k < load.sampleIndexes().size(); k++) {
            alone.put(load.sampleIndexes().get(k), load.sampleAlone().get(k));
        }
        for (int k = 0; k < ort.sampleIndexes().size(); k++) {
            ortAlone.put(ort.sampleIndexes().get(k), ort.sampleAlone().get(k));
        }
        double loadVsAlone = 0;
        double loadVsOrt = 0;
        for (BenchResults.Capture c : load.underLoad()) {
            loadVsAlone = Math.max(loadVsAlone, OrtPeer.maxAbsDiff(c.probs(), alone.get(c.index())));
            if (ortAlone.containsKey(c.index())) {
                loadVsOrt = Math.max(loadVsOrt, OrtPeer.maxAbsDiff(c.probs(), ortAlone.get(c.index())));
            }
        }
        double aloneVsOrt = 0;
        double sumVsOrt = 0;
        long values = 0;
        int compared = 0;
        for (Map.Entry<Integer, float[]> e : alone.entrySet()) {
            float[] o = ortAlone.get(e.getKey());
            if (o != null) {
                aloneVsOrt = Math.max(aloneVsOrt, OrtPeer.maxAbsDiff(e.getValue(), o));
                for (int j = 0; j < o.length; j++) {
                    sumVsOrt += Math.abs(e.getValue()[j] - o[j]);
                    values++;
                }
                compared++;
            }
        }
        double meanVsOrt = values == 0 ? Double.NaN : sumVsOrt / values;
        boolean batchingOk = !load.underLoad().isEmpty() && loadVsAlone <= BATCHING_LIMIT;
        boolean ortOk = compared == alone.size() && compared > 0
                && (int8 ? meanVsOrt <= INT8_MEAN_LIMIT && aloneVsOrt <= INT8_MAX_LIMIT : aloneVsOrt <= ORT_LIMIT);
        long texts = load.underLoad().stream().map(BenchResults.Capture::index).distinct().count();
        out.append("\nCorrectness (").append(alone.size()).append(" sample texts, max |difference| of any label's probability):\n");
        out.append(f("- service under load vs the same text alone: %.3g over %d answers (%d texts, c=4..64; the whole "
                + "sample at c=64 ran in batches of %.1f on average)  limit %.0e  %s%n", loadVsAlone,
                load.underLoad().size(), texts, load.sampleMeanBatch(), BATCHING_LIMIT, batchingOk ? "PASS" : "FAIL"));
        if (int8) {
            out.append(f("- service alone (int8) vs ONNX Runtime alone (fp32): max %.3g, mean %.2g over %d texts  limits "
                    + "max %.2f, mean %.3f (the int8 error budget)  %s%n", aloneVsOrt, meanVsOrt, compared, INT8_MAX_LIMIT,
                    INT8_MEAN_LIMIT, ortOk ? "PASS" : "FAIL"));
        } else {
            out.append(f("- service alone (fp32) vs ONNX Runtime alone: %.3g over %d texts  limit %.0e  %s%n",
                    aloneVsOrt, compared, ORT_LIMIT, ortOk ? "PASS" : "FAIL"));
        }
        out.append(f("- service under load vs ONNX Runtime alone: %.3g; ONNX Runtime padded batches vs alone: %.3g%n",
                loadVsOrt, ort.batchedVsAloneDiff()));
        out.append(agreement(ort, ortInt8));
        out.append(Targets.render(Targets.check(ortInt8, load)));

        if (overload != null) {
            Map<String, Long> s = overload.statuses();
            long ok = s.getOrDefault("200", 0L);
            long rejected = s.getOrDefault("429", 0L);
            long server = s.entrySet().stream().filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
            long other = s.values().stream().mapToLong(Long::longValue).sum() - ok - rejected - server;
            out.append(f("%nOverload (%d closed-loop clients, queue-capacity %d, requests started in %.0f s, %s after a 429):%n",
                    overload.clients(), overload.queueCapacity(), overload.seconds(),
                    overload.backoffMs() == 0 ? "next request at once" : "wait " + overload.backoffMs() + " ms"));
            out.append(f("- 200: %d, 429: %d, 5xx: %d, other/transport: %d; admitted %.1f texts/s%n", ok, rejected, server,
                    other, overload.admittedPerSecond()));
            out.append(f("- admitted latency p50 %.1f ms, p99 %.1f ms, max %.1f ms (server time mean %.1f ms, of which "
                    + "queue %.1f); 429 answered in p50 %.1f ms, p99 %.1f ms%n", overload.admitted().p50(),
                    overload.admitted().p99(), overload.admitted().max(), overload.admittedServer().total(),
                    overload.admittedServer().queue(), overload.rejected().p50(), overload.rejected().p99()));
            out.append(f("- service RSS before %.0f MB, after %.0f MB (peak VmHWM before %.0f MB, after %.0f MB); "
                    + "ready and answering 1 s later: %s%n", mb(overload.rssKbBefore()), mb(overload.rssKbAfter()),
                    mb(overload.hwmKbBefore()), mb(overload.hwmKbAfter()), overload.healthyAfter() ? "yes" : "NO"));
        }
        return new Rendered(out.toString(), batchingOk && ortOk);
    }

    /** {@code single}: the row's latencies are per text, so its p50 is set against each export's batch-1 p50. */
    private static void row(StringBuilder out, String name, double tps, Latency l, long rssKb, List<BenchResults.Ort> peers,
                            boolean single) {
        out.append(f("| %s | %.1f | %s | %s | %s | %.0f", name, tps, ms(l, l.p50()), ms(l, l.p95()), ms(l, l.p99()),
                mb(rssKb)));
        peers.forEach(p -> out.append(" | ").append(f("%.2f", throughputRatio(tps, p))));
        peers.forEach(p -> out.append(" | ").append(single && l.count() > 0 ? f("%.2fx", p50Ratio(l, p)) : ""));
        out.append(" |\n");
    }

    static double throughputRatio(double textsPerSecond, BenchResults.Ort peer) {
        return textsPerSecond / peer.best().textsPerSecond();
    }

    static double p50Ratio(Latency singleText, BenchResults.Ort peer) {
        return singleText.p50() / peer.batch1().latency().p50();
    }

    /**
     * How far the int8 export's answers are from the fp32 export's on the same sample: informative, since the
     * int8 export is a peer for speed, not a reference.
     */
    private static String agreement(BenchResults.Ort fp32, BenchResults.Ort int8) {
        if (!int8.mirrorsBundle()) {
            return "- ORT int8 runs the base encoder with the bundle's head: its weights are quantized inside the graph "
                    + "and cannot take the bundle's fine-tuned layers, so it is a peer for timing (same shapes and ops) "
                    + "and its answers are not compared\n";
        }
        Map<Integer, Integer> at = new HashMap<>();
        for (int k = 0; k < fp32.sampleIndexes().size(); k++) {
            at.put(fp32.sampleIndexes().get(k), k);
        }
        double cosSum = 0;
        double cosMin = Double.POSITIVE_INFINITY;
        double pMax = 0;
        double pSum = 0;
        long values = 0;
        int texts = 0;
        for (int k = 0; k < int8.sampleIndexes().size(); k++) {
            Integer j = at.get(int8.sampleIndexes().get(k));
            if (j == null) {
                continue;
            }
            double cos = OrtPeer.cosine(int8.sampleEmbeddings().get(k), fp32.sampleEmbeddings().get(j));
            cosSum += cos;
            cosMin = Math.min(cosMin, cos);
            float[] a = int8.sampleAlone().get(k);
            float[] b = fp32.sampleAlone().get(j);
            pMax = Math.max(pMax, OrtPeer.maxAbsDiff(a, b));
            for (int i = 0; i < a.length; i++) {
                pSum += Math.abs(a[i] - b[i]);
                values++;
            }
            texts++;
        }
        if (texts == 0) {
            return "- ORT int8 vs ORT fp32 (informative): no sample text in common\n";
        }
        return f("- ORT int8 vs ORT fp32 (informative, not a check): embedding cosine mean %.5f, min %.5f over %d texts; "
                + "through the same head, probabilities differ by max %.3g, mean %.2g%n", cosSum / texts, cosMin, texts,
                pMax, values == 0 ? Double.NaN : pSum / values);
    }

    private static String ms(Latency l, double v) {
        return l.count() == 0 ? "-" : f("%.1f", v);
    }

    private static String others(Map<String, Long> statuses) {
        List<String> rest = statuses.entrySet().stream().filter(e -> !e.getKey().equals("200"))
                .map(e -> e.getKey() + ": " + e.getValue()).toList();
        return rest.isEmpty() ? "" : " (" + String.join(", ", rest) + ")";
    }

    private static double mb(long kb) {
        return kb / 1024.0;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
