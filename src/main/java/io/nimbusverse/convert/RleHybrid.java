package io.nimbusverse.convert;

import java.io.ByteArrayOutputStream;

/**
 * Parquet's RLE / bit-packing hybrid encoding of small integers (definition levels, dictionary ids): a run of at
 * least eight equal values becomes one RLE run, anything else goes into bit-packed groups of eight.
 */
final class RleHybrid {

    private RleHybrid() {
    }

    static void encode(int[] values, int count, int bitWidth, ByteArrayOutputStream out) {
        int i = 0;
        while (i < count) {
            int run = runLength(values, i, count);
            if (run >= 8) {
                writeVarint(out, run << 1);
                writeValue(out, values[i], bitWidth);
                i += run;
                continue;
            }
            // bit-packed groups of eight until a long run starts at a group boundary (or the values end)
            int start = i;
            do {
                i += 8;
            } while (i < count && runLength(values, i, count) < 8);
            int end = Math.min(i, count);
            int groups = (end - start + 7) / 8;
            writeVarint(out, (groups << 1) | 1);
            long buffer = 0;
            int bits = 0;
            for (int v = start; v < start + groups * 8; v++) {
                long value = v < end ? values[v] & 0xFFFFFFFFL : 0;
                buffer |= value << bits;
                bits += bitWidth;
                while (bits >= 8) {
                    out.write((int) (buffer & 0xFF));
                    buffer >>>= 8;
                    bits -= 8;
                }
            }
            if (bits > 0) {
                out.write((int) (buffer & 0xFF));
            }
        }
    }

    /** Bits needed for values up to {@code max}; at least 1. */
    static int bitWidth(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }

    private static int runLength(int[] values, int from, int count) {
        int value = values[from];
        int i = from + 1;
        while (i < count && values[i] == value) {
            i++;
        }
        return i - from;
    }

    private static void writeValue(ByteArrayOutputStream out, int value, int bitWidth) {
        for (int bytes = (bitWidth + 7) / 8, b = 0; b < bytes; b++) {
            out.write((value >>> (8 * b)) & 0xFF);
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
