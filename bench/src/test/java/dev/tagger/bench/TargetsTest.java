package dev.tagger.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TargetsTest {

    private static Latency latency(double p50) {
        return new Latency(100, p50, p50 * 2, p50 * 3, p50, p50 * 4);
    }

    /** ORT int8: batch-1 p50 3 ms, best batch 64 at 600 texts/s. */
    private static final BenchResults.Ort INT8 = new BenchResults.Ort("int8", "/all-minilm-l6-v2-q.onnx", true, true, "1.23.2",
            2, new BenchResults.OrtRun(1, 3000, 10, 300, latency(3)), List.of(new BenchResults.OrtRun(16, 5000, 10, 500,
            latency(30)), new BenchResults.OrtRun(64, 6000, 10, 600, latency(100))), 0, 0, List.of(), List.of(),
            List.of(), 0);

    private static BenchResults.Level level(int c, double textsPerSecond, double p50, long hwmKb) {
        return new BenchResults.Level(c, 30, Map.of("200", 100L), textsPerSecond, latency(p50),
                new BenchResults.ServerTime(0, 0, 0), 1, hwmKb, hwmKb);
    }

    private static BenchResults.Load load(BenchResults.Level... levels) {
        return new BenchResults.Load("http://h:1", List.of("a"), List.of(levels), List.of(), List.of(), List.of(), 0, 0);
    }

    private static List<Boolean> verdicts(BenchResults.Load load) {
        return Targets.check(INT8, load).stream().map(Targets.Line::pass).toList();
    }

    @Test
    void atTheLimitsEveryTargetPasses() {
        // c=16 exactly int8's best; p50 exactly 1.3 x 3 + 1 = 4.9 ms; RSS exactly 1.2 GB
        List<Targets.Line> lines = Targets.check(INT8, load(level(1, 200, 4.9, 900 * 1024),
                level(16, 600, 20, Targets.RSS_LIMIT_KB), level(64, 650, 90, 1000 * 1024)));

        assertThat(lines).extracting(Targets.Line::pass).containsExactly(true, true, true);
        assertThat(Targets.render(lines)).contains("600.0 texts/s, 1.00x  PASS")
                .contains("(3.00 ms) + 1 ms = 4.90 ms: 4.90 ms at c=1  PASS")
                .contains("1229 MB (the service's VmHWM over the levels)  PASS")
                .doesNotContain("FAIL");
    }

    @Test
    void justPastEachLimitFails() {
        assertThat(verdicts(load(level(1, 200, 4.91, 900 * 1024), level(16, 599, 20, Targets.RSS_LIMIT_KB + 1))))
                .containsExactly(false, false, false);
    }

    @Test
    void thePeakIsTheHighestLevelsAndOnlyC16CountsForThroughput() {
        // c=64 beats int8 but c=16 does not; the c=1 level's RSS is over the limit
        assertThat(verdicts(load(level(1, 200, 4, Targets.RSS_LIMIT_KB + 10), level(16, 500, 20, 900 * 1024),
                level(64, 900, 90, 900 * 1024)))).containsExactly(false, true, false);
    }

    @Test
    void aTargetTheRunDidNotMeasureSaysSo() {
        List<Targets.Line> lines = Targets.check(INT8, load(level(4, 300, 10, 0)));

        assertThat(lines).extracting(Targets.Line::pass).containsExactly(null, null, null);
        assertThat(Targets.render(lines)).contains("NOT MEASURED").doesNotContain("PASS").doesNotContain("FAIL");
    }
}
