package io.nimbusverse.convert;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Typed values into a Parquet file a row at a time, through the CSV converter's own encoder (its pages, dictionaries
 * and statistics): for rows whose types are known beforehand, such as a table's from its JDBC metadata. Values are
 * held a batch of rows at a time, column by column, without an object per value.
 */
public final class TypedParquetWriter implements Closeable {

    /** What a column holds, which makes its Parquet type. */
    public enum Kind {
        BOOLEAN, INT32, INT64,
        /** exact, its unscaled value a long up to 18 digits, two's complement bytes beyond */
        DECIMAL, FLOAT, DOUBLE,
        /** days since 1970-01-01 */
        DATE,
        /** microseconds since 1970-01-01T00:00, a local date-time */
        TIMESTAMP,
        /** microseconds since 1970-01-01T00:00Z, an instant */
        INSTANT,
        /** microseconds since midnight */
        TIME, STRING, BYTES
    }

    /**
     * A column.
     *
     * @param dictionary whether its values are dictionary-encoded (worth it when they repeat; the encoder falls back
     *                   to plain values when the dictionary grows too large anyway)
     */
    public record Field(String name, Kind kind, int precision, int scale, boolean nullable, boolean dictionary) {

        public boolean isWideDecimal() {
            return kind == Kind.DECIMAL && precision > Decimals.LONG_DIGITS;
        }
    }

    private static final int BATCH_ROWS = 4096;

    private final ParquetColumnsWriter writer;
    private final RowBatch batch;
    private final List<Field> fields;

    public TypedParquetWriter(OutputFile output, List<Field> fields, CompressionCodecName codec, long rowGroupBytes,
            int pageBytes, Map<String, String> metadata) throws IOException {
        this.fields = List.copyOf(fields);
        List<CsvColumn> storage = fields.stream().map(TypedParquetWriter::storageOf).toList();
        Set<String> dictionary = Set.copyOf(fields.stream().filter(Field::dictionary).map(Field::name).toList());
        this.writer = new ParquetColumnsWriter(output, schemaOf(fields), storage, dictionary, codec, rowGroupBytes,
                pageBytes, metadata);
        this.batch = new RowBatch(storage, BATCH_ROWS);
    }

    /** How the encoder holds a column's values: as longs, doubles, booleans, or bytes. */
    private static CsvColumn storageOf(Field field) {
        ColumnType type = switch (field.kind()) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case FLOAT, DOUBLE -> ColumnType.DOUBLE;
            case STRING, BYTES -> ColumnType.STRING;
            case DECIMAL -> field.isWideDecimal() ? ColumnType.DECIMAL : ColumnType.LONG;
            default -> ColumnType.LONG;
        };
        return new CsvColumn(field.name(), field.name(), type, field.precision(), field.scale(), field.nullable());
    }

    static MessageType schemaOf(List<Field> fields) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (Field field : fields) {
            message.addField(typeOf(field));
        }
        return message.named("row");
    }

    private static Type typeOf(Field f) {
        Type.Repetition repetition = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        return switch (f.kind()) {
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(f.name());
            case INT32 -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(f.name());
            case INT64 -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(f.name());
            case DECIMAL -> (f.isWideDecimal()
                    ? Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                            .length(Decimals.fixedBytes(f.precision()))
                    : Types.primitive(f.precision() <= 9 ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64,
                            repetition))
                    .as(LogicalTypeAnnotation.decimalType(f.scale(), f.precision())).named(f.name());
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(f.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(f.name());
            case DATE -> Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType())
                    .named(f.name());
            case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(f.name());
            case INSTANT -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(f.name());
            case TIME -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timeType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(f.name());
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
                    .named(f.name());
            case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(f.name());
        };
    }

    /**
     * A value of an INT32, INT64, DATE, TIMESTAMP, INSTANT or TIME column, or the unscaled value of a DECIMAL of up
     * to 18 digits. Every column of a row is set, to a value or to null, before {@link #endRow()}.
     */
    public void set(int column, long value) {
        batch.longs[column][batch.size] = value;
        batch.present[column][batch.size] = true;
    }

    /** A value of a FLOAT or DOUBLE column. */
    public void set(int column, double value) {
        batch.doubles[column][batch.size] = value;
        batch.present[column][batch.size] = true;
    }

    public void set(int column, boolean value) {
        batch.booleans[column][batch.size] = value;
        batch.present[column][batch.size] = true;
    }

    /**
     * A value of a STRING column (its UTF-8 bytes), a BYTES column, or a DECIMAL of more than 18 digits (its unscaled
     * value in two's complement, big-endian, of the column's fixed length: {@link Decimals#writeFixed}).
     */
    public void set(int column, byte[] value) {
        batch.setText(column, batch.size, value, 0, value.length);
        batch.present[column][batch.size] = true;
    }

    public void setNull(int column) {
        if (!fields.get(column).nullable()) {
            throw new IllegalArgumentException("column " + fields.get(column).name() + " is NOT NULL");
        }
        batch.present[column][batch.size] = false;
    }

    /** The row's values are all set: on to the next row. */
    public void endRow() throws IOException {
        batch.size++;
        if (batch.isFull()) {
            writer.write(batch);
            batch.clear();
        }
    }

    /** Writes the rows still held and the footer: the rows written. */
    public long finish() throws IOException {
        if (batch.size > 0) {
            writer.write(batch);
            batch.clear();
        }
        writer.finish();
        return writer.rows();
    }

    @Override
    public void close() {
        writer.close();
    }
}
