package io.nimbusverse.convert;

import java.util.List;

/** The typed values of one CSV record, reused from record to record so that a row allocates nothing. */
final class TypedRow {

    final ColumnType[] types;
    final int[] scales;
    final int[] precisions;
    final boolean[] present;
    final long[] longs;
    final double[] doubles;
    final boolean[] booleans;
    final byte[][] bytes;
    final int[] byteLengths;
    final long[] nullCounts;

    TypedRow(List<CsvColumn> columns) {
        int n = columns.size();
        types = new ColumnType[n];
        scales = new int[n];
        precisions = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = columns.get(i).type();
            scales[i] = columns.get(i).scale();
            precisions[i] = columns.get(i).precision();
        }
        present = new boolean[n];
        longs = new long[n];
        doubles = new double[n];
        booleans = new boolean[n];
        bytes = new byte[n][];
        byteLengths = new int[n];
        nullCounts = new long[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = new byte[64];
        }
    }

    int width() {
        return types.length;
    }

    /** Stores the UTF-8 bytes of the field as the column's value. */
    void setText(int column, char[] chars, int off, int len) {
        byte[] out = bytes[column];
        if (out.length < len * 3) {
            out = new byte[Math.max(len * 3, out.length * 2)];
            bytes[column] = out;
        }
        int p = 0;
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[p++] = (byte) '?';
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        byteLengths[column] = p;
    }
}
