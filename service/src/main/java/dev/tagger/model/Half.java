package dev.tagger.model;

/**
 * IEEE 754 binary16 ("fp16") conversions: Java 17 has neither Float.float16ToFloat nor floatToFloat16.
 * A model may store tensors in fp16 to halve their size; every fp16 value widens to float exactly, so a
 * tensor rounded with {@link #round} reads back bit for bit.
 */
public final class Half {

    private Half() {
    }

    /** binary16 bits to float (exact). */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to the nearest binary16 (ties to even); beyond 65504 infinity, NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            // Subnormal: shift the mantissa (with its implicit 1) right, rounding to nearest even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity: still correct
        }
        return (short) (sign | half);
    }

    /** The float nearest to {@code f} that fp16 can hold. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    /** Whether every value survives a round trip through fp16 bit for bit. */
    public static boolean isExact(float[] values) {
        for (float v : values) {
            if (Float.floatToRawIntBits(round(v)) != Float.floatToRawIntBits(v)) {
                return false;
            }
        }
        return true;
    }
}
