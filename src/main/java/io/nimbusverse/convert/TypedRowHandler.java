package io.nimbusverse.convert;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Parses each field of a data record straight into the typed columns of a {@link RowBatch}, and hands each full
 * batch over. The header record is skipped. A value that does not fit its column's type, or a null in a column
 * that had none in the sample, stops the conversion with {@link ColumnWidening}.
 */
final class TypedRowHandler implements CsvBytes.Sink {

    /** Takes a full batch and gives back an empty one. */
    interface BatchSink {
        RowBatch handOver(RowBatch full);
    }

    private final Set<String> nullValues;
    private final int longestNullValue;
    private final BatchSink sink;
    private final boolean[] nullable;
    private final boolean[] deferred;
    private RowBatch batch;
    private boolean headerSeen;

    TypedRowHandler(RowBatch first, List<CsvColumn> columns, Set<String> nullValues, BatchSink sink) {
        this.batch = first;
        this.nullValues = nullValues;
        this.longestNullValue = nullValues.stream().mapToInt(String::length).max().orElse(-1);
        this.sink = sink;
        this.nullable = new boolean[columns.size()];
        for (int i = 0; i < nullable.length; i++) {
            nullable[i] = columns.get(i).nullable();
        }
        this.deferred = first.deferred;
    }

    /** The batch being filled, with the records not handed over yet. */
    RowBatch pending() {
        return batch;
    }

    @Override
    public boolean record(CsvBytes.Record record) {
        if (!headerSeen) {
            headerSeen = true;
            return true;
        }
        if (record.count != batch.width()) {
            throw new RowShapeMismatch(record.line, batch.width(), record.count);
        }
        int row = batch.size;
        batch.lines[row] = record.line;
        for (int i = 0; i < record.count; i++) {
            field(i, row, record.buffers[i], record.offsets[i], record.lengths[i], record.line);
        }
        batch.size++;
        if (batch.isFull()) {
            batch = sink.handOver(batch);
        }
        return true;
    }

    private void field(int index, int row, byte[] buf, int off, int len, long line) {
        if (len == 0 || (len <= longestNullValue
                && nullValues.contains(new String(buf, off, len, StandardCharsets.UTF_8)))) {
            if (!nullable[index]) {
                throw new ColumnWidening(index, CsvValues.Shape.NULL, line);
            }
            batch.present[index][row] = false;
            return;
        }
        batch.present[index][row] = true;
        if (deferred[index]) {
            batch.setText(index, row, buf, off, len);
            return;
        }
        try {
            switch (batch.types[index]) {
                case LONG -> batch.longs[index][row] = CsvValues.parseLong(buf, off, len);
                case DECIMAL -> batch.longs[index][row] =
                        CsvValues.parseUnscaled(buf, off, len, batch.precisions[index], batch.scales[index]);
                case DOUBLE -> batch.doubles[index][row] = CsvValues.parseDouble(buf, off, len);
                case BOOLEAN -> batch.booleans[index][row] = CsvValues.parseBoolean(buf, off, len);
                case DATE -> batch.longs[index][row] = CsvValues.parseDate(buf, off, len);
                case TIMESTAMP -> batch.longs[index][row] = CsvValues.parseTimestampMicros(buf, off, len, false);
                case TIMESTAMP_TZ -> batch.longs[index][row] = CsvValues.parseTimestampMicros(buf, off, len, true);
                default -> {
                    if (!CsvValues.isUtf8(buf, off, len)) {
                        throw new NotUtf8(line);
                    }
                    batch.setText(index, row, buf, off, len);
                }
            }
        } catch (IllegalArgumentException mismatch) {
            throw new ColumnWidening(index, CsvValues.shape(buf, off, len), line);
        }
    }

    /** A value of column {@code column} needs a wider type than the one inferred from the sample. */
    static final class ColumnWidening extends RuntimeException {
        final int column;
        final CsvValues.Shape shape;

        ColumnWidening(int column, CsvValues.Shape shape, long line) {
            super("line " + line + ": column " + (column + 1) + " holds a " + shape.type() + " value", null, false,
                    false);
            this.column = column;
            this.shape = shape;
        }
    }

    /** A record with another number of fields than the header: the file is malformed. */
    static final class RowShapeMismatch extends RuntimeException {
        RowShapeMismatch(long line, int expected, int found) {
            super("line " + line + ": expected " + expected + " fields as in the header, found " + found, null,
                    false, false);
        }
    }

    /** Bytes that are not UTF-8: the file is not text, or not in the one encoding this converter reads. */
    static final class NotUtf8 extends RuntimeException {
        NotUtf8(long line) {
            super("not UTF-8 text at line " + line, null, false, false);
        }
    }
}
