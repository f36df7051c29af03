package io.nimbusverse.convert;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Decimals as Parquet stores them: up to {@value #LONG_DIGITS} digits as INT32 or INT64, beyond (up to
 * {@value #MAX_PRECISION}) as FIXED_LEN_BYTE_ARRAY, the unscaled value in two's complement, big-endian, in the fewest
 * bytes that hold every value of the precision.
 */
public final class Decimals {

    /** Digits whose unscaled value always fits a long. */
    public static final int LONG_DIGITS = 18;
    /** The most digits of a Parquet DECIMAL the loaders' databases all take (MySQL 65, H2 100000, Spark 38). */
    public static final int MAX_PRECISION = 38;

    private Decimals() {
    }

    /** The length of the FIXED_LEN_BYTE_ARRAY of a decimal of this many digits. */
    public static int fixedBytes(int precision) {
        return (int) Math.ceil((precision * Math.log(10) / Math.log(2) + 1) / 8);
    }

    /** The unscaled value, sign-extended to the fixed length of the precision, into {@code out} at {@code at}. */
    public static void writeFixed(BigInteger unscaled, int length, byte[] out, int at) {
        byte[] bytes = unscaled.toByteArray();
        Arrays.fill(out, at, at + length - bytes.length, unscaled.signum() < 0 ? (byte) -1 : 0);
        System.arraycopy(bytes, 0, out, at + length - bytes.length, bytes.length);
    }
}
