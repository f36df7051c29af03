package io.nimbusverse.convert;

import java.util.Arrays;
import java.util.List;

/**
 * Typed values of up to {@code capacity} CSV records, column by column; text is kept as UTF-8 bytes in one
 * growing array per column. Batches are recycled between the parsing thread and the writing thread, so converting
 * a file allocates a fixed number of them.
 */
final class RowBatch {

    static final int MAX_TEXT_BYTES = 8 << 20;

    final int capacity;
    final ColumnType[] types;
    final int[] scales;
    final int[] precisions;
    final boolean[][] present;
    final long[][] longs;
    final double[][] doubles;
    final boolean[][] booleans;
    final byte[][] text;
    final int[][] textOffsets;
    final int[][] textLengths;
    private final int[] textUsed;
    /** columns whose text the writing thread parses rather than the parsing one: they share the work */
    final boolean[] deferred;
    /** the line of each row, for the errors of deferred columns */
    final long[] lines;
    int size;
    /** bytes of text held by all columns */
    private long textBytes;

    RowBatch(List<CsvColumn> columns, int capacity) {
        this(columns, capacity, new boolean[columns.size()]);
    }

    RowBatch(List<CsvColumn> columns, int capacity, boolean[] deferred) {
        int n = columns.size();
        this.deferred = deferred;
        this.lines = new long[capacity];
        this.capacity = capacity;
        types = new ColumnType[n];
        scales = new int[n];
        precisions = new int[n];
        present = new boolean[n][capacity];
        longs = new long[n][];
        doubles = new double[n][];
        booleans = new boolean[n][];
        text = new byte[n][];
        textOffsets = new int[n][];
        textLengths = new int[n][];
        textUsed = new int[n];
        for (int c = 0; c < n; c++) {
            CsvColumn column = columns.get(c);
            types[c] = column.type();
            scales[c] = column.scale();
            precisions[c] = column.precision();
            if (deferred[c] || types[c] == ColumnType.STRING || types[c] == ColumnType.NONE
                    || column.isWideDecimal()) {
                text[c] = new byte[capacity * 16];
                textOffsets[c] = new int[capacity];
                textLengths[c] = new int[capacity];
            } else if (types[c] == ColumnType.DOUBLE) {
                doubles[c] = new double[capacity];
            } else if (types[c] == ColumnType.BOOLEAN) {
                booleans[c] = new boolean[capacity];
            } else {
                longs[c] = new long[capacity];
            }
        }
    }

    int width() {
        return types.length;
    }

    /** Full at its capacity of rows, or earlier once its text takes {@value #MAX_TEXT_BYTES} bytes: long values. */
    boolean isFull() {
        return size == capacity || textBytes >= MAX_TEXT_BYTES;
    }

    void clear() {
        size = 0;
        textBytes = 0;
        Arrays.fill(textUsed, 0);
    }

    /** Appends row {@code row} of another batch of the same columns (its values already parsed, or kept as text). */
    void copyRow(RowBatch from, int row) {
        int to = size;
        for (int c = 0; c < types.length; c++) {
            boolean isPresent = from.present[c][row];
            present[c][to] = isPresent;
            if (!isPresent) {
                continue;
            }
            if (from.text[c] != null) {
                setText(c, to, from.text[c], from.textOffsets[c][row], from.textLengths[c][row]);
            } else if (from.doubles[c] != null) {
                doubles[c][to] = from.doubles[c][row];
            } else if (from.booleans[c] != null) {
                booleans[c][to] = from.booleans[c][row];
            } else {
                longs[c][to] = from.longs[c][row];
            }
        }
        lines[to] = from.lines[row];
        size++;
    }

    /** Stores the bytes of a field as the value of a text column in row {@code row}. */
    void setText(int column, int row, byte[] bytes, int off, int len) {
        byte[] arena = text[column];
        int used = textUsed[column];
        if (arena.length - used < len) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + len));
            text[column] = arena;
        }
        System.arraycopy(bytes, off, arena, used, len);
        textOffsets[column][row] = used;
        textLengths[column][row] = len;
        textUsed[column] = used + len;
        textBytes += len;
    }
}
