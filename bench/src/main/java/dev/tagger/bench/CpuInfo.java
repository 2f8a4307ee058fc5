package dev.tagger.bench;

import dev.tagger.engine.CpuFeatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU as the report's header describes it, from /proc/cpuinfo: the machines the benchmark runs on differ (AVX2
 * only on one, AVX-512 VNNI on another), and int8 kernels are only as fast as the instructions they reach.
 *
 * @param model    the first "model name" ("unknown" when there is none)
 * @param logical  "processor" entries
 * @param cores    distinct (physical id, core id) pairs; 0 when the file does not say
 * @param features which of {@link #FEATURES} any processor lists, sorted as {@code sort -u} sorts them
 */
record CpuInfo(String model, int logical, int cores, List<String> features) {

    /**
     * The SIMD and matrix extensions fp32 and int8 inference kernels dispatch on: the service's own list, the one a
     * model card records for the machine that measured it, so a run's header and a card compare word for word.
     */
    static final Set<String> FEATURES = CpuFeatures.KERNEL_FLAGS;

    static CpuInfo parse(String cpuinfo) {
        String model = null;
        int logical = 0;
        Set<String> cores = new HashSet<>();
        String physical = "";
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> {
                    logical++;
                    physical = "";
                }
                case "model name" -> model = model == null ? value : model;
                case "physical id" -> physical = value;
                case "core id" -> cores.add(physical + "/" + value);
                default -> {
                }
            }
        }
        return new CpuInfo(model == null || model.isEmpty() ? "unknown" : model, logical, cores.size(),
                CpuFeatures.kernelFlags(cpuinfo));
    }

    /** One header line: model, counts and features, with the CPUs this process may use. */
    String describe(int available) {
        return String.format(Locale.ROOT, "%s, %d logical CPUs%s, %d available to the benchmark; features: %s",
                model, logical, cores == 0 ? "" : " on " + cores + (cores == 1 ? " core" : " cores"), available,
                features.isEmpty() ? "none of " + String.join(" ", new TreeSet<>(FEATURES)) : String.join(" ", features));
    }

    /** {@code cpu [--cpuinfo /proc/cpuinfo]}: prints the header's cpu line. */
    static void command(BenchArgs a) throws IOException {
        Path file = Path.of(a.string("cpuinfo", "/proc/cpuinfo"));
        String line = Files.isReadable(file)
                ? parse(Files.readString(file)).describe(Runtime.getRuntime().availableProcessors())
                : "unknown (no " + file + ")";
        System.out.println("- cpu: " + line);
    }
}
