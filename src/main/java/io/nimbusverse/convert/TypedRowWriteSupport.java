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

/** Writes {@link TypedRow}s to Parquet column by column, with no intermediate record objects. */
final class TypedRowWriteSupport extends WriteSupport<TypedRow> {

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
        return switch (c.type()) {
            case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
            case LONG -> Types.optional(PrimitiveTypeName.INT64).named(c.name());
            case DECIMAL -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.decimalType(c.scale(), c.precision())).named(c.name());
            case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).named(c.name());
            case DATE -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(c.name());
            case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case TIMESTAMP_TZ -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case NONE, STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
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
    public void write(TypedRow row) {
        consumer.startMessage();
        for (int i = 0; i < fieldNames.length; i++) {
            if (!row.present[i]) {
                continue;
            }
            consumer.startField(fieldNames[i], i);
            switch (row.types[i]) {
                case LONG, DECIMAL, TIMESTAMP, TIMESTAMP_TZ -> consumer.addLong(row.longs[i]);
                case DATE -> consumer.addInteger((int) row.longs[i]);
                case DOUBLE -> consumer.addDouble(row.doubles[i]);
                case BOOLEAN -> consumer.addBoolean(row.booleans[i]);
                default -> consumer.addBinary(Binary.fromReusedByteArray(row.bytes[i], 0, row.byteLengths[i]));
            }
            consumer.endField(fieldNames[i], i);
        }
        consumer.endMessage();
    }
}
