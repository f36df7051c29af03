package io.nimbusverse.convert;

import java.util.List;

/**
 * Typed values of up to {@code capacity} CSV records, column by column. Batches are recycled between the parsing
 * thread and the writing thread, so converting a file allocates a fixed number of them.
 */
final class RowBatch {

    final int capacity;
    final ColumnType[] types;
    final int[] scales;
    final int[] precisions;
    final boolean[][] present;
    final long[][] longs;
    final double[][] doubles;
    final boolean[][] booleans;
    final byte[][][] bytes;
    final int[][] byteLengths;
    int size;

    RowBatch(List<CsvColumn> columns, int capacity) {
        int n = columns.size();
        this.capacity = capacity;
        types = new ColumnType[n];
        scales = new int[n];
        precisions = new int[n];
        present = new boolean[n][capacity];
        longs = new long[n][];
        doubles = new double[n][];
        booleans = new boolean[n][];
        bytes = new byte[n][][];
        byteLengths = new int[n][];
        for (int c = 0; c < n; c++) {
            CsvColumn column = columns.get(c);
            types[c] = column.type();
            scales[c] = column.scale();
            precisions[c] = column.precision();
            switch (types[c]) {
                case DOUBLE -> doubles[c] = new double[capacity];
                case BOOLEAN -> booleans[c] = new boolean[capacity];
                case NONE, STRING -> {
                    bytes[c] = new byte[capacity][];
                    byteLengths[c] = new int[capacity];
                }
                default -> longs[c] = new long[capacity];
            }
        }
    }

    int width() {
        return types.length;
    }

    boolean isFull() {
        return size == capacity;
    }

    /** Stores the UTF-8 bytes of a field as the value of a text column in row {@code row}. */
    void setText(int column, int row, char[] chars, int off, int len) {
        byte[] out = bytes[column][row];
        if (out == null || out.length < len * 3) {
            out = new byte[Math.max(len * 3, 32)];
            bytes[column][row] = out;
        }
        int p = 0;
        int end = off + len;
        int i = off;
        // most text is ASCII: copy it with the simplest loop the JIT can make
        while (i < end && chars[i] < 0x80) {
            out[p++] = (byte) chars[i++];
        }
        for (; i < end; i++) {
            char ch = chars[i];
            if (ch < 0x80) {
                out[p++] = (byte) ch;
            } else if (ch < 0x800) {
                out[p++] = (byte) (0xC0 | (ch >> 6));
                out[p++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(ch, chars[++i]);
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                out[p++] = (byte) '?';
            } else {
                out[p++] = (byte) (0xE0 | (ch >> 12));
                out[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        byteLengths[column][row] = p;
    }
}
