package dev.tagger.model;

import java.util.Arrays;

/** A float32 tensor in Java memory: the exchange format between weight files and the engine. */
public record HostTensor(long[] shape, float[] data) {

    public HostTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public int rank() {
        return shape.length;
    }

    /** The transpose of a 2-D tensor (ONNX MatMul stores [in, out], torch Linear wants [out, in]). */
    public HostTensor transpose2d() {
        if (shape.length != 2) {
            throw new IllegalStateException("transpose2d needs a matrix, shape is " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new HostTensor(new long[] {cols, rows}, out);
    }

    /** The same tensor with every value rounded to the nearest fp16 one (see {@link Half}). */
    public HostTensor roundedToHalf() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Half.round(data[i]);
        }
        return new HostTensor(shape, out);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
