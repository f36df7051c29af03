package io.nimbusverse.convert;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses each field of a data record straight into the typed columns of a {@link RowBatch}, and hands each full
 * batch over. The header record, when the file has one, is skipped. A value that does not fit its column's type:
 * widens an inferred column ({@link ColumnWidening}: the file is read again), makes its row a bad row for a pinned
 * column ({@link BadRows}), or fails the file for a column whose type may not change ({@link ValueDoesNotFit}).
 */
final class TypedRowHandler implements CsvBytes.Sink {

    /** Takes a full batch and gives back an empty one. */
    interface BatchSink {
        RowBatch handOver(RowBatch full);
    }

    private final Set<String> nullValues;
    private final int longestNullValue;
    private final boolean quotedEmptyIsNull;
    private final BatchSink sink;
    private final List<CsvColumn> columns;
    private final boolean[] nullable;
    private final boolean[] deferred;
    private final DateTimeFormatter[] formats;
    /** a scratch of its fixed length for each decimal column wider than a long */
    private final byte[][] fixedBytes;
    private final BadRows badRows;
    private RowBatch batch;
    private boolean headerSeen;
    private long badRowCount;

    TypedRowHandler(RowBatch first, List<CsvColumn> columns, Set<String> nullValues, BatchSink sink) {
        this(first, columns, nullValues, true, false, null, sink);
    }

    /**
     * @param header  whether the first record is the header (and not data)
     * @param badRows where the rows with a value that does not fit a pinned column go; null to fail the file
     */
    TypedRowHandler(RowBatch first, List<CsvColumn> columns, Set<String> nullValues, boolean header,
            boolean quotedEmptyIsNull, BadRows badRows, BatchSink sink) {
        this.batch = first;
        this.columns = columns;
        this.nullValues = nullValues;
        this.longestNullValue = nullValues.stream().mapToInt(String::length).max().orElse(-1);
        this.quotedEmptyIsNull = quotedEmptyIsNull;
        this.sink = sink;
        this.badRows = badRows;
        this.headerSeen = !header;
        this.nullable = new boolean[columns.size()];
        this.formats = new DateTimeFormatter[columns.size()];
        this.fixedBytes = new byte[columns.size()][];
        for (int i = 0; i < nullable.length; i++) {
            if (columns.get(i).isWideDecimal()) {
                fixedBytes[i] = new byte[Decimals.fixedBytes(columns.get(i).precision())];
            }
            nullable[i] = columns.get(i).nullable();
            String format = columns.get(i).format();
            formats[i] = format == null ? null : DateTimeFormatter.ofPattern(format, Locale.ROOT);
        }
        this.deferred = first.deferred;
    }

    /** The batch being filled, with the records not handed over yet. */
    RowBatch pending() {
        return batch;
    }

    /** Rows left out because a value did not fit its pinned column. */
    long badRows() {
        return badRowCount;
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
            if (!field(i, row, record.buffers[i], record.offsets[i], record.lengths[i], record.quoted[i],
                    record.line)) {
                badRowCount++;
                return true; // the row is left out: the batch's size does not grow
            }
        }
        batch.size++;
        if (batch.isFull()) {
            batch = sink.handOver(batch);
        }
        return true;
    }

    /** Stores one field; false when it does not fit its pinned column and its row went to the bad rows. */
    private boolean field(int index, int row, byte[] buf, int off, int len, boolean quoted, long line) {
        if (len == 0 && quoted && !quotedEmptyIsNull && batch.types[index] == ColumnType.STRING) {
            batch.present[index][row] = true;
            batch.setText(index, row, buf, off, 0);
            return true;
        }
        if (len == 0 || (len <= longestNullValue
                && nullValues.contains(new String(buf, off, len, StandardCharsets.UTF_8)))) {
            if (!nullable[index]) {
                // whatever its fit: a type is given, not whether values may be missing
                throw new ColumnWidening(index, CsvValues.Shape.NULL, line);
            }
            batch.present[index][row] = false;
            return true;
        }
        batch.present[index][row] = true;
        if (deferred[index]) {
            batch.setText(index, row, buf, off, len);
            return true;
        }
        try {
            if (formats[index] != null) {
                batch.longs[index][row] = formatted(index, new String(buf, off, len, StandardCharsets.UTF_8));
                return true;
            }
            switch (batch.types[index]) {
                case LONG -> batch.longs[index][row] = CsvValues.parseLong(buf, off, len);
                case DECIMAL -> {
                    if (batch.longs[index] == null) {
                        // wider than a long: kept as its fixed-length bytes, which the writer copies as they are
                        byte[] fixed = fixedBytes[index];
                        Decimals.writeFixed(CsvValues.parseWideUnscaled(buf, off, len, batch.precisions[index],
                                batch.scales[index]), fixed.length, fixed, 0);
                        batch.setText(index, row, fixed, 0, fixed.length);
                    } else {
                        batch.longs[index][row] =
                                CsvValues.parseUnscaled(buf, off, len, batch.precisions[index], batch.scales[index]);
                    }
                }
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
            return true;
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException mismatch) {
            CsvColumn column = columns.get(index);
            switch (column.fit()) {
                case INFERRED -> throw new ColumnWidening(index, CsvValues.shape(buf, off, len), line);
                case PINNED -> {
                    if (badRows != null) {
                        badRows.add(line, column, new String(buf, off, len, StandardCharsets.UTF_8));
                        return false;
                    }
                    throw new ValueDoesNotFit(line, column, new String(buf, off, len, StandardCharsets.UTF_8),
                            "its type is pinned by the dataset's rule");
                }
                default -> throw new ValueDoesNotFit(line, column,
                        new String(buf, off, len, StandardCharsets.UTF_8),
                        "the dataset's schema may not change (evolution: fail)");
            }
        }
    }

    /** A date (epoch day) or timestamp (epoch microseconds) written in the column's pattern. */
    private long formatted(int index, String text) {
        DateTimeFormatter format = formats[index];
        return switch (batch.types[index]) {
            case DATE -> LocalDate.parse(text, format).toEpochDay();
            case TIMESTAMP -> micros(LocalDateTime.parse(text, format).toInstant(ZoneOffset.UTC));
            case TIMESTAMP_TZ -> {
                TemporalAccessor parsed = format.parse(text);
                yield micros(Instant.from(parsed));
            }
            default -> throw new IllegalArgumentException("a format is for dates and timestamps");
        };
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
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

    /** A value that does not fit a column whose type may not change, when the file is quarantined for it. */
    static final class ValueDoesNotFit extends RuntimeException {
        ValueDoesNotFit(long line, CsvColumn column, String value, String why) {
            super("line " + line + ": column " + column.name() + " (" + column.typeName() + ") cannot hold "
                    + BadRows.excerpt(value) + ": " + why, null, false, false);
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
