package io.nimbusverse.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;

/**
 * Reads the header and profiles the values of the records that follow: the narrowest type of each column, and
 * whether its values repeat enough for dictionary encoding to pay.
 */
final class ProfilingHandler extends AbstractBaseCsvCallbackHandler<ProfilingHandler> {

    private static final int DISTINCT_LIMIT = 1_000;

    private final Set<String> nullValues;
    final List<String> headers = new ArrayList<>();
    private ColumnType[] types;
    private int[] integerDigits;
    private int[] scales;
    private boolean[] nulls;
    private List<Set<String>> distinct;
    private long[] nonNull;
    private long line;
    long records;

    ProfilingHandler(Set<String> nullValues) {
        this.nullValues = nullValues;
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
        line = startingLineNumber;
    }

    @Override
    protected void handleField(int index, char[] buf, int off, int len, boolean quoted) {
        if (types == null) {
            headers.add(new String(buf, off, len));
            return;
        }
        if (index >= types.length) {
            return;
        }
        if (len == 0 || nullValues.contains(new String(buf, off, len))) {
            nulls[index] = true;
            return;
        }
        nonNull[index]++;
        Set<String> seen = distinct.get(index);
        if (seen.size() < DISTINCT_LIMIT) {
            seen.add(new String(buf, off, len));
        }
        CsvValues.Shape shape = CsvValues.shape(buf, off, len);
        types[index] = types[index].join(shape.type());
        integerDigits[index] = Math.max(integerDigits[index], shape.integerDigits());
        scales[index] = Math.max(scales[index], shape.scale());
    }

    @Override
    protected ProfilingHandler buildRecord() {
        if (getRecordType() != RecordType.DATA) {
            return null;
        }
        if (types == null) {
            int n = headers.size();
            types = new ColumnType[n];
            Arrays.fill(types, ColumnType.NONE);
            integerDigits = new int[n];
            scales = new int[n];
            nulls = new boolean[n];
            nonNull = new long[n];
            distinct = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                distinct.add(new HashSet<>());
            }
        } else {
            if (getFieldCount() != types.length) {
                throw new TypedRowHandler.RowShapeMismatch(line, types.length, getFieldCount());
            }
            records++;
        }
        return this;
    }

    /**
     * The names of the columns whose sampled values repeat (fewer than {@value #DISTINCT_LIMIT} distinct values, each
     * seen four times on average). Dictionary encoding of the others costs a hash lookup per value and is dropped by
     * the writer anyway once the dictionary outgrows its page.
     */
    Set<String> repetitiveColumns() {
        Set<String> repetitive = new HashSet<>();
        List<String> names = CsvColumn.safeNames(headers);
        for (int i = 0; distinct != null && i < names.size(); i++) {
            int values = distinct.get(i).size();
            if (values < DISTINCT_LIMIT && values * 4L <= nonNull[i]) {
                repetitive.add(names.get(i));
            }
        }
        return repetitive;
    }

    /** The columns as profiled so far; a DECIMAL too wide for a long becomes DOUBLE. */
    List<CsvColumn> columns() {
        List<String> names = CsvColumn.safeNames(headers);
        List<CsvColumn> columns = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            ColumnType type = types == null ? ColumnType.NONE : types[i];
            int precision = 0;
            int scale = 0;
            if (type == ColumnType.LONG) {
                // remembered so that a later decimal value widens the column to the right precision
                precision = integerDigits[i];
            } else if (type == ColumnType.DECIMAL) {
                scale = scales[i];
                precision = Math.max(1, integerDigits[i] + scale);
                if (precision > CsvValues.MAX_LONG_DECIMAL_PRECISION) {
                    type = ColumnType.DOUBLE;
                    precision = 0;
                    scale = 0;
                }
            }
            columns.add(new CsvColumn(headers.get(i), names.get(i), type, precision, scale,
                    nulls != null && nulls[i]));
        }
        return columns;
    }
}
