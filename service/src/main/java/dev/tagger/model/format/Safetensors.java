package dev.tagger.model.format;

import dev.tagger.io.Json;
import dev.tagger.model.Half;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelFormatException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format: 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data. Reads F32, F16 and BF16 (widened to
 * float32) and skips integer buffers such as {@code position_ids}; writes F32 with names sorted, as Hugging Face's
 * save_pretrained does, or, compactly, F16 for each tensor whose values fp16 holds exactly.
 */
public final class Safetensors {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Refuse headers larger than this: a corrupt length would otherwise allocate gigabytes. */
    private static final long MAX_HEADER = 100L << 20;

    /** Dtypes of integer and boolean buffers, which {@link #read} skips. */
    private static final java.util.Set<String> INTEGER_DTYPES =
            java.util.Set.of("BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64");

    private Safetensors() {
    }

    /** The tensor names in a safetensors file's header (whatever their dtype), in header order. */
    public static List<String> names(byte[] file) {
        if (file.length < 8) {
            throw new ModelFormatException("safetensors file is shorter than its 8-byte header length");
        }
        long headerLen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > Math.min(MAX_HEADER, file.length - 8L)) {
            throw new ModelFormatException("safetensors header length " + headerLen + " is not plausible");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(file, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ModelFormatException("safetensors header is not valid JSON" + Json.where(e), e);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (!e.getKey().equals("__metadata__")) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    public static Map<String, HostTensor> read(InputStream in) throws IOException {
        byte[] lenBytes = in.readNBytes(8);
        if (lenBytes.length < 8) {
            throw new ModelFormatException("safetensors file is shorter than its 8-byte header length");
        }
        long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER) {
            throw new ModelFormatException("safetensors header length " + headerLen + " is not plausible");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length < headerLen) {
            throw new ModelFormatException("safetensors header is truncated");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ModelFormatException("safetensors header is not valid JSON" + Json.where(e), e);
        }
        record Entry(String name, String dtype, long[] shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode n = e.getValue();
            JsonNode shapeNode = n.get("shape");
            JsonNode offsets = n.get("data_offsets");
            if (shapeNode == null || offsets == null || n.get("dtype") == null || offsets.size() != 2) {
                throw new ModelFormatException("safetensors entry '" + e.getKey() + "' lacks dtype, shape or data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
            }
            entries.add(new Entry(e.getKey(), n.get("dtype").asString(), shape,
                    offsets.get(0).asLong(), offsets.get(1).asLong()));
        }
        entries.sort((a, b) -> Long.compare(a.begin, b.begin));
        Map<String, HostTensor> out = new LinkedHashMap<>();
        long pos = 0;
        for (Entry e : entries) {
            if (e.begin < pos) {
                throw new ModelFormatException("safetensors entry '" + e.name + "' overlaps another");
            }
            in.skipNBytes(e.begin - pos);
            long len = e.end - e.begin;
            if (len < 0 || len > Integer.MAX_VALUE) {
                throw new ModelFormatException("safetensors entry '" + e.name + "' has a bad byte range");
            }
            if (INTEGER_DTYPES.contains(e.dtype)) {
                // Integer buffers (position_ids, token_type_ids) are not weights: skipped, never decoded.
                in.skipNBytes(len);
                pos = e.end;
                continue;
            }
            byte[] bytes = in.readNBytes((int) len);
            if (bytes.length < len) {
                throw new ModelFormatException("safetensors data of '" + e.name + "' is truncated");
            }
            pos = e.end;
            out.put(e.name, new HostTensor(e.shape, decode(e.name, e.dtype, bytes, e.shape)));
        }
        return out;
    }

    private static float[] decode(String name, String dtype, byte[] bytes, long[] shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new ModelFormatException("tensor '" + name + "' has dtype " + dtype
                    + "; supported: F32, F16, BF16");
        };
        if (count * width != bytes.length) {
            throw new ModelFormatException("tensor '" + name + "' has " + bytes.length + " bytes, shape needs "
                    + count * width);
        }
        float[] out = new float[(int) count];
        switch (dtype) {
            case "F32" -> buf.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.toFloat(buf.getShort());
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
            }
        }
        return out;
    }

    /** Writes float32 tensors, names sorted, header padded with spaces to a multiple of 8 bytes. */
    public static void write(Map<String, HostTensor> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        write(tensors, metadata, out, false);
    }

    /**
     * Like {@link #write}, but a tensor whose every value fp16 holds exactly (one rounded with
     * {@link HostTensor#roundedToHalf}) is stored as F16: half the bytes, and it reads back bit for bit.
     */
    public static void writeCompact(Map<String, HostTensor> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        write(tensors, metadata, out, true);
    }

    private static void write(Map<String, HostTensor> tensors, Map<String, String> metadata, OutputStream out,
                              boolean compact) throws IOException {
        TreeMap<String, HostTensor> sorted = new TreeMap<>(tensors);
        Map<String, Boolean> half = new LinkedHashMap<>();
        sorted.forEach((name, t) -> half.put(name, compact && Half.isExact(t.data())));
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            boolean f16 = half.get(e.getKey());
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", f16 ? "F16" : "F32");
            var shape = n.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long len = (f16 ? 2L : 4L) * e.getValue().data().length;
            n.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] h = new byte[padded];
        System.arraycopy(headerBytes, 0, h, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded; i++) {
            h[i] = ' ';
        }
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(h);
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            float[] data = e.getValue().data();
            if (half.get(e.getKey())) {
                ByteBuffer b = ByteBuffer.allocate(2 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : data) {
                    b.putShort(Half.fromFloat(v));
                }
                out.write(b.array());
            } else {
                ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(data);
                out.write(b.array());
            }
        }
    }
}
