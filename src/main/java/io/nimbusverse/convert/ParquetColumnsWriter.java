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
import org.apache.parquet.schema.MessageType;

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
        this(output, schemaOf(csvColumns), csvColumns, dictionaryColumns, codec, rowGroupBytes, pageBytes, metadata);
    }

    /**
     * @param schema     the file's columns, one per batch column: each column's Parquet type is the schema's (INT32 or
     *                   INT64, FLOAT or DOUBLE, any logical type), its values are held as its batch column's type says
     */
    ParquetColumnsWriter(OutputFile output, MessageType schema, List<CsvColumn> csvColumns,
            Set<String> dictionaryColumns, CompressionCodecName codec, long rowGroupBytes, int pageBytes,
            Map<String, String> metadata) throws IOException {
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
        return TypedParquetWriter.schemaOf(columns.stream().map(ParquetColumnsWriter::fieldOf).toList());
    }

    private static TypedParquetWriter.Field fieldOf(CsvColumn c) {
        TypedParquetWriter.Kind kind = switch (c.type()) {
            case BOOLEAN -> TypedParquetWriter.Kind.BOOLEAN;
            case LONG -> TypedParquetWriter.Kind.INT64;
            case DECIMAL -> TypedParquetWriter.Kind.DECIMAL;
            case DOUBLE -> TypedParquetWriter.Kind.DOUBLE;
            case DATE -> TypedParquetWriter.Kind.DATE;
            case TIMESTAMP -> TypedParquetWriter.Kind.TIMESTAMP;
            case TIMESTAMP_TZ -> TypedParquetWriter.Kind.INSTANT;
            case NONE, STRING -> TypedParquetWriter.Kind.STRING;
        };
        return new TypedParquetWriter.Field(c.name(), kind, c.precision(), c.scale(), c.nullable(), false);
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
