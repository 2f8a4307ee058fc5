package dev.tagger.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuInfoTest {

    private static String sample(String name) throws Exception {
        return new String(BundleFiles.resource("/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void anAvx512VnniMachineListsItsFeaturesAsSortUniqDoes() throws Exception {
        CpuInfo cpu = CpuInfo.parse(sample("cpuinfo-avx512-vnni.txt"));

        // avx512vl, avx512_bf16 and the like are not among the features (avx512bw is: fbgemm's AVX-512 kernels need it); both processors are SMT threads of core 0
        assertThat(cpu).isEqualTo(new CpuInfo("AMD EPYC 9R45 96-Core Processor", 2, 1,
                List.of("avx2", "avx512_vnni", "avx512bw", "avx512f", "avx_vnni")));
        assertThat(cpu.describe(2)).isEqualTo("AMD EPYC 9R45 96-Core Processor, 2 logical CPUs on 1 core, 2 available "
                + "to the benchmark; features: avx2 avx512_vnni avx512bw avx512f avx_vnni");
    }

    @Test
    void anAvx2OnlyMachineWithAmxOnOneSocketCountsCoresPerSocket() {
        String text = """
                processor\t: 0
                model name\t: Intel(R) Xeon(R) Platinum 8488C
                physical id\t: 0
                core id\t\t: 0
                flags\t\t: sse avx avx2 fma
                processor\t: 1
                model name\t: Intel(R) Xeon(R) Platinum 8488C
                physical id\t: 1
                core id\t\t: 0
                flags\t\t: sse avx avx2 fma amx_tile amx_int8 amx_bf16
                """;

        CpuInfo cpu = CpuInfo.parse(text);

        assertThat(cpu.logical()).isEqualTo(2);
        assertThat(cpu.cores()).isEqualTo(2);
        assertThat(cpu.features()).containsExactly("amx_int8", "avx2");
    }

    @Test
    void aFileWithoutModelNameOrFlagsStillDescribesWhatItHas() {
        CpuInfo cpu = CpuInfo.parse("processor\t: 0\nFeatures\t: fp asimd asimddp\nCPU part\t: 0xd0c\n\n"
                + "processor\t: 1\nFeatures\t: fp asimd asimddp\n");

        assertThat(cpu).isEqualTo(new CpuInfo("unknown", 2, 0, List.of()));
        assertThat(cpu.describe(1)).isEqualTo("unknown, 2 logical CPUs, 1 available to the benchmark; features: none of "
                + "amx_int8 avx2 avx512_vnni avx512bw avx512f avx_vnni");
    }

    @Test
    void theCommandPrintsTheHeaderLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cpuinfo");
        Files.writeString(file, sample("cpuinfo-avx512-vnni.txt"));

        assertThat(run(file)).isEqualTo("- cpu: AMD EPYC 9R45 96-Core Processor, 2 logical CPUs on 1 core, "
                + Runtime.getRuntime().availableProcessors() + " available to the benchmark; features: avx2 avx512_vnni "
                + "avx512bw avx512f avx_vnni\n");
        assertThat(run(dir.resolve("absent"))).startsWith("- cpu: unknown (no ");
    }

    private static String run(Path file) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CpuInfo.command(new BenchArgs(new String[] {"cpu", "--cpuinfo", file.toString()}, 1));
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
