package io.nimbusverse.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.convert.TypedParquetWriter;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The data format of routes/sql-intake.yaml ({@code marshal: custom: sqlChunkParquet}): a chunk of table rows as one
 * Parquet object, in the column types of the table's JDBC metadata, written by the project's own encoder (the CSV
 * converter's). camel-parquet-avro did this before: it builds a Hadoop configuration per marshal, dictionary-encodes
 * every column, and needs an Avro record per row; see README, "Benchmark: MySQL table to Parquet". A column's values
 * are dictionary-encoded when they repeat: at most half as many distinct values as rows among the first rows.
 */
public class SqlChunkParquet extends ServiceSupport implements DataFormat, DataFormatName {

    private static final int DICTIONARY_SAMPLE = 1000;

    private final CompressionCodecName codec;
    private final long rowGroupBytes;
    private final int pageBytes;

    /** @param compression UNCOMPRESSED, SNAPPY, GZIP, ZSTD... */
    public SqlChunkParquet(String compression, long rowGroupBytes, int pageBytes) {
        this.codec = CompressionCodecName.valueOf(compression.trim().toUpperCase(Locale.ROOT));
        this.rowGroupBytes = rowGroupBytes;
        this.pageBytes = pageBytes;
    }

    @Override
    public String getDataFormatName() {
        return "sqlChunkParquet";
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws IOException {
        SqlChunk chunk = (SqlChunk) graph;
        write(chunk.getColumns(), chunk.getRows(), stream);
    }

    void write(List<SqlColumn> columns, List<Object[]> rows, OutputStream stream) throws IOException {
        List<TypedParquetWriter.Field> fields = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            fields.add(columns.get(c).parquetField(repeats(rows, c)));
        }
        try (TypedParquetWriter writer = new TypedParquetWriter(new StreamOutputFile(stream), fields, codec,
                rowGroupBytes, pageBytes, Map.of())) {
            for (Object[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    Object value = row[c];
                    if (value == null) {
                        writer.setNull(c);
                    } else if (value instanceof Long number) {
                        writer.set(c, number.longValue());
                    } else if (value instanceof Double number) {
                        writer.set(c, number.doubleValue());
                    } else if (value instanceof Boolean flag) {
                        writer.set(c, flag.booleanValue());
                    } else {
                        writer.set(c, (byte[]) value);
                    }
                }
                writer.endRow();
            }
            writer.finish();
        }
    }

    /** At most half as many distinct values as rows among the first {@value #DICTIONARY_SAMPLE}. */
    private static boolean repeats(List<Object[]> rows, int column) {
        int sample = Math.min(rows.size(), DICTIONARY_SAMPLE);
        Set<Object> distinct = new HashSet<>();
        for (int r = 0; r < sample; r++) {
            Object value = rows.get(r)[column];
            distinct.add(value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value);
        }
        return sample > 1 && distinct.size() <= sample / 2;
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) {
        throw new UnsupportedOperationException("sqlChunkParquet writes Parquet only; the loader reads it");
    }

    /** The marshal's stream as the file parquet-java writes, counting its position. */
    private record StreamOutputFile(OutputStream stream) implements OutputFile {

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long position;

                @Override
                public long getPos() {
                    return position;
                }

                @Override
                public void write(int b) throws IOException {
                    stream.write(b);
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    stream.write(b, off, len);
                    position += len;
                }

                @Override
                public void flush() throws IOException {
                    stream.flush();
                }

                @Override
                public void close() {
                    // the stream is the exchange's: Camel closes it
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
