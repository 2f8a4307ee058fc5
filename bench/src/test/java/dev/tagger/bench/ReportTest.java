package dev.tagger.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final List<Integer> SAMPLE = List.of(0, 5);
    private static final List<float[]> ORT_ALONE = List.of(new float[] {0.10f, 0.90f}, new float[] {0.50f, 0.50f});

    private static Latency latency(int count, double p50) {
        return new Latency(count, p50, p50 * 2, p50 * 3, p50 * 1.1, p50 * 4);
    }

    private static final List<float[]> ORT_EMBEDDINGS = List.of(new float[] {1, 0}, new float[] {0, 1});

    private static BenchResults.Ort ort(List<Integer> indexes, List<float[]> alone) {
        BenchResults.OrtRun b1 = new BenchResults.OrtRun(1, 500, 10, 50.0, latency(500, 20));
        List<BenchResults.OrtRun> batched = List.of(
                new BenchResults.OrtRun(8, 1000, 10, 100.0, latency(125, 80)),
                new BenchResults.OrtRun(16, 1600, 10, 160.0, latency(100, 100)),
                new BenchResults.OrtRun(32, 1200, 10, 120.0, latency(37, 260)));
        return new BenchResults.Ort("fp32", "/all-minilm-l6-v2.onnx", true, true, "1.23.2", 2, b1, batched, 300 * 1024,
                400 * 1024, indexes, alone, ORT_EMBEDDINGS.subList(0, indexes.size()), 1e-7);
    }

    /** Faster than fp32 (best batch 32: 240 texts/s, batch-1 p50 10 ms); its answers a little off fp32's. */
    private static BenchResults.Ort int8() {
        BenchResults.OrtRun b1 = new BenchResults.OrtRun(1, 800, 10, 80.0, latency(800, 10));
        List<BenchResults.OrtRun> batched = List.of(
                new BenchResults.OrtRun(8, 1500, 10, 150.0, latency(187, 50)),
                new BenchResults.OrtRun(16, 2000, 10, 200.0, latency(125, 80)),
                new BenchResults.OrtRun(32, 2400, 10, 240.0, latency(75, 130)));
        return new BenchResults.Ort("int8", "/all-minilm-l6-v2-q.onnx", true, true, "1.23.2", 2, b1, batched, 200 * 1024,
                250 * 1024, SAMPLE, List.of(new float[] {0.12f, 0.90f}, new float[] {0.50f, 0.46f}),
                List.of(new float[] {1, 0}, new float[] {0.6f, 0.8f}), 1e-7);
    }

    private static BenchResults.Load load(List<float[]> alone, List<BenchResults.Capture> underLoad) {
        BenchResults.Level c1 = new BenchResults.Level(1, 30, Map.of("200", 720L), 24.0, latency(720, 25),
                new BenchResults.ServerTime(24, 1, 22), 1.0, 450 * 1024, 500 * 1024);
        BenchResults.Level c16 = new BenchResults.Level(16, 30, Map.of("200", 2400L, "429", 3L), 80.0,
                latency(2400, 190), new BenchResults.ServerTime(180, 90, 85), 12.0, 460 * 1024, 520 * 1024);
        return new BenchResults.Load("http://127.0.0.1:1", List.of("a", "b"), List.of(c1, c16), SAMPLE, alone,
                underLoad, 12.5, 400 * 1024);
    }

    private static List<float[]> serviceAlone(float shift) {
        return List.of(new float[] {0.10f + shift, 0.90f - shift}, new float[] {0.50f + shift, 0.50f});
    }

    private static List<BenchResults.Capture> captures(List<float[]> alone, float shift) {
        return List.of(new BenchResults.Capture(0, 16, new float[] {alone.get(0)[0] + shift, alone.get(0)[1]}),
                new BenchResults.Capture(5, 64, alone.get(1).clone()));
    }

    @Test
    void theTableHasOneRowPerRunWithRatiosToEachOnnxExport() {
        List<float[]> alone = serviceAlone(0.002f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), null, true);

        List<String> lines = r.markdown().lines().toList();
        assertThat(lines.get(0)).isEqualTo("| run | texts/s | p50 ms | p95 ms | p99 ms | peak RSS MB "
                + "| texts/s vs ORT fp32 best | texts/s vs ORT int8 best | p50 vs ORT fp32 batch 1 | p50 vs ORT int8 batch 1 |");
        assertThat(lines.get(1)).isEqualTo("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // texts/s over each export's best batch size (fp32 16: 160 texts/s, int8 32: 240); single-text p50s over each
        // export's batch-1 p50 (fp32 20 ms, int8 10 ms)
        assertThat(lines).contains(
                "| ORT fp32 batch 1 | 50.0 | 20.0 | 40.0 | 60.0 | 300 | 0.31 | 0.21 | 1.00x | 2.00x |",
                "| ORT fp32 best batch (16)\u00b9 | 160.0 | 100.0 | 200.0 | 300.0 | 400 | 1.00 | 0.67 |  |  |",
                "| ORT int8 batch 1 | 80.0 | 10.0 | 20.0 | 30.0 | 200 | 0.50 | 0.33 | 0.50x | 1.00x |",
                "| ORT int8 best batch (32)\u00b9 | 240.0 | 130.0 | 260.0 | 390.0 | 250 | 1.50 | 1.00 |  |  |",
                "| service c=1 | 24.0 | 25.0 | 50.0 | 75.0 | 500 | 0.15 | 0.10 | 1.25x | 2.50x |",
                "| service c=16 | 80.0 | 190.0 | 380.0 | 570.0 | 520 | 0.50 | 0.33 |  |  |");
        assertThat(r.markdown())
                .contains("- ORT fp32: /all-minilm-l6-v2.onnx, 2 intra-op threads, the service's tokenizer.json; texts/s "
                        + "by batch size: 8: 100.0, 16: 160.0, 32: 120.0 (batch 1: 50.0)")
                .contains("- ORT int8: /all-minilm-l6-v2-q.onnx, 2 intra-op threads, the service's tokenizer.json; "
                        + "texts/s by batch size: 8: 150.0, 16: 200.0, 32: 240.0 (batch 1: 80.0)")
                .contains("c=16 2400 ok in 30 s (429: 3), mean batch 12.0, server time 180.0 ms (queue 90.0, inference 85.0)")
                .contains("are per batch").contains("ONNX Runtime 1.23.2")
                .doesNotContain("Overload");
    }

    @Test
    void theRatiosAreTakenAgainstEachPeersOwnBestAndBatchOne() {
        assertThat(Report.throughputRatio(120, ort(SAMPLE, ORT_ALONE))).isEqualTo(0.75);
        assertThat(Report.throughputRatio(120, int8())).isEqualTo(0.5);
        assertThat(Report.p50Ratio(latency(10, 25), ort(SAMPLE, ORT_ALONE))).isEqualTo(1.25);
        assertThat(Report.p50Ratio(latency(10, 25), int8())).isEqualTo(2.5);
    }

    @Test
    void theInt8ExportsAgreementWithFp32IsInformative() {
        List<float[]> alone = serviceAlone(0.002f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), null, true);

        // cosines 1 and 0.8; |dp| 0.02, 0, 0, 0.04
        assertThat(r.markdown()).contains("- ORT int8 vs ORT fp32 (informative, not a check): embedding cosine mean "
                + "0.90000, min 0.80000 over 2 texts; through the same head, probabilities differ by max 0.0400, mean 0.015");
        assertThat(r.passed()).isTrue();
    }

    @Test
    void theTargetsArePrintedAgainstOrtInt8WithoutChangingTheExitStatus() {
        List<float[]> alone = serviceAlone(0.002f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), null, true);

        // c=16 80 texts/s against int8's 240; c=1 p50 25 ms against 1.3 x 10 + 1 = 14 ms; peak RSS 520 MB
        assertThat(r.markdown()).contains("Targets against ONNX Runtime int8")
                .contains("- /classify at c=16 >= 1.0x ORT int8's best batch (240.0 texts/s, batch 32): 80.0 texts/s, "
                        + "0.33x  FAIL")
                .contains("- single-text p50 <= 1.3 x ORT int8's batch-1 p50 (10.00 ms) + 1 ms = 14.00 ms: 25.00 ms at c=1  FAIL")
                .contains("- peak RSS under load <= 1.2 GB (1229 MB): 520 MB (the service's VmHWM over the levels)  PASS");
        assertThat(r.passed()).isTrue();
    }

    @Test
    void int8WithinItsErrorBudgetAndIdenticalAnswersUnderLoadPass() {
        List<float[]> alone = serviceAlone(0.002f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), null, true);

        assertThat(r.passed()).isTrue();
        assertThat(r.markdown()).contains("Correctness (2 sample texts")
                .contains("service under load vs the same text alone: 0.00 over 2 answers (2 texts")
                .contains("batches of 12.5 on average)  limit 1e-05  PASS")
                .contains("service alone (int8) vs ONNX Runtime alone (fp32): max 0.00200")
                .contains("limits max 0.25, mean 0.005 (the int8 error budget)  PASS");
        // the targets (which fail here) are the only FAIL lines
        assertThat(r.markdown().lines().filter(l -> l.endsWith("FAIL")))
                .allMatch(l -> l.startsWith("- /classify at c=16 ") || l.startsWith("- single-text p50 "));
    }

    @Test
    void batchingThatChangesAnAnswerFails() {
        List<float[]> alone = serviceAlone(0.002f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 1e-3f)), null, true);

        assertThat(r.passed()).isFalse();
        assertThat(r.markdown()).contains("vs the same text alone: 0.00100").contains("limit 1e-05  FAIL");
    }

    @Test
    void noAnswersUnderLoadIsNotAPass() {
        List<float[]> alone = serviceAlone(0);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, List.of()), null, true);

        assertThat(r.passed()).isFalse();
    }

    @Test
    void int8OutsideItsBudgetFails() {
        List<float[]> alone = serviceAlone(0.3f);
        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), null, true);

        assertThat(r.passed()).isFalse();
        assertThat(r.markdown()).contains("(the int8 error budget)  FAIL");
    }

    @Test
    void fp32IsHeldToRoundingError() {
        List<float[]> close = serviceAlone(2e-5f);
        Report.Rendered pass = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(close, captures(close, 0)), null, false);
        assertThat(pass.passed()).isTrue();
        assertThat(pass.markdown()).contains("service alone (fp32) vs ONNX Runtime alone: ").contains("limit 1e-04  PASS");

        // within the int8 budget, but not fp32's
        List<float[]> far = serviceAlone(0.002f);
        Report.Rendered fail = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(far, captures(far, 0)), null, false);
        assertThat(fail.passed()).isFalse();
        assertThat(fail.markdown()).contains("limit 1e-04  FAIL");
    }

    @Test
    void aSampleTextTheOnnxPeerDidNotRunFails() {
        List<float[]> alone = serviceAlone(0);
        Report.Rendered r = Report.render(ort(List.of(0), List.of(ORT_ALONE.get(0))), int8(), load(alone, captures(alone, 0)),
                null, true);

        assertThat(r.passed()).isFalse();
        assertThat(r.markdown()).contains("over 1 texts");
    }

    @Test
    void theOverloadPhaseIsReportedWhenItRan() {
        List<float[]> alone = serviceAlone(0);
        BenchResults.Overload o = new BenchResults.Overload(128, 64, 10, 0,
                Map.of("200", 900L, "429", 5000L, "503", 2L, "io", 1L), latency(900, 150),
                new BenchResults.ServerTime(140, 70, 60), latency(5000, 0.5), 90.0, 600 * 1024, 650 * 1024,
                610 * 1024, 700 * 1024, true);

        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load(alone, captures(alone, 0)), o, true);

        assertThat(r.passed()).isTrue();
        assertThat(r.markdown())
                .contains("Overload (128 closed-loop clients, queue-capacity 64, requests started in 10 s, next request at once after a 429):")
                .contains("- 200: 900, 429: 5000, 5xx: 2, other/transport: 1; admitted 90.0 texts/s")
                .contains("admitted latency p50 150.0 ms, p99 450.0 ms, max 600.0 ms (server time mean 140.0 ms, of which queue 70.0)")
                .contains("429 answered in p50 0.5 ms, p99 1.5 ms")
                .contains("service RSS before 600 MB, after 610 MB (peak VmHWM before 650 MB, after 700 MB); ready and answering 1 s later: yes");
    }

    @Test
    void anEmptyLatencyIsADash() {
        List<float[]> alone = serviceAlone(0);
        BenchResults.Load base = load(alone, captures(alone, 0));
        BenchResults.Level none = new BenchResults.Level(64, 30, Map.of("io", 12L), 0, Latency.EMPTY,
                new BenchResults.ServerTime(0, 0, 0), 0, 0, 0);
        BenchResults.Load load = new BenchResults.Load(base.url(), base.labels(), List.of(none), base.sampleIndexes(),
                base.sampleAlone(), base.underLoad(), base.sampleMeanBatch(), base.hwmKbBefore());

        Report.Rendered r = Report.render(ort(SAMPLE, ORT_ALONE), int8(), load, null, true);

        assertThat(r.markdown()).contains("| service c=64 | 0.0 | - | - | - | 0 | 0.00 | 0.00 |  |  |").contains("(io: 12)")
                .contains("no c=16 level in this run  NOT MEASURED").contains("no c=1 answers in this run  NOT MEASURED")
                .contains("the service's VmHWM was not readable  NOT MEASURED");
    }

    @Test
    void theCommandReadsTheRunFilesAndPrintsTheReport(@TempDir Path dir) {
        List<float[]> alone = serviceAlone(0);
        Path ortFile = dir.resolve("ort.json");
        Path int8File = dir.resolve("ort-int8.json");
        Path loadFile = dir.resolve("load.json");
        BenchResults.write(ortFile, ort(SAMPLE, ORT_ALONE));
        BenchResults.write(int8File, int8());
        BenchResults.write(loadFile, load(alone, captures(alone, 0)));
        String expected = Report.render(BenchResults.read(ortFile, BenchResults.Ort.class),
                BenchResults.read(int8File, BenchResults.Ort.class),
                BenchResults.read(loadFile, BenchResults.Load.class), null, true).markdown();

        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        boolean passed;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            passed = Report.command(new BenchArgs(new String[] {"report", "--ort", ortFile.toString(), "--ort-int8",
                    int8File.toString(), "--load",
                    loadFile.toString(), "--overload", dir.resolve("absent.json").toString()}, 1));
        } finally {
            System.setOut(stdout);
        }

        assertThat(passed).isTrue();
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo(expected).contains("| service c=16 |");
    }
}
