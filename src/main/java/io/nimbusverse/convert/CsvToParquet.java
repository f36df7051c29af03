package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.datasets.CsvDialect;
import io.nimbusverse.datasets.SchemaPolicy;
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
    private static final int SNIFFED_LINES = 10;
    /** Partition files open at once: memory grows with them, passes over the file shrink. */
    private static final int PARTITIONS_OPEN = 8;

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

    /**
     * How to read one file: its dialect, the names given to its headers, its dataset's rule for types, and the schema
     * its dataset has so far (empty for a new dataset).
     *
     * @param badRowsFile     where the rows whose value does not fit a pinned column go
     * @param partitionColumn the date or timestamp column whose days split the rows into one file each, or null
     */
    public record Reading(CsvDialect dialect, Map<String, String> renames, SchemaPolicy policy, List<CsvColumn> known,
            Path badRowsFile, String partitionColumn) {

        public static final Reading DEFAULT = new Reading(CsvDialect.DEFAULT, Map.of(), SchemaPolicy.DEFAULT,
                List.of(), null, null);
    }

    /**
     * What a conversion produced.
     *
     * @param badRows     rows left out because a value did not fit its pinned column
     * @param badRowsFile the rows-quarantine file that lists them, null when none
     * @param pieces      the file of each partition, when the reading asked for a partition column (else null: the
     *                    rows are in the one file asked for)
     */
    public record Result(long rows, List<CsvColumn> columns, char delimiter, Charset encoding, long badRows,
            Path badRowsFile, List<Piece> pieces) {
    }

    /** The Parquet file of one partition ({@code 2026-11-30}, or {@value PartitionedWriter#NULL_PARTITION}). */
    public record Piece(String partition, Path path, long rows) {
    }

    public Result convert(Path csv, Path parquet) throws IOException, MalformedFileException {
        return convert(csv, parquet, Reading.DEFAULT);
    }

    public Result convert(Path csv, Path parquet, Reading reading) throws IOException, MalformedFileException {
        CsvDialect dialect = reading.dialect();
        Charset charset = dialect.encoding() != null ? dialect.encoding() : Encodings.detect(csv);
        try {
            return convert(csv, parquet, reading, charset);
        } catch (TypedRowHandler.NotUtf8 e) {
            if (dialect.encoding() == null && charset.equals(StandardCharsets.UTF_8)) {
                LOG.info("{}: {} after a UTF-8 start: read again as {}", csv.getFileName(), e.getMessage(),
                        Encodings.WINDOWS_1252);
                return convert(csv, parquet, reading, Encodings.WINDOWS_1252);
            }
            throw new MalformedFileException(e.getMessage() + " (the file is not " + charset + " text)", e);
        } catch (CharacterCodingException e) {
            throw new MalformedFileException("not " + charset + " text (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Converts records that are not CSV (JSON, XML): the source hands each one over as the fields of a record, in
     * the order of {@code columns}, with the number of the line where it starts; the dialect of {@code reading} is
     * ignored (no header, nothing read as null but a missing or null value).
     */
    Result convertRecords(Path file, Path parquet, Reading reading, List<String> columns, RecordSource source)
            throws IOException, MalformedFileException {
        CsvDialect records = new CsvDialect(',', '"', '"', false, columns, StandardCharsets.UTF_8, Set.of(), false);
        Reading asRecords = new Reading(records, reading.renames(), reading.policy(), reading.known(),
                reading.badRowsFile(), reading.partitionColumn());
        return convert(file, parquet, asRecords, StandardCharsets.UTF_8, ',', source);
    }

    /** Hands each record of a stream to a sink. */
    @FunctionalInterface
    interface RecordSource {
        void parse(InputStream in, CsvBytes.Sink sink) throws IOException, MalformedFileException;
    }

    private Result convert(Path csv, Path parquet, Reading reading, Charset charset)
            throws IOException, MalformedFileException {
        CsvDialect dialect = reading.dialect();
        char delimiter = dialect.delimiter() != null ? dialect.delimiter() : sniffDelimiter(csv, charset,
                dialect.quote());
        return convert(csv, parquet, reading, charset, delimiter,
                (in, sink) -> csvBytes(in, delimiter, dialect).parse(sink));
    }

    private Result convert(Path csv, Path parquet, Reading reading, Charset charset, char delimiter,
            RecordSource source) throws IOException, MalformedFileException {
        CsvDialect dialect = reading.dialect();
        Set<String> nulls = dialect.nullValuesOr(nullValues);
        ProfilingHandler profile = profile(csv, charset, source, reading, nulls);
        List<CsvColumn> columns = DatasetSchema.settle(profile.columns(), reading.policy(), reading.known());
        Set<String> dictionaryColumns = profile.repetitiveColumns();
        // a file the profile read whole gets batches of its size: a small file does not allocate full-sized ones
        int batchRows = ColumnBudget.forColumns(columns.size()).batchRows();
        if (profile.records < sampleRecords) {
            batchRows = (int) Math.max(1, Math.min(batchRows, profile.records));
        }
        while (true) {
            try {
                return write(csv, parquet, charset, delimiter, source, reading, nulls, columns, dictionaryColumns,
                        batchRows);
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
            if (precision <= CsvValues.MAX_DECIMAL_PRECISION) {
                return column.withType(ColumnType.DECIMAL, precision, scale);
            }
            // more digits than a DECIMAL holds: text keeps every one of them
            return column.withType(ColumnType.STRING, 0, 0);
        }
        if (type == ColumnType.LONG) {
            return column.withType(type, Math.max(column.precision(), shape.integerDigits()), 0);
        }
        return column.withType(type, 0, 0);
    }

    private ProfilingHandler profile(Path csv, Charset charset, RecordSource source, Reading reading,
            Set<String> nulls)
            throws IOException, MalformedFileException {
        CsvDialect dialect = reading.dialect();
        ProfilingHandler profiler = new ProfilingHandler(nulls, sampleRecords, dialect.header(), dialect.columns(),
                reading.renames(), dialect.quotedEmptyIsNull());
        try (InputStream in = Encodings.asUtf8(Files.newInputStream(csv), charset)) {
            source.parse(in, profiler);
        } catch (RuntimeException e) {
            throw malformed(e);
        }
        if (profiler.headers.isEmpty()) {
            throw new MalformedFileException("no header line: the file is empty");
        }
        return profiler;
    }

    private Result write(Path csv, Path parquet, Charset charset, char delimiter, RecordSource source,
            Reading reading, Set<String> nulls, List<CsvColumn> columns, Set<String> dictionaryColumns, int batchRows)
            throws IOException, MalformedFileException {
        Path badRowsFile = reading.badRowsFile();
        boolean rowsQuarantine = badRowsFile != null
                && reading.policy().badValues() == SchemaPolicy.BadValues.QUARANTINE_ROWS;
        int partitionColumn = partitionColumn(columns, reading.partitionColumn());
        Map<String, String> metadata = Map.of("nimbus.source", csv.getFileName().toString());
        boolean done = false;
        List<Path> written = new ArrayList<>();
        try {
            if (partitionColumn < 0) {
                written.add(parquet);
                try (BadRows badRows = rowsQuarantine ? new BadRows(badRowsFile) : null;
                        ParquetColumnsWriter writer = new ParquetColumnsWriter(new LocalOutputFile(parquet), columns,
                                dictionaryColumns, compression, rowGroupBytes, pageBytes, metadata)) {
                    long badRowCount = pass(csv, charset, source, reading, nulls, columns, writer, -1, badRows,
                            batchRows);
                    done = true;
                    return new Result(writer.rows(), columns, delimiter, charset, badRowCount,
                            badRowCount == 0 ? null : badRowsFile, null);
                }
            }
            // one pass over the file per PARTITIONS_OPEN days: each pass writes the days it meets first
            Set<String> partitionsDone = new LinkedHashSet<>();
            Map<String, Path> pieceFiles = new HashMap<>();
            List<Piece> pieces = new ArrayList<>();
            long badRowCount = 0;
            boolean first = true;
            while (true) {
                PartitionedWriter.Files files = partition -> {
                    Path piece = parquet.resolveSibling(parquet.getFileName().toString()
                            .replaceAll("\\.parquet$", "") + "." + partition + ".parquet");
                    written.add(piece);
                    pieceFiles.put(partition, piece);
                    return new ParquetColumnsWriter(new LocalOutputFile(piece), columns, dictionaryColumns,
                            compression, Math.max(1 << 20, rowGroupBytes / PARTITIONS_OPEN), pageBytes, metadata);
                };
                try (BadRows badRows = rowsQuarantine ? (first ? new BadRows(badRowsFile) : BadRows.discarding())
                        : null;
                        PartitionedWriter writer = new PartitionedWriter(columns, partitionColumn, PARTITIONS_OPEN,
                                batchRows, partitionsDone, files)) {
                    long bad = pass(csv, charset, source, reading, nulls, columns, writer, partitionColumn, badRows,
                            batchRows);
                    badRowCount = first ? bad : badRowCount;
                    for (PartitionedWriter.Piece piece : writer.written()) {
                        partitionsDone.add(piece.partition());
                        pieces.add(new Piece(piece.partition(), pieceFiles.get(piece.partition()), piece.rows()));
                    }
                    if (writer.left().isEmpty()) {
                        break;
                    }
                    LOG.info("{}: {} more day(s) of {} to write, reading the file again", csv.getFileName(),
                            writer.left().size(), columns.get(partitionColumn).name());
                }
                first = false;
            }
            done = true;
            return new Result(pieces.stream().mapToLong(Piece::rows).sum(), columns, delimiter, charset, badRowCount,
                    badRowCount == 0 ? null : badRowsFile, pieces);
        } finally {
            if (!done) {
                for (Path file : written) {
                    Files.deleteIfExists(file);
                }
                if (badRowsFile != null) {
                    Files.deleteIfExists(badRowsFile);
                }
            }
        }
    }

    /** The index of the column to partition by, checked to be a date or timestamp; -1 for none. */
    private static int partitionColumn(List<CsvColumn> columns, String name) throws MalformedFileException {
        if (name == null) {
            return -1;
        }
        for (int c = 0; c < columns.size(); c++) {
            CsvColumn column = columns.get(c);
            if (column.name().equals(name)) {
                if (column.type() != ColumnType.DATE && column.type() != ColumnType.TIMESTAMP
                        && column.type() != ColumnType.TIMESTAMP_TZ && column.type() != ColumnType.NONE) {
                    throw new MalformedFileException("column " + name + ", which the dataset's rule partitions by, "
                            + "holds " + column.typeName() + " values, not dates or timestamps");
                }
                return c;
            }
        }
        throw new MalformedFileException("the file has no column " + name + ", which the dataset's rule partitions "
                + "by");
    }

    /** Reads the whole file once into the sink; returns the rows left out as bad rows. */
    private long pass(Path csv, Charset charset, RecordSource source, Reading reading, Set<String> nulls,
            List<CsvColumn> columns, RowBatchSink sink, int parsedColumn, BadRows badRows, int batchRows)
            throws IOException, MalformedFileException {
        progress.started(csv.getFileName().toString());
        long size = Math.max(1, Files.size(csv));
        try (FileChannel channel = FileChannel.open(csv);
                BatchWriter batches = new BatchWriter(sink, columns, parsedColumn, batchRows, 3,
                        converted -> progress.advanced(converted, readFraction(channel, size)));
                InputStream in = Encodings.asUtf8(Channels.newInputStream(channel), charset)) {
            CsvDialect dialect = reading.dialect();
            TypedRowHandler handler = new TypedRowHandler(batches.firstBatch(), columns, nulls, dialect.header(),
                    dialect.quotedEmptyIsNull(), badRows, batches);
            source.parse(in, handler);
            batches.finish(handler.pending());
            return handler.badRows();
        } catch (TypedRowHandler.ColumnWidening widening) {
            throw widening;
        } catch (RuntimeException e) {
            throw malformed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while converting " + csv);
        } finally {
            progress.finished();
        }
    }

    /** How much of the file the parser has read (its buffer ahead included). */
    private static double readFraction(FileChannel channel, long size) {
        try {
            return (double) channel.position() / size;
        } catch (IOException e) {
            return 0;
        }
    }

    private CsvBytes csvBytes(InputStream in, char delimiter, CsvDialect dialect) {
        return new CsvBytes(in, delimiter, dialect.quote(), dialect.escape(), limits.maxRecordBytes(),
                limits.maxColumns());
    }

    /** What the parser reports about the file's content, as a MalformedFileException; anything else as it is. */
    private static RuntimeException malformed(RuntimeException e) throws MalformedFileException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TypedRowHandler.ColumnWidening widening) {
                return widening;
            }
            if (t instanceof CsvBytes.TooLarge tooLarge) {
                throw Limits.exceeded(t.getMessage(), tooLarge.setting, tooLarge.limit);
            }
            if (t instanceof TypedRowHandler.RowShapeMismatch || t instanceof CsvBytes.SyntaxError) {
                throw new MalformedFileException("malformed CSV, " + t.getMessage(), e);
            }
            if (t instanceof TypedRowHandler.ValueDoesNotFit) {
                throw new MalformedFileException(t.getMessage(), e);
            }
            if (t instanceof TypedRowHandler.NotUtf8 notUtf8) {
                // read again in another encoding when it was only detected
                return notUtf8;
            }
        }
        return e;
    }

    /**
     * The delimiter among , ; tab | (outside quotes) that the first lines (up to {@value #SNIFFED_LINES}, within 64 KB)
     * use the same number of times, the most often; when none is used evenly, the most frequent in the first line; a
     * comma when none occurs.
     */
    static char sniffDelimiter(Path csv, Charset charset, char quote) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Reader reader = new InputStreamReader(Encodings.asUtf8(Files.newInputStream(csv), charset),
                StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            boolean quoted = false;
            for (int read = 0, c; read < 65_536 && lines.size() < SNIFFED_LINES && (c = reader.read()) >= 0; read++) {
                if (c == '\uFEFF' && read == 0) {
                    continue;
                }
                quoted ^= c == quote;
                if (!quoted && (c == '\n' || c == '\r')) {
                    if (!line.isEmpty()) {
                        lines.add(line.toString());
                    }
                    line.setLength(0);
                    continue;
                }
                line.append((char) c);
            }
            if (!line.isEmpty() && lines.size() < SNIFFED_LINES) {
                lines.add(line.toString());
            }
        }
        if (lines.isEmpty()) {
            return Delimiters.ALL[0];
        }
        char best = 0;
        int bestCount = 0;
        for (char delimiter : Delimiters.ALL) {
            int first = Delimiters.count(lines.get(0), delimiter, quote);
            boolean even = first > 0 && lines.stream().allMatch(l -> Delimiters.count(l, delimiter, quote) == first);
            if (even && first > bestCount) {
                best = delimiter;
                bestCount = first;
            }
        }
        if (best != 0) {
            return best;
        }
        best = Delimiters.ALL[0];
        for (char delimiter : Delimiters.ALL) {
            if (Delimiters.count(lines.get(0), delimiter, quote) > Delimiters.count(lines.get(0), best, quote)) {
                best = delimiter;
            }
        }
        return best;
    }
}
