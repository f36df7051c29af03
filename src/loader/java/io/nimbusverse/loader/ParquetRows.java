package io.nimbusverse.loader;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The rows of a flat Parquet file, one at a time, each value read straight from its column's reader: no record object
 * per row (the pipeline's tables are flat).
 */
final class ParquetRows {

    private final ParquetFileReader reader;
    private final MessageType schema;
    private final List<PrimitiveType> columns;
    private final List<ColumnDescriptor> descriptors;
    private final String createdBy;
    private final ColumnReader[] values;
    private long leftInGroup;
    private boolean onRow;

    ParquetRows(ParquetFileReader reader) {
        this.reader = reader;
        this.schema = reader.getFooter().getFileMetaData().getSchema();
        this.columns = schema.getFields().stream().map(Type::asPrimitiveType).toList();
        this.descriptors = schema.getColumns();
        this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
        this.values = new ColumnReader[columns.size()];
    }

    List<PrimitiveType> columns() {
        return columns;
    }

    /** Moves on to the next row; false after the last one. */
    boolean next() throws IOException {
        if (onRow) {
            for (ColumnReader value : values) {
                value.consume();
            }
            leftInGroup--;
        }
        while (leftInGroup == 0) {
            PageReadStore pages = reader.readNextRowGroup();
            if (pages == null) {
                onRow = false;
                return false;
            }
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                    new GroupRecordConverter(schema).getRootConverter(), schema, createdBy);
            for (int c = 0; c < values.length; c++) {
                values[c] = store.getColumnReader(descriptors.get(c));
            }
            leftInGroup = pages.getRowCount();
        }
        onRow = true;
        return true;
    }

    boolean isNull(int column) {
        return values[column].getCurrentDefinitionLevel() < descriptors.get(column).getMaxDefinitionLevel();
    }

    /** The reader of a column, standing at the current row's value. */
    ColumnReader value(int column) {
        return values[column];
    }

    /** A timestamp in microseconds since the epoch, whatever its unit (the loaders' columns keep microseconds). */
    static long micros(LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp, long raw) {
        return switch (timestamp.getUnit()) {
            case MILLIS -> raw * 1_000;
            case MICROS -> raw;
            case NANOS -> raw / 1_000;
        };
    }

    /** A time of day in microseconds, whatever its unit. */
    static long micros(LogicalTypeAnnotation.TimeLogicalTypeAnnotation time, ColumnReader value) {
        return switch (time.getUnit()) {
            case MILLIS -> value.getInteger() * 1_000L;
            case MICROS -> value.getLong();
            case NANOS -> value.getLong() / 1_000;
        };
    }

    /** A decimal kept as the bytes of its unscaled value (FIXED_LEN_BYTE_ARRAY or BINARY). */
    static BigDecimal decimal(Binary unscaled, int scale) {
        return new BigDecimal(new BigInteger(unscaled.getBytes()), scale);
    }
}
