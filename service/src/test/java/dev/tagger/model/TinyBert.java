package dev.tagger.model;

import dev.tagger.model.format.Safetensors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The tiny BERT fixture of src/test/resources/fixtures (made by make_tiny_bert.py, in save_pretrained's layout),
 * and tools to make broken copies of it. The safetensors file is read and rewritten here with plain JSON and byte
 * arithmetic, independently of {@link Safetensors}.
 */
public final class TinyBert {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String[] LABELS = {"joy", "anger", "surprise"};

    /** One raw tensor of a safetensors file. */
    public record Raw(String dtype, long[] shape, byte[] data) {
    }

    private TinyBert() {
    }

    public static Path fixture(String name) {
        try {
            return Path.of(TinyBert.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path hfDir() {
        return fixture("tiny-bert-hf");
    }

    public static JsonNode reference() {
        try {
            return JSON.readTree(Files.readAllBytes(fixture("tiny-bert-reference.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the HF fixture to {@code dir}, changing its tensors and config on the way. */
    public static Path copy(Path dir, UnaryOperator<Map<String, Raw>> tensors, UnaryOperator<ObjectNode> config)
            throws IOException {
        Files.createDirectories(dir);
        Path src = hfDir();
        Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        ObjectNode c = (ObjectNode) JSON.readTree(Files.readAllBytes(src.resolve("config.json")));
        Files.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config.apply(c)));
        Files.write(dir.resolve("model.safetensors"), write(tensors.apply(read(Files.readAllBytes(src.resolve("model.safetensors"))))));
        return dir;
    }

    /** Parses a safetensors file: header by plain JSON, data by offsets. */
    public static Map<String, Raw> read(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        Map<String, Raw> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode shape = e.getValue().get("shape");
            long[] s = new long[shape.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i).asLong();
            }
            int begin = e.getValue().get("data_offsets").get(0).asInt();
            int end = e.getValue().get("data_offsets").get(1).asInt();
            byte[] data = new byte[end - begin];
            System.arraycopy(file, (int) (8 + n + begin), data, 0, data.length);
            out.put(e.getKey(), new Raw(e.getValue().get("dtype").asString(), s, data));
        }
        return out;
    }

    /** The metadata of a safetensors file's header (empty object when none). */
    public static JsonNode header(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
    }

    public static byte[] write(Map<String, Raw> tensors) {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long off = 0;
        for (Map.Entry<String, Raw> e : new TreeMap<>(tensors).entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype());
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(off).add(off + e.getValue().data().length);
            off += e.getValue().data().length;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate((int) (8 + padded + off)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Raw r : new TreeMap<>(tensors).values()) {
            out.put(r.data());
        }
        return out.array();
    }

    /** A float32 tensor of this shape filled with {@code value}. */
    public static Raw f32(float value, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            b.putFloat(value);
        }
        return new Raw("F32", shape, b.array());
    }

    /** An int64 [1, n] tensor 0..n-1, as older transformers saved bert.embeddings.position_ids. */
    public static Raw positionIds(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putLong(i);
        }
        return new Raw("I64", new long[] {1, n}, b.array());
    }
}
