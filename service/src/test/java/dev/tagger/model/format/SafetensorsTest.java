package dev.tagger.model.format;

import dev.tagger.model.Half;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelFormatException;
import dev.tagger.model.WeightSet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safetensors reader and writer against bytes laid out by hand. */
class SafetensorsTest {

    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    @Test
    void readsF32F16AndBf16() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        d.putFloat(1.5f).putFloat(-2f);                 // F32 [2]
        d.putShort((short) 0x3C00).putShort((short) 0xC000); // F16 1.0, -2.0
        d.putShort((short) 0x3FC0).putShort((short) 0x4040); // BF16 1.5, 3.0
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[12,16]}}";
        Map<String, HostTensor> t = Safetensors.read(new ByteArrayInputStream(file(header, d.array())));
        assertThat(t.get("a").data()).containsExactly(1.5f, -2f);
        assertThat(t.get("h").data()).containsExactly(1f, -2f);
        assertThat(t.get("b").data()).containsExactly(1.5f, 3f);
        assertThat(t.get("b").shape()).containsExactly(1, 2);
    }

    @Test
    void halfPrecisionEdgeCases() {
        assertThat(Half.toFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(Half.toFloat((short) 0x0001)).isEqualTo(5.9604645e-8f);
        assertThat(Half.toFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.isNaN(Half.toFloat((short) 0x7E00))).isTrue();
        assertThat(Half.toFloat((short) 0x8000)).isEqualTo(-0f);
    }

    @Test
    void everyHalfValueSurvivesARoundTripAndFloatsRoundToTheNearestEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Half.toFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(Half.fromFloat(f) & 0xffff).as("half %04x", bits).isEqualTo(bits);
            } else {
                assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(f)))).isTrue();
            }
        }
        float oneUlp = 0x1p-10f; // fp16's spacing just above 1
        assertThat(Half.round(1f + oneUlp / 2)).isEqualTo(1f);                       // tie: to even (1.0)
        assertThat(Half.round(1f + 3 * oneUlp / 2)).isEqualTo(1f + 2 * oneUlp);      // tie: to even (1 + 2 ulp)
        assertThat(Half.round(1f + oneUlp * 0.51f)).isEqualTo(1f + oneUlp);
        assertThat(Half.round(65520f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Half.round(65519f)).isEqualTo(65504f);
        assertThat(Half.round(0x1p-25f)).isEqualTo(0f);                               // tie with 0: to even
        assertThat(Half.round(0x1.01p-25f)).isEqualTo(0x1p-24f);                      // smallest subnormal
        assertThat(Half.round(3 * 0x1p-25f)).isEqualTo(2 * 0x1p-24f);                 // subnormal tie: to even
        assertThat(Half.round(1e-10f)).isEqualTo(0f);
        assertThat(Half.round(-2.5f)).isEqualTo(-2.5f);
    }

    @Test
    void writesCompactlyAsF16OnlyTheTensorsFp16HoldsExactly() throws Exception {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("exact", new HostTensor(new long[] {3}, new float[] {0.5f, -1.25f, Half.round(0.1f)}));
        in.put("inexact", new HostTensor(new long[] {2}, new float[] {0.1f, 1f}));
        in.put("rounded", new HostTensor(new long[] {2}, new float[] {0.1f, 3.14159f}).roundedToHalf());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.writeCompact(in, Map.of("format", "pt"), out);
        byte[] bytes = out.toByteArray();
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).contains("\"exact\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}")
                .contains("\"inexact\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[6,14]}")
                .contains("\"rounded\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[14,18]}");
        assertThat(bytes.length).isEqualTo(8 + headerLen + 18);
        assertThat(Safetensors.read(new ByteArrayInputStream(bytes))).isEqualTo(in);

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Safetensors.write(in, Map.of(), plain);
        assertThat(new String(plain.toByteArray(), StandardCharsets.UTF_8)).doesNotContain("F16");
    }

    @Test
    void writesSortedNamesWithAnAlignedHeaderAndReadsThemBack() throws Exception {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("z.weight", new HostTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        in.put("a.bias", new HostTensor(new long[] {3}, new float[] {5, 6, 7}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(in, Map.of("format", "pt"), out);
        byte[] bytes = out.toByteArray();
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header.indexOf("a.bias")).isLessThan(header.indexOf("z.weight"));
        assertThat(header).contains("\"data_offsets\":[0,12]").contains("\"data_offsets\":[12,28]");
        Map<String, HostTensor> back = Safetensors.read(new ByteArrayInputStream(bytes));
        assertThat(back).isEqualTo(in);
    }

    @Test
    void refusesUnknownDtypesAndTruncatedData() {
        String header = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        assertThatThrownBy(() -> Safetensors.read(new ByteArrayInputStream(file(header, new byte[8]))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'x'").hasMessageContaining("F64");
        String h2 = "{\"y\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertThatThrownBy(() -> Safetensors.read(new ByteArrayInputStream(file(h2, new byte[8]))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'y'");
    }

    @Test
    void integerBuffersSuchAsPositionIdsAreSkipped() throws Exception {
        String header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        byte[] data = new byte[20];
        data[19] = 0x3f;
        data[18] = (byte) 0x80;
        Map<String, HostTensor> t = Safetensors.read(new ByteArrayInputStream(file(header, data)));
        assertThat(t).containsOnlyKeys("w");
        assertThat(t.get("w").data()).containsExactly(1f);
        assertThat(Safetensors.names(file(header, data))).containsExactly("ids", "w");
    }

    @Test
    void aMisShapedTensorIsNamedWithBothShapes() {
        WeightSet w = new WeightSet(Map.of("bert.embeddings.LayerNorm.weight", new HostTensor(new long[] {3}, new float[3])));
        assertThatThrownBy(() -> w.require("embeddings.LayerNorm.weight", 384))
                .hasMessageContaining("embeddings.LayerNorm.weight").hasMessageContaining("[3]").hasMessageContaining("[384]");
        assertThatThrownBy(() -> w.require("encoder.layer.0.output.dense.bias", 384))
                .hasMessageContaining("missing tensor 'encoder.layer.0.output.dense.bias'");
    }
}
