package io.nimbusverse.convert;

import java.util.Set;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;

/**
 * Parses each field of a data record straight into the typed slots of a {@link TypedRow}. The header record is
 * skipped. A value that does not fit its column's type stops the conversion with {@link ColumnWidening}.
 */
final class TypedRowHandler extends AbstractBaseCsvCallbackHandler<TypedRow> {

    private final TypedRow row;
    private final Set<String> nullValues;
    private boolean headerSeen;
    private long line;

    TypedRowHandler(TypedRow row, Set<String> nullValues) {
        this.row = row;
        this.nullValues = nullValues;
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
        line = startingLineNumber;
    }

    @Override
    protected void handleField(int index, char[] buf, int off, int len, boolean quoted) {
        if (!headerSeen || index >= row.width()) {
            return;
        }
        if (len == 0 || (!nullValues.isEmpty() && nullValues.contains(new String(buf, off, len)))) {
            row.present[index] = false;
            row.nullCounts[index]++;
            return;
        }
        row.present[index] = true;
        try {
            switch (row.types[index]) {
                case LONG -> row.longs[index] = CsvValues.parseLong(buf, off, len);
                case DECIMAL -> row.longs[index] =
                        CsvValues.parseUnscaled(buf, off, len, row.precisions[index], row.scales[index]);
                case DOUBLE -> row.doubles[index] = CsvValues.parseDouble(buf, off, len);
                case BOOLEAN -> row.booleans[index] = CsvValues.parseBoolean(buf, off, len);
                case DATE -> row.longs[index] = CsvValues.parseDate(buf, off, len);
                case TIMESTAMP -> row.longs[index] = CsvValues.parseTimestampMicros(buf, off, len, false);
                case TIMESTAMP_TZ -> row.longs[index] = CsvValues.parseTimestampMicros(buf, off, len, true);
                default -> row.setText(index, buf, off, len);
            }
        } catch (IllegalArgumentException mismatch) {
            throw new ColumnWidening(index, CsvValues.shape(buf, off, len), line);
        }
    }

    @Override
    protected TypedRow buildRecord() {
        if (getRecordType() != RecordType.DATA) {
            return null;
        }
        if (!headerSeen) {
            headerSeen = true;
            return null;
        }
        if (getFieldCount() != row.width()) {
            throw new RowShapeMismatch(line, row.width(), getFieldCount());
        }
        return row;
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
}
