package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.loader.RowProgress;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a CSV file to a Parquet file by streaming: memory stays bounded by one row group whatever the size of the
 * file. Column types, and whether a column holds nulls, are inferred from the first records; a later value that needs
 * a wider type (a decimal in a long column, a text in a date column, a null in a column without any) restarts the
 * conversion with the wider type, so no value is ever lost.
 */
public class CsvToParquet {

    private static final Logger LOG = LoggerFactory.getLogger(CsvToParquet.class);

    private final int sampleRecords;
    private final Set<String> nullValues;
    private final CompressionCodecName compression;
    private final long rowGroupBytes;
    private final int pageBytes;
    private final Limits limits;
    private final RowProgress progress;

    public CsvToParquet(int sampleRecords, Set<String> nullValues, String compression, long rowGroupBytes,
            int pageBytes, Limits limits) {
        this(sampleRecords, nullValues, compression, rowGroupBytes, pageBytes, limits, RowProgress.NONE);
    }

    /**
     * @param sampleRecords records read to infer the column types
     * @param nullValues    texts read as null besides the empty field
     * @param compression   UNCOMPRESSED, SNAPPY, GZIP, ZSTD...
     * @param limits        the longest record and the most columns a file may have
     * @param progress      told of the rows converted at every batch, with how much of the file is read
     */
    public CsvToParquet(int sampleRecords, Set<String> nullValues, String compression, long rowGroupBytes,
            int pageBytes, Limits limits, RowProgress progress) {
        this.sampleRecords = sampleRecords;
        this.nullValues = Set.copyOf(nullValues);
        this.compression = CompressionCodecName.valueOf(compression.trim().toUpperCase(Locale.ROOT));
        this.rowGroupBytes = rowGroupBytes;
        this.pageBytes = pageBytes;
        this.limits = limits;
        this.progress = progress;
    }

    /** What a conversion produced. */
    public record Result(long rows, List<CsvColumn> columns, char delimiter) {
    }

    public Result convert(Path csv, Path parquet) throws IOException, MalformedFileException {
        char delimiter = sniffDelimiter(csv);
        ProfilingHandler profile = profile(csv, delimiter);
        List<CsvColumn> columns = profile.columns();
        Set<String> dictionaryColumns = profile.repetitiveColumns();
        while (true) {
            try {
                return write(csv, parquet, delimiter, columns, dictionaryColumns);
            } catch (TypedRowHandler.ColumnWidening widening) {
                CsvColumn before = columns.get(widening.column);
                columns = new ArrayList<>(columns);
                CsvColumn after = widen(before, widening.shape);
                if (after.equals(before)) {
                    throw new IllegalStateException(csv.getFileName() + ": " + widening.getMessage()
                            + " but the type " + before.typeName() + " cannot be widened for it");
                }
                columns.set(widening.column, after);
                LOG.info("{}: column {} widened from {} to {} ({}), converting again", csv.getFileName(),
                        before.name(), before.typeName(), columns.get(widening.column).typeName(),
                        widening.getMessage());
            }
        }
    }

    static CsvColumn widen(CsvColumn column, CsvValues.Shape shape) {
        if (shape.type() == ColumnType.NONE) {
            return column.withNullable(true);
        }
        ColumnType type = column.type().join(shape.type());
        if (type == ColumnType.DECIMAL) {
            int scale = Math.max(column.scale(), shape.scale());
            int integerDigits = Math.max(column.precision() - column.scale(), shape.integerDigits());
            int precision = Math.max(1, integerDigits + scale);
            if (precision <= CsvValues.MAX_LONG_DECIMAL_PRECISION) {
                return column.withType(ColumnType.DECIMAL, precision, scale);
            }
            return column.withType(ColumnType.DOUBLE, 0, 0);
        }
        if (type == ColumnType.LONG) {
            return column.withType(type, Math.max(column.precision(), shape.integerDigits()), 0);
        }
        return column.withType(type, 0, 0);
    }

    private ProfilingHandler profile(Path csv, char delimiter) throws IOException, MalformedFileException {
        ProfilingHandler profiler = new ProfilingHandler(nullValues, sampleRecords);
        try (InputStream in = Files.newInputStream(csv)) {
            csvBytes(in, delimiter).parse(profiler);
        } catch (RuntimeException e) {
            throw malformed(e);
        }
        if (profiler.headers.isEmpty()) {
            throw new MalformedFileException("no header line: the file is empty");
        }
        return profiler;
    }

    private Result write(Path csv, Path parquet, char delimiter, List<CsvColumn> columns,
            Set<String> dictionaryColumns) throws IOException, MalformedFileException {
        boolean done = false;
        long rows;
        progress.started(csv.getFileName().toString());
        long size = Math.max(1, Files.size(csv));
        try (FileChannel channel = FileChannel.open(csv);
                ParquetColumnsWriter writer = new ParquetColumnsWriter(new LocalOutputFile(parquet), columns,
                        dictionaryColumns, compression, rowGroupBytes, pageBytes,
                        Map.of("nimbus.source", csv.getFileName().toString()));
                BatchWriter batches = new BatchWriter(writer, columns,
                        ColumnBudget.forColumns(columns.size()).batchRows(), 3,
                        converted -> progress.advanced(converted, readFraction(channel, size)));
                InputStream in = Channels.newInputStream(channel)) {
            TypedRowHandler handler = new TypedRowHandler(batches.firstBatch(), columns, nullValues, batches);
            csvBytes(in, delimiter).parse(handler);
            rows = batches.finish(handler.pending());
            done = true;
        } catch (TypedRowHandler.ColumnWidening widening) {
            throw widening;
        } catch (RuntimeException e) {
            throw malformed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while converting " + csv);
        } finally {
            progress.finished();
            if (!done) {
                Files.deleteIfExists(parquet);
            }
        }
        return new Result(rows, columns, delimiter);
    }

    /** How much of the file the parser has read (its buffer ahead included). */
    private static double readFraction(FileChannel channel, long size) {
        try {
            return (double) channel.position() / size;
        } catch (IOException e) {
            return 0;
        }
    }

    private CsvBytes csvBytes(InputStream in, char delimiter) {
        return new CsvBytes(in, delimiter, limits.maxRecordBytes(), limits.maxColumns());
    }

    /** What the parser reports about the file's content, as a MalformedFileException; anything else as it is. */
    private static RuntimeException malformed(RuntimeException e) throws MalformedFileException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TypedRowHandler.ColumnWidening widening) {
                return widening;
            }
            if (t instanceof CsvBytes.TooLarge tooLarge) {
                throw Limits.exceeded("CSV, " + t.getMessage(), tooLarge.setting, tooLarge.limit);
            }
            if (t instanceof TypedRowHandler.RowShapeMismatch || t instanceof CsvBytes.SyntaxError) {
                throw new MalformedFileException("malformed CSV, " + t.getMessage(), e);
            }
            if (t instanceof TypedRowHandler.NotUtf8) {
                throw new MalformedFileException(t.getMessage(), e);
            }
        }
        return e;
    }

    /** The most frequent of , ; tab | outside quotes in the first line; a comma when none occurs. */
    static char sniffDelimiter(Path csv) throws IOException {
        StringBuilder line = new StringBuilder();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.ISO_8859_1)) {
            boolean quoted = false;
            for (int read = 0, c; read < 65_536 && (c = reader.read()) >= 0; read++) {
                quoted ^= c == '"';
                if (!quoted && (c == '\n' || c == '\r')) {
                    break;
                }
                line.append((char) c);
            }
        }
        char best = Delimiters.ALL[0];
        for (char delimiter : Delimiters.ALL) {
            if (Delimiters.count(line, delimiter) > Delimiters.count(line, best)) {
                best = delimiter;
            }
        }
        return best;
    }
}
