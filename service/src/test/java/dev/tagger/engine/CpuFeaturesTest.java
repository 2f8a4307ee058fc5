package dev.tagger.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuFeaturesTest {

    @Test
    void keepsOnlyTheKernelFlagsOfAnyProcessorSorted() {
        String cpuinfo = """
                processor\t: 0
                model name\t: Some CPU
                flags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni sha_ni
                
                processor\t: 1
                flags\t\t: fpu avx2 amx_int8
                """;
        assertThat(CpuFeatures.kernelFlags(cpuinfo))
                .containsExactly("amx_int8", "avx2", "avx512_vnni", "avx512bw", "avx512f");
    }

    @Test
    void armListsItsFeaturesUnderAnotherNameAndNoneOfOursIsEmpty() {
        assertThat(CpuFeatures.kernelFlags("processor : 0\nFeatures : fp asimd evtstrm\n")).isEmpty();
        assertThat(CpuFeatures.kernelFlags("")).isEmpty();
    }

    @Test
    void int8ActivationsNeedTheReducedRangeOnlyWhereAvx2KernelsSumPairsIn16Bits() {
        assertThat(CpuFeatures.int8PairsSaturate(java.util.List.of("avx2"))).isTrue();
        assertThat(CpuFeatures.int8PairsSaturate(java.util.List.of("avx2", "avx512bw", "avx512f"))).isTrue();
        // AVX-VNNI (256-bit) alone: fbgemm has no kernel for it and runs its AVX2 one
        assertThat(CpuFeatures.int8PairsSaturate(java.util.List.of("avx2", "avx_vnni"))).isTrue();
        assertThat(CpuFeatures.int8PairsSaturate(java.util.List.of("avx2", "avx512_vnni", "avx512bw", "avx512f"))).isFalse();
        assertThat(CpuFeatures.int8PairsSaturate(java.util.List.of())).isFalse();
    }
}
