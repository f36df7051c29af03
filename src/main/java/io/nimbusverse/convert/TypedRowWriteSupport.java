package io.nimbusverse.convert;

import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** Writes the rows of {@link RowBatch}es to Parquet, with no intermediate record objects. */
final class TypedRowWriteSupport extends WriteSupport<BatchRow> {

    private final MessageType schema;
    private final String[] fieldNames;
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    TypedRowWriteSupport(List<CsvColumn> columns, Map<String, String> metadata) {
        this.schema = schemaOf(columns);
        this.fieldNames = columns.stream().map(CsvColumn::name).toArray(String[]::new);
        this.metadata = metadata;
    }

    static MessageType schemaOf(List<CsvColumn> columns) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (CsvColumn column : columns) {
            message.addField(fieldOf(column));
        }
        return message.named("row");
    }

    private static Type fieldOf(CsvColumn c) {
        Type.Repetition repetition = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        return switch (c.type()) {
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(c.name());
            case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(c.name());
            // the Parquet spec stores decimals of up to 9 digits in INT32, up to 18 in INT64
            case DECIMAL -> Types.primitive(c.precision() <= 9 ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64,
                    repetition).as(LogicalTypeAnnotation.decimalType(c.scale(), c.precision())).named(c.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(c.name());
            case DATE -> Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(c.name());
            case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case TIMESTAMP_TZ -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case NONE, STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
                    .named(c.name());
        };
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(BatchRow cursor) {
        RowBatch b = cursor.batch;
        int r = cursor.row;
        consumer.startMessage();
        for (int i = 0; i < fieldNames.length; i++) {
            if (!b.present[i][r]) {
                continue;
            }
            consumer.startField(fieldNames[i], i);
            switch (b.types[i]) {
                case LONG, TIMESTAMP, TIMESTAMP_TZ -> consumer.addLong(b.longs[i][r]);
                case DECIMAL -> {
                    if (b.precisions[i] <= 9) {
                        consumer.addInteger((int) b.longs[i][r]);
                    } else {
                        consumer.addLong(b.longs[i][r]);
                    }
                }
                case DATE -> consumer.addInteger((int) b.longs[i][r]);
                case DOUBLE -> consumer.addDouble(b.doubles[i][r]);
                case BOOLEAN -> consumer.addBoolean(b.booleans[i][r]);
                default -> consumer.addBinary(Binary.fromReusedByteArray(b.bytes[i][r], 0, b.byteLengths[i][r]));
            }
            consumer.endField(fieldNames[i], i);
        }
        consumer.endMessage();
    }
}
