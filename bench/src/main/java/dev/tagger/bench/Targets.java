package dev.tagger.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The serving targets against ONNX Runtime's int8 export, as pass/fail lines. They are benchmark figures that move
 * with the machine's load, so they are printed and never change the report's exit status.
 */
final class Targets {

    /** /classify at this concurrency is held to ORT int8's best batch throughput. */
    static final int THROUGHPUT_CONCURRENCY = 16;
    static final double THROUGHPUT_VS_INT8 = 1.0;
    /** Single-text p50 (the service at c=1) at most this times ORT int8's batch-1 p50, plus {@link #P50_PLUS_MS}. */
    static final double P50_FACTOR = 1.3;
    static final double P50_PLUS_MS = 1.0;
    /** Peak RSS under load: 1.2 GB, in the table's MB of 1024 kB. */
    static final long RSS_LIMIT_KB = (long) (1.2 * 1024 * 1024);

    /**
     * One target.
     *
     * @param pass null when the run did not measure it
     */
    record Line(String text, Boolean pass) {

        String verdict() {
            return pass == null ? "NOT MEASURED" : pass ? "PASS" : "FAIL";
        }
    }

    private Targets() {
    }

    static List<Line> check(BenchResults.Ort int8, BenchResults.Load load) {
        List<Line> out = new ArrayList<>();
        BenchResults.OrtRun best = int8.best();
        BenchResults.Level busy = level(load, THROUGHPUT_CONCURRENCY);
        String what = f("/classify at c=%d >= %.1fx ORT int8's best batch (%.1f texts/s, batch %d)",
                THROUGHPUT_CONCURRENCY, THROUGHPUT_VS_INT8, best.textsPerSecond(), best.batchSize());
        if (busy == null) {
            out.add(new Line(what + ": no c=" + THROUGHPUT_CONCURRENCY + " level in this run", null));
        } else {
            double ratio = busy.textsPerSecond() / best.textsPerSecond();
            out.add(new Line(f("%s: %.1f texts/s, %.2fx", what, busy.textsPerSecond(), ratio), ratio >= THROUGHPUT_VS_INT8));
        }

        double peerP50 = int8.batch1().latency().p50();
        double limit = P50_FACTOR * peerP50 + P50_PLUS_MS;
        BenchResults.Level single = level(load, 1);
        what = f("single-text p50 <= %.1f x ORT int8's batch-1 p50 (%.2f ms) + %.0f ms = %.2f ms", P50_FACTOR, peerP50,
                P50_PLUS_MS, limit);
        if (single == null || single.latency().count() == 0) {
            out.add(new Line(what + ": no c=1 answers in this run", null));
        } else {
            double p50 = single.latency().p50();
            out.add(new Line(f("%s: %.2f ms at c=1", what, p50), p50 <= limit));
        }

        long peak = load.levels().stream().mapToLong(BenchResults.Level::hwmKb).max().orElse(-1);
        what = f("peak RSS under load <= 1.2 GB (%.0f MB)", RSS_LIMIT_KB / 1024.0);
        if (peak <= 0) {
            out.add(new Line(what + ": the service's VmHWM was not readable", null));
        } else {
            out.add(new Line(f("%s: %.0f MB (the service's VmHWM over the levels)", what, peak / 1024.0),
                    peak <= RSS_LIMIT_KB));
        }
        return out;
    }

    static String render(List<Line> lines) {
        StringBuilder out = new StringBuilder("\nTargets against ONNX Runtime int8 (benchmark figures; they do not change "
                + "the exit status):\n");
        for (Line l : lines) {
            out.append("- ").append(l.text()).append("  ").append(l.verdict()).append('\n');
        }
        return out.toString();
    }

    private static BenchResults.Level level(BenchResults.Load load, int concurrency) {
        return load.levels().stream().filter(l -> l.concurrency() == concurrency).findFirst().orElse(null);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
