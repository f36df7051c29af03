package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a CSV file to a Parquet file by streaming: memory stays bounded by one row group whatever the size of the
 * file. Column types are inferred from the first records; a later value that needs a wider type (a decimal in a long
 * column, a text in a date column) restarts the conversion with the wider type, so no value is ever lost.
 */
public class CsvToParquet {

    private static final Logger LOG = LoggerFactory.getLogger(CsvToParquet.class);
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};

    private final int sampleRecords;
    private final Set<String> nullValues;
    private final CompressionCodecName compression;
    private final long rowGroupBytes;
    private final int pageBytes;

    /**
     * @param sampleRecords records read to infer the column types
     * @param nullValues    texts read as null besides the empty field
     * @param compression   UNCOMPRESSED, SNAPPY, GZIP, ZSTD...
     */
    public CsvToParquet(int sampleRecords, Set<String> nullValues, String compression, long rowGroupBytes,
            int pageBytes) {
        this.sampleRecords = sampleRecords;
        this.nullValues = Set.copyOf(nullValues);
        this.compression = CompressionCodecName.valueOf(compression.trim().toUpperCase(Locale.ROOT));
        this.rowGroupBytes = rowGroupBytes;
        this.pageBytes = pageBytes;
    }

    /** What a conversion produced. */
    public record Result(long rows, List<CsvColumn> columns, char delimiter) {
    }

    public Result convert(Path csv, Path parquet) throws IOException, MalformedFileException {
        char delimiter = sniffDelimiter(csv);
        List<CsvColumn> columns = profile(csv, delimiter);
        while (true) {
            try {
                return write(csv, parquet, delimiter, columns);
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

    private List<CsvColumn> profile(Path csv, char delimiter) throws IOException, MalformedFileException {
        ProfilingHandler profiler = new ProfilingHandler(nullValues);
        try (Reader reader = utf8(csv); CsvReader<ProfilingHandler> records = reader(delimiter, profiler, reader)) {
            var it = records.iterator();
            while (it.hasNext() && profiler.records < sampleRecords) {
                it.next();
            }
        } catch (RuntimeException e) {
            throw malformedOrRethrow(csv, e);
        }
        if (profiler.headers.isEmpty()) {
            throw new MalformedFileException("no header line: the file is empty");
        }
        return profiler.columns();
    }

    private Result write(Path csv, Path parquet, char delimiter, List<CsvColumn> columns)
            throws IOException, MalformedFileException {
        TypedRow row = new TypedRow(columns);
        TypedRowHandler handler = new TypedRowHandler(row, nullValues);
        WriteSupport<TypedRow> support = new TypedRowWriteSupport(columns,
                Map.of("nimbus.source", csv.getFileName().toString()));
        long rows = 0;
        boolean done = false;
        try (Reader reader = utf8(csv);
                CsvReader<TypedRow> records = reader(delimiter, handler, reader);
                ParquetWriter<TypedRow> writer = new Builder(new LocalOutputFile(parquet), support)
                        .withConf(new PlainParquetConfiguration())
                        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                        .withCompressionCodec(compression)
                        .withRowGroupSize(rowGroupBytes)
                        .withPageSize(pageBytes)
                        .withDictionaryEncoding(true)
                        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                        .withValidation(false)
                        .build()) {
            for (TypedRow typed : records) {
                writer.write(typed);
                rows++;
            }
            done = true;
        } catch (RuntimeException e) {
            throw malformedOrRethrow(csv, e);
        } finally {
            if (!done) {
                Files.deleteIfExists(parquet);
            }
        }
        List<CsvColumn> result = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            result.add(columns.get(i).withNullable(row.nullCounts[i] > 0));
        }
        return new Result(rows, result, delimiter);
    }

    /** Turns what the parser reports about the file's content into a MalformedFileException. */
    private static RuntimeException malformedOrRethrow(Path csv, RuntimeException e) throws MalformedFileException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TypedRowHandler.ColumnWidening widening) {
                return widening;
            }
            if (t instanceof TypedRowHandler.RowShapeMismatch mismatch) {
                throw new MalformedFileException("malformed CSV, " + mismatch.getMessage(), e);
            }
            if (t instanceof CharacterCodingException) {
                throw new MalformedFileException("not UTF-8 text (" + e.getMessage() + ")", e);
            }
        }
        if (e instanceof CsvParseException) {
            throw new MalformedFileException("malformed CSV: " + e.getMessage(), e);
        }
        if (e instanceof UncheckedIOException io) {
            throw io;
        }
        return e;
    }

    private static <T> CsvReader<T> reader(char delimiter, de.siegmar.fastcsv.reader.CsvCallbackHandler<T> handler,
            Reader reader) {
        return CsvReader.builder()
                .fieldSeparator(delimiter)
                .skipEmptyLines(true)
                .detectBomHeader(false)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .build(handler, reader);
    }

    /** A reader that fails on bytes that are not UTF-8, instead of replacing them silently. */
    private static Reader utf8(Path file) throws IOException {
        return new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** The most frequent of , ; tab | outside quotes in the first line; a comma when none occurs. */
    static char sniffDelimiter(Path csv) throws IOException {
        int[] counts = new int[DELIMITERS.length];
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.ISO_8859_1)) {
            boolean quoted = false;
            for (int read = 0, c; read < 65_536 && (c = reader.read()) >= 0; read++) {
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && (c == '\n' || c == '\r')) {
                    break;
                } else if (!quoted) {
                    for (int d = 0; d < DELIMITERS.length; d++) {
                        if (c == DELIMITERS[d]) {
                            counts[d]++;
                        }
                    }
                }
            }
        }
        int best = 0;
        for (int d = 1; d < DELIMITERS.length; d++) {
            if (counts[d] > counts[best]) {
                best = d;
            }
        }
        return DELIMITERS[best];
    }

    private static final class Builder extends ParquetWriter.Builder<TypedRow, Builder> {
        private final WriteSupport<TypedRow> support;

        Builder(OutputFile file, WriteSupport<TypedRow> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<TypedRow> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<TypedRow> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}
