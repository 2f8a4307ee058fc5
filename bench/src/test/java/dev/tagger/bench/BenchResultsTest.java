package dev.tagger.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchResultsTest {

    @Test
    void aLoadRunSurvivesTheRunFolderExactly(@TempDir Path dir) throws Exception {
        float[] p = {0.1234567f, 1e-7f, 0.99999994f};
        BenchResults.Level level = new BenchResults.Level(4, 30.0, Map.of("200", 10L, "io", 1L), 0.33,
                new Latency(10, 1.5, 2.5, 3.5, 1.7, 9.0), new BenchResults.ServerTime(1.2, 0.3, 0.8), 3.9, 100, 200);
        BenchResults.Load load = new BenchResults.Load("http://h:1", List.of("a", "b", "c"), List.of(level),
                List.of(3, 9), List.of(p, p.clone()), List.of(new BenchResults.Capture(3, 64, p)), 12.5, 7);
        Path file = dir.resolve("load.json");

        BenchResults.write(file, load);
        BenchResults.Load back = BenchResults.read(file, BenchResults.Load.class);

        assertThat(Files.readString(file)).contains("\n  \"url\"");
        assertThat(back.levels()).containsExactly(level);
        assertThat(back.sampleAlone().get(0)).containsExactly(p);
        assertThat(back.underLoad().get(0).probs()).containsExactly(p);
        assertThat(back.labels()).containsExactly("a", "b", "c");
        assertThat(back.sampleMeanBatch()).isEqualTo(12.5);
    }

    @Test
    void theBestOnnxRunIsTheFastestBatchSize() {
        Latency l = Latency.EMPTY;
        BenchResults.Ort ort = new BenchResults.Ort("int8", "/x.onnx", true, true, "v", 2, new BenchResults.OrtRun(1, 1, 1, 300, l),
                List.of(new BenchResults.OrtRun(8, 1, 1, 90, l), new BenchResults.OrtRun(32, 1, 1, 120, l),
                        new BenchResults.OrtRun(64, 1, 1, 110, l)), 0, 0, List.of(), List.of(), List.of(), 0);

        // batch 1 is not a candidate: the reference is the best of the batched runs
        assertThat(ort.best().batchSize()).isEqualTo(32);
    }
}
