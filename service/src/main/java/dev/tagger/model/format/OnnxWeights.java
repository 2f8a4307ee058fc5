package dev.tagger.model.format;

import dev.tagger.model.HostTensor;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the float initializers of an exported BERT ONNX graph and names them as Hugging Face does.
 *
 * <p>The protobuf is walked field by field (no generated classes): ModelProto.graph (7) holds
 * GraphProto.node (1) and GraphProto.initializer (5). Linear weights exported by torch are anonymous
 * ({@code onnx::MatMul_123}); their name comes from the MatMul node that consumes them
 * ({@code /encoder/layer.3/attention/self/query/MatMul} becomes
 * {@code encoder.layer.3.attention.self.query.weight}), and they are transposed from ONNX's
 * [in, out] to torch's [out, in].
 */
public final class OnnxWeights {

    private static final int ONNX_FLOAT = 1;
    /** How torch names the weight of a linear layer it exports as a MatMul. */
    private static final String ANONYMOUS_MATMUL = "onnx::MatMul";

    private OnnxWeights() {
    }

    /** Returns every float initializer under its Hugging Face name, in torch layout. */
    public static Map<String, HostTensor> read(InputStream onnx) throws IOException {
        Parsed parsed = parse(onnx);
        Map<String, HostTensor> named = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : parsed.initializers.entrySet()) {
            String node = parsed.matMulWeightToNode.get(e.getKey());
            if (node != null) {
                named.put(linearWeightName(node), e.getValue().transpose2d());
            } else {
                named.put(e.getKey(), e.getValue());
            }
        }
        return named;
    }

    /**
     * The ONNX initializer behind each name {@link #read} returns. Overriding an initializer (ONNX Runtime's
     * {@code addInitializer}) needs the graph's own name; where {@link #isTransposed} says so, the graph holds that
     * tensor in ONNX's [in, out] layout, the transpose of what {@link #read} returns.
     */
    public static Map<String, String> onnxNames(InputStream onnx) throws IOException {
        Parsed parsed = parse(onnx);
        Map<String, String> names = new LinkedHashMap<>();
        for (String onnxName : parsed.initializers.keySet()) {
            String node = parsed.matMulWeightToNode.get(onnxName);
            names.put(node != null ? linearWeightName(node) : onnxName, onnxName);
        }
        return names;
    }

    /** Whether the initializer of this ONNX name is a linear weight stored [in, out] (see {@link #onnxNames}). */
    public static boolean isTransposed(String onnxName) {
        return onnxName.startsWith(ANONYMOUS_MATMUL);
    }

    private record Parsed(Map<String, HostTensor> initializers, Map<String, String> matMulWeightToNode) {
    }

    private static Parsed parse(InputStream onnx) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(onnx);
        in.setSizeLimit(Integer.MAX_VALUE);
        Map<String, HostTensor> initializers = new LinkedHashMap<>();
        Map<String, String> matMulWeightToNode = new HashMap<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                readGraph(in, initializers, matMulWeightToNode);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        return new Parsed(initializers, matMulWeightToNode);
    }

    /** "/encoder/layer.3/attention/self/query/MatMul" -> "encoder.layer.3.attention.self.query.weight". */
    static String linearWeightName(String matMulNodeName) {
        String path = matMulNodeName.startsWith("/") ? matMulNodeName.substring(1) : matMulNodeName;
        int cut = path.lastIndexOf('/');
        if (cut < 0) {
            throw new IllegalArgumentException("MatMul node name has no module path: " + matMulNodeName);
        }
        return path.substring(0, cut).replace('/', '.') + ".weight";
    }

    private static void readGraph(CodedInputStream in, Map<String, HostTensor> initializers,
                                  Map<String, String> matMulWeightToNode) throws IOException {
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                int limit = in.pushLimit(in.readRawVarint32());
                readNode(in, matMulWeightToNode);
                in.popLimit(limit);
            } else if (field == 5) {
                int limit = in.pushLimit(in.readRawVarint32());
                NamedTensor t = readTensor(in);
                if (t != null) {
                    initializers.put(t.name, t.tensor);
                }
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static void readNode(CodedInputStream in, Map<String, String> matMulWeightToNode) throws IOException {
        List<String> inputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> opType = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        if ("MatMul".equals(opType) && inputs.size() == 2 && inputs.get(1).startsWith(ANONYMOUS_MATMUL)) {
            matMulWeightToNode.put(inputs.get(1), name);
        }
    }

    private record NamedTensor(String name, HostTensor tensor) {
    }

    private static NamedTensor readTensor(CodedInputStream in) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floats = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            switch (field) {
                case 1 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            dims.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        dims.add(in.readInt64());
                    }
                }
                case 2 -> dataType = in.readInt32();
                case 4 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            floats.add(in.readFloat());
                        }
                        in.popLimit(limit);
                    } else {
                        floats.add(in.readFloat());
                    }
                }
                case 8 -> name = in.readStringRequireUtf8();
                case 9 -> raw = in.readByteArray();
                default -> in.skipField(tag);
            }
        }
        if (dataType != ONNX_FLOAT) {
            return null;
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data;
        if (raw != null) {
            data = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            data = new float[floats.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = floats.get(i);
            }
        }
        return new NamedTensor(name, new HostTensor(shape, data));
    }
}
