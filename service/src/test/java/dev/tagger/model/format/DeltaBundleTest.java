package dev.tagger.model.format;

import dev.tagger.io.Json;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.ClassificationHead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** A bundle over a built-in base stores only the tensors that differ from it, in fp16 where that is lossless. */
class DeltaBundleTest {

    @Test
    void aFineTunedLayerIsStoredAsAnFp16DeltaAndReadsBackBitForBit(@TempDir Path tmp) throws Exception {
        BaseModels.Base base = BaseModels.builtin(BaseModels.MINILM);
        Map<String, HostTensor> weights = new LinkedHashMap<>(base.weights().asMap());
        List<String> layer5 = weights.keySet().stream().filter(n -> n.startsWith("encoder.layer.5.")).toList();
        for (String name : layer5) {
            HostTensor t = weights.get(name);
            float[] changed = t.data().clone();
            for (int i = 0; i < changed.length; i++) {
                changed[i] = changed[i] * 1.01f + 1e-3f;
            }
            weights.put(name, new HostTensor(t.shape(), changed).roundedToHalf());
        }
        weights.putAll(ClassificationHead.initialWeights(384, 2, 7)); // a head in fp32
        ModelBundle bundle = new ModelBundle("delta", "untrained", base.config(), List.of("a", "b"),
                new float[] {0.3f, 0.6f}, Pooling.MEAN, true, 128, BaseModels.MINILM, new WeightSet(weights),
                base.tokenizerJson(), Json.MAPPER.createObjectNode());

        Path dir = tmp.resolve("m");
        ModelBundleIO.write(bundle, dir, BaseModels::builtin);
        byte[] file = Files.readAllBytes(dir.resolve(ModelBundleIO.WEIGHTS));
        TreeSet<String> expected = new TreeSet<>();
        layer5.forEach(n -> expected.add("bert." + n));
        expected.add(ClassificationHead.WEIGHT);
        expected.add(ClassificationHead.BIAS);
        assertThat(new TreeSet<>(Safetensors.names(file))).isEqualTo(expected);
        long headerLen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).contains("\"bert.encoder.layer.5.output.dense.weight\":{\"dtype\":\"F16\"")
                .contains("\"classifier.weight\":{\"dtype\":\"F32\"");
        long layerParams = layer5.stream().mapToLong(n -> weights.get(n).data().length).sum();
        assertThat((long) file.length).isLessThan(2 * layerParams + 4L * 385 * 2 + 8 + headerLen + 1);

        ModelBundle read = ModelBundleIO.read(ModelBundleIO.directory(dir), "m");
        Map<String, HostTensor> back = read.weights().asMap();
        assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(weights.keySet());
        for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
            assertThat(back.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(ModelBundleIO.versionOf(read, BaseModels::builtin)).isEqualTo(read.version());
    }
}
