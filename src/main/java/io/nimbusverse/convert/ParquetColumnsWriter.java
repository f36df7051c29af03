package io.nimbusverse.convert;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes row batches to a Parquet file through parquet-java's file writer (footer, column and offset indexes), with
 * its own column encoding ({@link ColumnChunkWriter}). A row group is written once its compressed pages reach
 * {@code rowGroupBytes}, which bounds the memory.
 */
final class ParquetColumnsWriter implements RowBatchSink {

    private final ParquetFileWriter file;
    private final CodecFactory codecs;
    private final ColumnChunkWriter[] columns;
    private final long rowGroupBytes;
    private final Map<String, String> metadata;
    private long rowsInGroup;
    private long rows;

    ParquetColumnsWriter(OutputFile output, List<CsvColumn> csvColumns, Set<String> dictionaryColumns,
            CompressionCodecName codec, long rowGroupBytes, int pageBytes, Map<String, String> metadata)
            throws IOException {
        MessageType schema = schemaOf(csvColumns);
        this.file = new ParquetFileWriter(output, schema, ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0);
        // created only for a codec other than SNAPPY and UNCOMPRESSED: it loads Hadoop's codec classes
        this.codecs = codec == CompressionCodecName.SNAPPY || codec == CompressionCodecName.UNCOMPRESSED ? null
                : new CodecFactory(new PlainParquetConfiguration(), pageBytes);
        this.rowGroupBytes = rowGroupBytes;
        this.metadata = metadata;
        this.columns = new ColumnChunkWriter[csvColumns.size()];
        ColumnBudget budget = ColumnBudget.forColumns(columns.length);
        // pages stay fine-grained for readers that skip pages; all columns share one compressor and its buffers
        ColumnChunkWriter.PageSettings pages = new ColumnChunkWriter.PageSettings(
                PageCompressor.of(codec, codecs == null ? null : codecs.getCompressor(codec)), codec,
                budget.pageValues(), pageBytes, budget.dictionaryMaxBytes());
        List<ColumnDescriptor> descriptors = schema.getColumns();
        for (int c = 0; c < columns.length; c++) {
            CsvColumn column = csvColumns.get(c);
            columns[c] = ColumnChunkWriters.create(descriptors.get(c), column,
                    dictionaryColumns.contains(column.name()), pages);
        }
        file.start();
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
            case DECIMAL -> (c.isWideDecimal()
                    // beyond 18 digits: two's complement in the fewest bytes that hold the precision
                    ? Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                            .length(Decimals.fixedBytes(c.precision()))
                    : Types.primitive(c.precision() <= 9 ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64,
                            repetition))
                    .as(LogicalTypeAnnotation.decimalType(c.scale(), c.precision())).named(c.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(c.name());
            case DATE -> Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType())
                    .named(c.name());
            case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case TIMESTAMP_TZ -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                    .named(c.name());
            case NONE, STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.stringType()).named(c.name());
        };
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        long buffered = 0;
        for (int c = 0; c < columns.length; c++) {
            columns[c].append(batch, c);
            buffered += columns[c].bufferedBytes();
        }
        rowsInGroup += batch.size;
        rows += batch.size;
        if (buffered >= rowGroupBytes) {
            flushRowGroup();
        }
    }

    @Override
    public long rows() {
        return rows;
    }

    private void flushRowGroup() throws IOException {
        if (rowsInGroup == 0) {
            return;
        }
        file.startBlock(rowsInGroup);
        for (ColumnChunkWriter column : columns) {
            column.writeTo(file);
        }
        file.endBlock();
        rowsInGroup = 0;
    }

    /** Writes the last row group and the footer. */
    @Override
    public void finish() throws IOException {
        flushRowGroup();
        file.end(metadata);
    }

    @Override
    public void close() {
        if (codecs != null) {
            codecs.release();
        }
    }
}
