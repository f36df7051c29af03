package io.nimbusverse.convert;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header and profiles the records that follow, up to a number of them: the narrowest type of each column,
 * whether it holds nulls, and whether its values repeat enough for dictionary encoding to pay.
 */
final class ProfilingHandler implements CsvBytes.Sink {

    /** values longer than this are not kept to count distinct values: a column of them gets no dictionary */
    private static final int DISTINCT_VALUE_BYTES = 256;

    private final Set<String> nullValues;
    private final int longestNullValue;
    private final long sampleRecords;
    private final boolean quotedEmptyIsNull;
    private final List<String> givenNames;
    private final boolean header;
    private final Map<String, String> renames;
    final List<String> headers = new ArrayList<>();
    /** columns that held a quoted empty field: an empty text, if the column turns out to be text */
    private boolean[] emptyTexts;
    private ColumnType[] types;
    private int[] integerDigits;
    private int[] scales;
    private boolean[] nulls;
    private List<Set<String>> distinct;
    private boolean[] diverse;
    private int distinctLimit;
    private long[] nonNull;
    long records;

    ProfilingHandler(Set<String> nullValues, long sampleRecords) {
        this(nullValues, sampleRecords, true, List.of(), Map.of(), false);
    }

    /**
     * @param header     whether the first record names the columns
     * @param givenNames the columns' names when there is no header, or to use instead of the header's
     * @param renames    column names given to headers
     */
    ProfilingHandler(Set<String> nullValues, long sampleRecords, boolean header, List<String> givenNames,
            Map<String, String> renames, boolean quotedEmptyIsNull) {
        this.nullValues = nullValues;
        this.longestNullValue = nullValues.stream().mapToInt(String::length).max().orElse(-1);
        this.sampleRecords = sampleRecords;
        this.header = header;
        this.givenNames = List.copyOf(givenNames);
        this.renames = Map.copyOf(renames);
        this.quotedEmptyIsNull = quotedEmptyIsNull;
        if (!header) {
            start(givenNames);
        }
    }

    @Override
    public boolean record(CsvBytes.Record record) {
        if (types == null) {
            readHeader(record);
            return sampleRecords > 0;
        }
        if (record.count != types.length) {
            throw new TypedRowHandler.RowShapeMismatch(record.line, types.length, record.count);
        }
        for (int i = 0; i < record.count; i++) {
            byte[] b = record.buffers[i];
            int off = record.offsets[i];
            int len = record.lengths[i];
            if (isNull(b, off, len)) {
                nulls[i] = true;
                emptyTexts[i] |= len == 0 && record.quoted[i] && !quotedEmptyIsNull;
                continue;
            }
            nonNull[i]++;
            Set<String> seen = distinct.get(i);
            if (len > DISTINCT_VALUE_BYTES) {
                diverse[i] = true;
            } else if (!diverse[i] && seen.size() < distinctLimit) {
                seen.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
            CsvValues.Shape shape = CsvValues.shape(b, off, len);
            types[i] = types[i].join(shape.type());
            integerDigits[i] = Math.max(integerDigits[i], shape.integerDigits());
            scales[i] = Math.max(scales[i], shape.scale());
        }
        return ++records < sampleRecords;
    }

    private boolean isNull(byte[] b, int off, int len) {
        return len == 0 || (len <= longestNullValue
                && nullValues.contains(new String(b, off, len, StandardCharsets.UTF_8)));
    }

    private void readHeader(CsvBytes.Record record) {
        List<String> read = new ArrayList<>(record.count);
        for (int i = 0; i < record.count; i++) {
            try {
                read.add(StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(record.buffers[i], record.offsets[i], record.lengths[i]))
                        .toString());
            } catch (CharacterCodingException e) {
                throw new TypedRowHandler.NotUtf8(record.line);
            }
        }
        if (!givenNames.isEmpty() && givenNames.size() != read.size()) {
            throw new TypedRowHandler.RowShapeMismatch(record.line, givenNames.size(), read.size());
        }
        start(givenNames.isEmpty() ? read : givenNames);
    }

    private void start(List<String> names) {
        headers.addAll(names);
        int n = headers.size();
        emptyTexts = new boolean[n];
        types = new ColumnType[n];
        Arrays.fill(types, ColumnType.NONE);
        integerDigits = new int[n];
        scales = new int[n];
        nulls = new boolean[n];
        nonNull = new long[n];
        diverse = new boolean[n];
        distinctLimit = ColumnBudget.forColumns(n).distinctValues();
        distinct = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            distinct.add(new HashSet<>());
        }
    }

    /**
     * The names of the columns whose sampled values repeat (fewer distinct short values than the column's share of
     * the {@link ColumnBudget}, each seen four times on average). Dictionary encoding of the others costs a hash
     * lookup per value for nothing.
     */
    Set<String> repetitiveColumns() {
        Set<String> repetitive = new HashSet<>();
        List<String> names = CsvColumn.safeNames(headers, renames);
        for (int i = 0; distinct != null && i < names.size(); i++) {
            int values = distinct.get(i).size();
            if (!diverse[i] && values < distinctLimit && values * 4L <= nonNull[i]) {
                repetitive.add(names.get(i));
            }
        }
        return repetitive;
    }

    /** Whether the file's first record is data: it has no header, or its records are all there is. */
    boolean header() {
        return header;
    }

    /**
     * The columns as profiled so far; a DECIMAL of more than {@value Decimals#MAX_PRECISION} digits is text (its
     * digits are kept, never rounded into a double); a column of empty texts only is text.
     */
    List<CsvColumn> columns() {
        List<String> names = CsvColumn.safeNames(headers, renames);
        List<CsvColumn> columns = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            ColumnType type = types == null ? ColumnType.NONE : types[i];
            if (type == ColumnType.NONE && emptyTexts != null && emptyTexts[i]) {
                type = ColumnType.STRING;
            }
            int precision = 0;
            int scale = 0;
            if (type == ColumnType.LONG) {
                // remembered so that a later decimal value widens the column to the right precision
                precision = integerDigits[i];
            } else if (type == ColumnType.DECIMAL) {
                scale = scales[i];
                precision = Math.max(1, integerDigits[i] + scale);
                if (precision > Decimals.MAX_PRECISION) {
                    type = ColumnType.STRING;
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
