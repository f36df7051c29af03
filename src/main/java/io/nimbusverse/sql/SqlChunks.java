package io.nimbusverse.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.convert.CsvColumn;
import io.nimbusverse.intake.Batches;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.names.Datasets;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import io.nimbusverse.signal.ParquetPart;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the rows of a table poll into a chunk: values typed for the columns that the table has now (read from the
 * JDBC metadata at every poll, so a column added or dropped gives a new schema), and, once the chunk is Parquet,
 * stages it in the work folder and claims it in the ledger under the key of its range of rows.
 */
public class SqlChunks {

    public static final String MEDIA_TYPE = "application/vnd.apache.parquet";
    private static final Logger LOG = LoggerFactory.getLogger(SqlChunks.class);

    private final DataSource source;
    private final WorkFolders folders;
    private final Ledger ledger;
    private final ObjectMapper json;
    private final SqlPositions positions;

    public SqlChunks(DataSource source, WorkFolders folders, Ledger ledger, ObjectMapper json,
            SqlPositions positions) {
        this.source = source;
        this.folders = folders;
        this.ledger = ledger;
        this.json = json;
        this.positions = positions;
    }

    /** The columns of the table as they are now. */
    public List<SqlColumn> columns(String table) throws SQLException {
        try (Connection c = source.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnLabel(i));
            }
            List<String> fields = CsvColumn.safeNames(names);
            List<SqlColumn> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(SqlColumn.of(names.get(i - 1), fields.get(i - 1), meta.getColumnType(i),
                        meta.getColumnTypeName(i), meta.getPrecision(i), meta.getScale(i), meta.isSigned(i),
                        meta.isNullable(i) != ResultSetMetaData.columnNoNulls));
            }
            return columns;
        }
    }

    /**
     * The rows of one poll, each a map of lower-case column name to value (a {@link SqlRowMapperFactory} row), cut
     * into chunks of {@code chunkRows} rows, in their order. {@code watermarkColumn} is empty for a table read by its
     * processed flag, {@code flagColumn} for a table read by a watermark; the flag is the pipeline's, not data, and
     * stays out.
     */
    public List<SqlChunk> read(@Header("NimbusTable") String table, @Header("NimbusKeyColumn") String keyColumn,
            @Header("NimbusWatermarkColumn") String watermarkColumn, @Header("NimbusFlagColumn") String flagColumn,
            @Header("NimbusChunkRows") int chunkRows, List<SqlRowMapperFactory.Row> rows) throws SQLException {
        String watermark = blankToNull(watermarkColumn);
        String flag = blankToNull(flagColumn);
        List<SqlColumn> columns = columns(table).stream().filter(c -> !c.name().equalsIgnoreCase(flag)).toList();
        List<SqlChunk> chunks = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += chunkRows) {
            chunks.add(chunk(table, keyColumn, watermark, flag, columns,
                    rows.subList(from, Math.min(rows.size(), from + chunkRows))));
        }
        return chunks;
    }

    private static SqlChunk chunk(String table, String keyColumn, String watermark, String flag,
            List<SqlColumn> columns, List<SqlRowMapperFactory.Row> rows) throws SQLException {
        String k = keyColumn.toLowerCase(Locale.ROOT);
        // the rows of a poll share their columns: each column's place is looked up once, not once per value
        SqlRowMapperFactory.Row firstRow = rows.get(0);
        int[] at = columns.stream().mapToInt(c -> firstRow.positionOf(c.name().toLowerCase(Locale.ROOT))).toArray();
        int keyAt = firstRow.positionOf(k);
        List<Object[]> values = new ArrayList<>(rows.size());
        List<SqlChunk.BadRow> bad = new ArrayList<>();
        List<Object> keys = new ArrayList<>(rows.size());
        for (SqlRowMapperFactory.Row row : rows) {
            Object key = row.valueAt(keyAt);
            keys.add(key);
            Object[] typed = new Object[at.length];
            try {
                for (int i = 0; i < at.length; i++) {
                    typed[i] = columns.get(i).parquetValue(row.valueAt(at[i]));
                }
                values.add(typed);
            } catch (SqlColumn.BadValue e) {
                bad.add(new SqlChunk.BadRow(key, row, e.getMessage()));
            }
        }
        Map<String, Object> first = rows.get(0);
        Map<String, Object> last = rows.get(rows.size() - 1);
        String w = watermark == null ? k : watermark.toLowerCase(Locale.ROOT);
        String chunkKey;
        if (watermark == null) {
            // the rows of a flag-read chunk are those still unflagged: the count tells two reads of one range apart
            chunkKey = table + ":" + keyColumn + ":" + text(first.get(k)) + ".." + text(last.get(k)) + ":"
                    + rows.size();
        } else if (w.equals(k)) {
            chunkKey = table + ":" + keyColumn + ":" + text(first.get(k)) + ".." + text(last.get(k));
        } else {
            chunkKey = table + ":" + watermark + "," + keyColumn + ":" + text(first.get(w)) + "," + text(first.get(k))
                    + ".." + text(last.get(w)) + "," + text(last.get(k));
        }
        return new SqlChunk(table, keyColumn, watermark, flag, chunkKey, columns, values, bad, keys, last.get(w));
    }

    /** Keeps the Parquet that the route made of a chunk's rows, for its claim. */
    public void attach(SqlChunk chunk, byte[] parquet) {
        chunk.setParquet(parquet);
    }

    /**
     * Exports a chunk: its Parquet (none when no row converted) staged in the work folder with its metadata, its
     * bad rows quarantined, its table's move past it written down as pending, the chunk claimed in the ledger. The
     * rows are marked exported (flags, watermark) once the chunk is in S3 ({@link SqlPositions}). Returns the item to
     * batch, or null when there is none: no row converted, or the ledger has the chunk already (rows read again:
     * their flag set back by hand), whose move is settled as any other.
     */
    public BatchItem claim(SqlChunk chunk) throws IOException, SQLException {
        byte[] parquet = chunk.getParquet();
        if (ledger.contains(chunk.getKey())) {
            LOG.info("{} was claimed before: not exported again", chunk.getKey());
            positions.pending(chunk);
            return null;
        }
        BatchItem item = parquet == null ? null : stage(chunk, parquet);
        positions.pending(chunk);
        quarantine(chunk);
        ledger.claim(item == null
                ? LedgerEntry.claimed(chunk.getKey(), "mysql", chunk.getTable(), 0)
                        .withStatus(ItemStatus.QUARANTINED, "every row of the chunk was quarantined")
                : LedgerEntry.claimed(chunk.getKey(), "mysql", item.getName(), parquet.length)
                        .withClassification(MEDIA_TYPE, "structured")
                        .withStatus(ItemStatus.CLAIMED, "rows=" + chunk.getRecordCount()));
        return item;
    }

    private BatchItem stage(SqlChunk chunk, byte[] parquet) throws IOException {
        String dataset = Datasets.of(chunk.getTable());
        String name = dataset + "-" + HexFormat.of().formatHex(sha256(chunk.getKey().getBytes())).substring(0, 12)
                + ".parquet";
        Path dir = folders.itemDir(chunk.getKey());
        Path staged = dir.resolve("content").resolve(name);
        Files.createDirectories(staged.getParent());
        Files.write(staged, parquet);
        String sha = HexFormat.of().formatHex(sha256(parquet));
        List<ColumnSchema> schema = chunk.getColumns().stream()
                .map(c -> new ColumnSchema(c.field(), c.typeName(), c.nullable())).toList();

        BatchItem item = new BatchItem();
        item.setKey(chunk.getKey());
        item.setSha256(sha);
        item.setSource("mysql");
        item.setName(name);
        item.setSize(parquet.length);
        item.setStagedPath(staged.toString());
        item.setMediaType(MEDIA_TYPE);
        item.setItemClass("structured");
        item.setParquet(new ParquetPart(dataset, null, null, staged.toString(), null, chunk.getRecordCount(), schema, null));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("key", chunk.getKey());
        metadata.put("source", "mysql");
        metadata.put("table", chunk.getTable());
        metadata.put("dataset", dataset);
        metadata.put("records", chunk.getRecordCount());
        metadata.put("badRecords", chunk.getBadRows().size());
        metadata.put("sha256", sha);
        metadata.put("mediaType", MEDIA_TYPE);
        metadata.put("class", "structured");
        metadata.put("columns", chunk.getColumns().stream()
                .map(c -> Map.of("name", c.name(), "field", c.field(), "sqlType", String.valueOf(c.sqlType()),
                        "type", c.typeName()))
                .toList());
        Path metadataFile = dir.resolve("metadata.json");
        json.writerWithDefaultPrettyPrinter().writeValue(metadataFile.toFile(), metadata);
        item.setMetadataPath(metadataFile.toString());
        // the whole item, so that a batch rebuilt from the ledger after a crash finds what it needs
        json.writeValue(dir.resolve(Batches.ITEM_FILE).toFile(), item);
        return item;
    }

    /** Rows whose values do not convert: QUARANTINED in the ledger ({@code table:key}), kept as JSON. */
    private void quarantine(SqlChunk chunk) throws IOException {
        Path dir = folders.quarantine().resolve("rows");
        Files.createDirectories(dir);
        for (SqlChunk.BadRow bad : chunk.getBadRows()) {
            String key = chunk.getTable() + ":" + bad.key();
            Path file = dir.resolve(chunk.getTable() + "-" + bad.key() + ".json");
            ledger.record(LedgerEntry.claimed(key, "mysql", chunk.getTable(), 0)
                    .withStatus(ItemStatus.QUARANTINED, bad.reason() + " (kept as " + file + ")"));
            Map<String, Object> kept = new LinkedHashMap<>();
            kept.put("table", chunk.getTable());
            kept.put("key", String.valueOf(bad.key()));
            kept.put("reason", bad.reason());
            kept.put("quarantinedAt", Instant.now().toString());
            Map<String, String> values = new LinkedHashMap<>();
            bad.row().forEach((column, value) -> values.put(column, value == null ? null : value.toString()));
            kept.put("row", values);
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), kept);
            LOG.warn("{} row {} quarantined as {}: {}", chunk.getTable(), bad.key(), file, bad.reason());
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    static String text(Object value) {
        return String.valueOf(value);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
