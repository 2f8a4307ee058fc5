package dev.tagger.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SIMD and matrix extensions the CPU's int8 kernels dispatch on, from /proc/cpuinfo. fbgemm picks a different
 * int8 GEMM for AVX2, AVX-512 and AVX-512 VNNI, and their rounding differs: an int8 model answers slightly different
 * probabilities on machines that differ here, so figures measured at int8 are exact only on a CPU with the same list.
 */
public final class CpuFeatures {

    /** The extensions that change which int8 and fp32 kernels run. */
    public static final Set<String> KERNEL_FLAGS = Set.of("avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni",
            "amx_int8");

    private CpuFeatures() {
    }

    /**
     * Whether fbgemm's int8 GEMM on this CPU adds pairs of u8 x s8 products in 16-bit registers with saturation: on
     * x86 with AVX2 (and AVX-512 without VNNI) it does, so two large products overflow and the result is clipped. PyTorch's
     * answer, and ours, is to quantize activations to 7 bits there ({@code reduce_range}). VNNI sums in 32 bits; without
     * AVX2 fbgemm is not used; ARM runs QNNPACK, which ignores the setting.
     */
    public static boolean int8PairsSaturate(List<String> kernelFlags) {
        return kernelFlags.contains("avx2") && !kernelFlags.contains("avx512_vnni");
    }

    /** {@link #int8PairsSaturate(List)} for this machine. */
    public static boolean int8PairsSaturate() {
        return int8PairsSaturate(kernelFlags());
    }

    /** This machine's {@link #KERNEL_FLAGS}, sorted; empty when /proc/cpuinfo cannot be read (not Linux). */
    public static List<String> kernelFlags() {
        try {
            return kernelFlags(Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The {@link #KERNEL_FLAGS} that any processor of {@code cpuinfo} (the text of /proc/cpuinfo) lists, sorted. */
    public static List<String> kernelFlags(String cpuinfo) {
        Set<String> found = new TreeSet<>();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("flags") || key.equals("Features")) {
                for (String flag : line.substring(colon + 1).trim().split("\\s+")) {
                    if (KERNEL_FLAGS.contains(flag)) {
                        found.add(flag);
                    }
                }
            }
        }
        return List.copyOf(found);
    }
}
