package io.nimbusverse.loader;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.signal.Complete;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loader contract of docs/ARCHITECTURE.md, shared by the on-prem loader route and the Glue job (aws/glue
 * compiles this source folder too): loads every Parquet item of a SIGNAL manifest into the JDBC table named after
 * its dataset, creating the table, or the columns it lacks, from the Parquet schema.
 *
 * <p>A batch loads in one transaction together with its row in {@code nimbus_loads}, so it loads once: a second
 * SIGNAL of the same batch finds that row and gets the same answer back without touching the tables. An item that
 * cannot go into its table (a column of another type, a constraint, a table fed by another source, a reserved
 * name) is set aside with its reason in the answer's {@code notLoaded}, its rows rolled back to a savepoint, and the
 * rest of the batch loads. Transient failures (connection, storage) are thrown to be retried, a bounded number of
 * times per batch; anything else answers FAILED with the error.
 *
 * <p>Tables named {@code nimbus_*} are the pipeline's own; {@code nimbus_tables} records which source (file, mysql)
 * feeds each table, and an item of another source may not write into it unless the table is shared.
 *
 * <p>Every row carries its lineage ({@link #LINEAGE_COLUMNS}). An item the catalog knows from an earlier batch (a
 * reload, a replay) first deletes the rows that batch loaded for it, in the same transaction: an item's rows are in a
 * table once, whichever batch loaded them last.
 */
public class ParquetTableLoader {

    static final String LOADS_TABLE = "nimbus_loads";
    static final String TABLES_TABLE = "nimbus_tables";
    /** Every item loaded, with its metadata: what a user queries to find files (README, "Datasets"). */
    public static final String CATALOG_TABLE = "nimbus_catalog";
    public static final List<String> CATALOG_COLUMNS = List.of("item_key", "batch_id", "source", "name", "sha256",
            "size_bytes", "media_type", "item_class", "rule_id", "dataset_name", "table_name", "rows_loaded", "raw_key",
            "metadata_key", "parquet_key", "ingested_at", "loaded_at", "title", "author", "pages", "width", "height",
            "taken_at", "duration_seconds");
    public static final String RESERVED_PREFIX = "nimbus_";
    /**
     * The lineage columns every loaded table gets, after the item's own: the batch that loaded the row, the ledger key
     * of the item it came from, and when. An item loaded again replaces the rows it loaded before (found by its key).
     */
    public static final String LINEAGE_PREFIX = "_nimbus_";
    public static final List<String> LINEAGE_COLUMNS = List.of("_nimbus_batch_id", "_nimbus_item_key",
            "_nimbus_loaded_at");
    public static final String DEFAULT_ARCHIVE_PREFIX = "archive/";
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ParquetTableLoader.class);
    /**
     * Made once: parquet-java 1.14+ builds default read options on a new Hadoop Configuration, which parses Hadoop's
     * XML defaults again each time (most of the loader's time for small files).
     */
    private static final ParquetReadOptions READ_OPTIONS = ParquetReadOptions.builder().build();

    private final DataSource dataSource;
    private final BatchObjects objects;
    private final ObjectMapper json;
    private final int insertBatchSize;
    private final Set<String> sharedTables;
    private final String archivePrefix;
    private final int maxAttempts;
    private final RowProgress progress;
    private final Map<String, Integer> failedAttempts = new ConcurrentHashMap<>();

    public ParquetTableLoader(DataSource dataSource, BatchObjects objects, ObjectMapper json, int insertBatchSize) {
        this(dataSource, objects, json, insertBatchSize, Set.of(), DEFAULT_ARCHIVE_PREFIX, DEFAULT_MAX_ATTEMPTS,
                RowProgress.NONE);
    }

    /**
     * @param sharedTables  tables that items of any source may write into
     * @param archivePrefix where the app moves the SIGNAL and COMPLETE of a finished batch
     * @param maxAttempts   tries of a batch that fail transiently (the database or the storage unreachable) before
     *                      it is answered FAILED
     * @param progress      told of each item's rows at every JDBC batch inserted, so that a long load shows how far it
     *                      has gone
     */
    public ParquetTableLoader(DataSource dataSource, BatchObjects objects, ObjectMapper json, int insertBatchSize,
            Set<String> sharedTables, String archivePrefix, int maxAttempts, RowProgress progress) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("nimbus.loader.max-attempts must be 1 or more, not " + maxAttempts);
        }
        this.dataSource = dataSource;
        this.objects = objects;
        this.json = json;
        this.insertBatchSize = insertBatchSize;
        this.sharedTables = Set.copyOf(sharedTables);
        this.archivePrefix = archivePrefix;
        this.maxAttempts = maxAttempts;
        this.progress = progress;
    }

    /**
     * The COMPLETE to write for this manifest, or null when the batch is answered already: its COMPLETE is under
     * signals/ or archived, so that a COMPLETE has one writer and is never written again once the app took it. One
     * batch loads at a time: the poller and a retry handing over the same batch never load it side by side.
     */
    public synchronized Complete load(String manifestJson) throws IOException, SQLException {
        JsonNode manifest = json.readTree(manifestJson);
        String batchId = manifest.path("batchId").asText();
        if (answered(batchId)) {
            return null;
        }
        try (Connection connection = dataSource.getConnection()) {
            Dialect dialect = new Dialect(connection);
            createOwnTables(connection, dialect);
            Complete earlier = earlierAnswer(connection, dialect, batchId);
            Complete complete = earlier != null ? earlier
                    : loadOnce(connection, dialect, manifest, batchId, itemsOf(manifest.path("items")));
            failedAttempts.remove(batchId);
            return complete;
        } catch (SQLException | IOException | RuntimeException e) {
            boolean isTransient = e instanceof SQLException sql ? isTransient(sql) : objects.isTransient(e);
            if (!isTransient) {
                throw e;
            }
            int attempts = failedAttempts.merge(batchId, 1, Integer::sum);
            if (attempts < maxAttempts) {
                LOG.warn("Batch {} could not be loaded (try {} of {}): {}", batchId, attempts, maxAttempts,
                        e.getMessage());
                throw e;
            }
            failedAttempts.remove(batchId);
            return failed(batchId, new IOException("gave up after " + attempts + " tries: " + e.getMessage(), e));
        }
    }

    private boolean answered(String batchId) throws IOException {
        String complete = S3Keys.complete(batchId);
        return objects.exists(complete) || objects.exists(archivePrefix + complete);
    }

    /**
     * An item of the manifest that has rows: the table they go into is the dataset's, unless the manifest names one;
     * its Parquet is one object, or one per partition, all loaded or none.
     */
    private record Item(String key, String name, String source, String dataset, String table,
            List<String> parquetKeys) {
    }

    private static List<Item> itemsOf(JsonNode items) {
        List<Item> tabular = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode parquet = item.path("parquet");
            if (!parquet.isMissingNode() && !parquet.isNull()) {
                String dataset = parquet.path("dataset").asText();
                tabular.add(new Item(item.path("key").asText(), item.path("name").asText(),
                        item.path("source").asText(), dataset, parquet.path("table").asText(dataset),
                        parquetKeys(parquet)));
            }
        }
        return tabular;
    }

    private static List<String> parquetKeys(JsonNode parquet) {
        if (!parquet.has("parts")) {
            return List.of(parquet.path("key").asText());
        }
        List<String> keys = new ArrayList<>();
        parquet.path("parts").forEach(part -> keys.add(part.path("key").asText()));
        return keys;
    }

    private Complete loadOnce(Connection connection, Dialect dialect, JsonNode manifest, String batchId,
            List<Item> items) throws IOException, SQLException {
        // each opened object with its item, in the manifest's order; all closed at the end
        Map<Item, List<BatchObjects.ParquetObject>> opened = new LinkedHashMap<>();
        List<Complete.NotLoaded> notLoaded = new ArrayList<>();
        Timestamp loadedAt = timestamp(Instant.now().toString());
        boolean autoCommit = connection.getAutoCommit();
        try {
            for (Item item : items) {
                List<BatchObjects.ParquetObject> objects = new ArrayList<>();
                opened.put(item, objects);
                for (String key : item.parquetKeys()) {
                    objects.add(open(key));
                }
            }
            // MySQL, MariaDB and H2 commit an open transaction on DDL: every table is made ready before the rows'
            // transaction starts, so that the rows of a batch are committed all together or not at all
            Map<Item, List<BatchObjects.ParquetObject>> ready = new LinkedHashMap<>();
            for (Map.Entry<Item, List<BatchObjects.ParquetObject>> entry : opened.entrySet()) {
                Item item = entry.getKey();
                // the parts of an item share its columns: the first one's schema is the item's
                String refusal = prepare(connection, dialect, batchId, item,
                        schemaOf(entry.getValue().get(0).inputFile()));
                if (refusal == null) {
                    ready.put(item, entry.getValue());
                } else {
                    notLoaded.add(setAside(batchId, item, refusal));
                }
            }
            connection.setAutoCommit(false);
            Map<String, EarlierLoad> earlier = earlierLoads(connection, dialect, batchId, ready.keySet());
            Map<List<String>, Long> rowsByTable = new LinkedHashMap<>();
            Map<String, Long> rowsByItem = new HashMap<>();
            for (Map.Entry<Item, List<BatchObjects.ParquetObject>> entry : ready.entrySet()) {
                Item item = entry.getKey();
                Savepoint before = connection.setSavepoint();
                try {
                    EarlierLoad earlierLoad = earlier.get(item.key());
                    if (earlierLoad != null) {
                        replaceEarlierRows(connection, dialect, batchId, item, earlierLoad);
                    }
                    long rows = 0;
                    for (BatchObjects.ParquetObject part : entry.getValue()) {
                        rows += loadRows(connection, dialect, batchId, item, part.inputFile(), loadedAt);
                    }
                    rowsByTable.merge(List.of(item.dataset(), item.table()), rows, Long::sum);
                    rowsByItem.put(item.key(), rows);
                } catch (SQLException e) {
                    if (isTransient(e)) {
                        throw e;
                    }
                    connection.rollback(before);
                    notLoaded.add(setAside(batchId, item, "its rows do not go into table " + item.table()
                            + ": " + e.getMessage()));
                } catch (IOException | RuntimeException e) {
                    if (objects.isTransient(e)) {
                        throw e;
                    }
                    connection.rollback(before);
                    notLoaded.add(setAside(batchId, item, "its Parquet object cannot be read: " + e.getMessage()));
                }
            }
            List<Complete.Table> answered = rowsByTable.entrySet().stream()
                    .map(e -> new Complete.Table(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                    .toList();
            Set<String> setAside = new HashSet<>();
            notLoaded.forEach(n -> setAside.add(n.key()));
            catalog(connection, dialect, manifest, rowsByItem, setAside, loadedAt);
            Complete complete = new Complete(batchId, Complete.SUCCEEDED, Instant.now(), answered, List.of(),
                    notLoaded);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + dialect.quote(LOADS_TABLE)
                    + " (batch_id, loaded_at, answer) VALUES (?, ?, ?)")) {
                insert.setString(1, batchId);
                insert.setTimestamp(2, Timestamp.from(complete.finishedAt()));
                insert.setString(3, json.writeValueAsString(complete));
                insert.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
                // another loader (another instance, the Glue job) committed the batch while this one loaded it: the
                // database kept this one waiting on the batch's row, so its rows go, and the answer is the other's
                rollback(connection);
                LOG.info("Batch {} was loaded by another loader meanwhile: its rows and its answer are that loader's",
                        batchId);
                return null;
            }
            connection.commit();
            LOG.info("Batch {} loaded: {}{}", batchId, answered.stream().map(t -> t.table() + " " + t.rows()).toList(),
                    notLoaded.isEmpty() ? "" : "; " + notLoaded.size() + " item(s) set aside");
            return complete;
        } catch (SQLException e) {
            rollback(connection);
            if (isTransient(e)) {
                throw e;
            }
            return failed(batchId, e);
        } catch (IOException | RuntimeException e) {
            rollback(connection);
            if (objects.isTransient(e)) {
                throw e;
            }
            return failed(batchId, e);
        } finally {
            connection.setAutoCommit(autoCommit);
            for (List<BatchObjects.ParquetObject> objects : opened.values()) {
                for (BatchObjects.ParquetObject object : objects) {
                    object.close();
                }
            }
        }
    }

    /**
     * One row per item of the batch in {@value #CATALOG_TABLE} (the items set aside excepted), in the transaction of
     * the batch's rows: an item's row replaces an earlier one of the same key.
     */
    private void catalog(Connection connection, Dialect dialect, JsonNode manifest, Map<String, Long> rowsByItem,
            Set<String> setAside, Timestamp loadedAt) throws SQLException {
        String table = dialect.quote(CATALOG_TABLE);
        Timestamp ingestedAt = timestamp(manifest.path("createdAt").asText());
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE item_key = ?");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (" + String.join(", ",
                        CATALOG_COLUMNS) + ") VALUES (" + "?, ".repeat(CATALOG_COLUMNS.size() - 1) + "?)")) {
            for (JsonNode item : manifest.path("items")) {
                String key = item.path("key").asText();
                if (setAside.contains(key)) {
                    continue;
                }
                delete.setString(1, key);
                delete.addBatch();
                JsonNode parquet = item.path("parquet");
                JsonNode facts = item.path("facts");
                int p = 0;
                insert.setString(++p, key);
                insert.setString(++p, manifest.path("batchId").asText());
                insert.setString(++p, item.path("source").asText());
                insert.setString(++p, item.path("name").asText());
                insert.setString(++p, item.path("sha256").asText());
                insert.setLong(++p, item.path("size").asLong());
                insert.setString(++p, item.path("mediaType").asText());
                insert.setString(++p, item.path("class").asText());
                setText(insert, ++p, item.path("rule"));
                setText(insert, ++p, parquet.path("dataset"));
                setText(insert, ++p, parquet.isMissingNode() ? parquet : parquet.path("table").isMissingNode()
                        ? parquet.path("dataset") : parquet.path("table"));
                Long rows = rowsByItem.get(key);
                if (rows == null) {
                    insert.setNull(++p, Types.BIGINT);
                } else {
                    insert.setLong(++p, rows);
                }
                setText(insert, ++p, item.path("rawKey"));
                setText(insert, ++p, item.path("metadataKey"));
                if (parquet.isMissingNode()) {
                    insert.setNull(++p, Types.VARCHAR);
                } else {
                    insert.setString(++p, String.join(", ", parquetKeys(parquet)));
                }
                insert.setTimestamp(++p, ingestedAt);
                insert.setTimestamp(++p, loadedAt);
                setText(insert, ++p, facts.path("title"));
                setText(insert, ++p, facts.path("author"));
                setInteger(insert, ++p, facts.path("pages"));
                setInteger(insert, ++p, facts.path("width"));
                setInteger(insert, ++p, facts.path("height"));
                insert.setTimestamp(++p, facts.path("takenAt").isTextual()
                        ? Timestamp.valueOf(LocalDateTime.parse(facts.path("takenAt").asText())) : null);
                if (facts.path("durationSeconds").isNumber()) {
                    insert.setDouble(++p, facts.path("durationSeconds").asDouble());
                } else {
                    insert.setNull(++p, Types.DOUBLE);
                }
                insert.addBatch();
            }
            delete.executeBatch();
            insert.executeBatch();
        }
    }

    private static void setText(PreparedStatement statement, int p, JsonNode value) throws SQLException {
        if (value.isTextual()) {
            statement.setString(p, value.asText());
        } else {
            statement.setNull(p, Types.VARCHAR);
        }
    }

    private static void setInteger(PreparedStatement statement, int p, JsonNode value) throws SQLException {
        if (value.canConvertToLong()) {
            statement.setLong(p, value.asLong());
        } else {
            statement.setNull(p, Types.BIGINT);
        }
    }

    /** An instant as its UTC date-time, to the microsecond: what every database's timestamp keeps alike. */
    private static Timestamp timestamp(String instant) {
        return Timestamp.valueOf(LocalDateTime.ofInstant(Instant.parse(instant).truncatedTo(ChronoUnit.MICROS),
                ZoneOffset.UTC));
    }

    /** Where an earlier batch loaded an item's rows, as the catalog says. */
    private record EarlierLoad(String table, String batchId) {
    }

    /** Keys of the catalog's rows read at a time: one query per this many items of a batch. */
    private static final int CATALOG_KEYS_PER_QUERY = 500;

    /**
     * The items of the batch that an earlier batch loaded rows of (a reload, a replay of the same bytes): one look at
     * the catalog per {@value #CATALOG_KEYS_PER_QUERY} items.
     */
    private static Map<String, EarlierLoad> earlierLoads(Connection connection, Dialect dialect, String batchId,
            Collection<Item> items) throws SQLException {
        Map<String, EarlierLoad> earlier = new HashMap<>();
        List<String> keys = items.stream().map(Item::key).toList();
        for (int from = 0; from < keys.size(); from += CATALOG_KEYS_PER_QUERY) {
            List<String> some = keys.subList(from, Math.min(keys.size(), from + CATALOG_KEYS_PER_QUERY));
            try (PreparedStatement select = connection.prepareStatement("SELECT item_key, table_name, batch_id FROM "
                    + dialect.quote(CATALOG_TABLE) + " WHERE item_key IN (" + "?, ".repeat(some.size() - 1) + "?)")) {
                for (int i = 0; i < some.size(); i++) {
                    select.setString(i + 1, some.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(2) != null && !batchId.equals(rs.getString(3))) {
                            earlier.put(rs.getString(1), new EarlierLoad(rs.getString(2), rs.getString(3)));
                        }
                    }
                }
            }
        }
        return earlier;
    }

    /**
     * Deletes the rows an earlier batch loaded for this item, so that loading it again replaces them. Rows of a table
     * made before it had lineage columns cannot be told apart and stay.
     */
    private void replaceEarlierRows(Connection connection, Dialect dialect, String batchId, Item item,
            EarlierLoad earlier) throws SQLException {
        if (!dialect.columnsOf(connection, earlier.table()).containsKey(LINEAGE_COLUMNS.get(1))) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + dialect.quote(earlier.table())
                + " WHERE " + dialect.quote(LINEAGE_COLUMNS.get(1)) + " = ?")) {
            delete.setString(1, item.key());
            int deleted = delete.executeUpdate();
            LOG.info("Batch {}: {} loaded again, its {} rows of table {} from batch {} replaced", batchId, item.name(),
                    deleted, earlier.table(), earlier.batchId());
        }
    }

    private static Complete.NotLoaded setAside(String batchId, Item item, String reason) {
        LOG.warn("Batch {}: {} is not loaded: {}", batchId, item.name(), reason);
        return new Complete.NotLoaded(item.key(), item.name(), item.dataset(), reason);
    }

    /**
     * Makes the item's table ready: checks that the item may write into it and that its columns take the item's
     * values, then creates it or adds the columns it lacks. Returns why the item cannot be loaded, or null.
     */
    private String prepare(Connection connection, Dialect dialect, String batchId, Item item, MessageType schema)
            throws SQLException {
        String table = item.table();
        if (table.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            return "table names beginning with " + RESERVED_PREFIX + " are the pipeline's own";
        }
        for (Type field : schema.getFields()) {
            if (field.getName().toLowerCase(Locale.ROOT).startsWith(LINEAGE_PREFIX)) {
                return "column " + field.getName() + ": column names beginning with " + LINEAGE_PREFIX
                        + " are the pipeline's lineage columns";
            }
        }
        String owner = ownerOf(connection, dialect, table);
        if (owner != null && !owner.equals(item.source()) && !sharedTables.contains(table)) {
            return "table " + table + " is fed by source " + owner + ", and this item comes from " + item.source()
                    + " (list the table in nimbus.loader.shared-tables to let both write into it)";
        }
        Map<String, Integer> existing = dialect.columnsOf(connection, table);
        for (Type field : schema.getFields()) {
            Integer jdbcType = existing.get(field.getName().toLowerCase(Locale.ROOT));
            if (jdbcType != null) {
                SqlTypes.Family column = SqlTypes.familyOf(jdbcType);
                SqlTypes.Family values = SqlTypes.familyOf(field.asPrimitiveType());
                if (!column.holds(values)) {
                    return "column " + field.getName() + " of table " + table + " holds " + family(column)
                            + " values, and this item has " + family(values) + " values in it";
                }
            }
        }
        try {
            ensureTable(connection, dialect, table, schema, existing.keySet());
            if (owner == null && !claimTable(connection, dialect, table, item.source(), batchId)) {
                // another loader made the table its source's in between (another instance, the Glue job)
                String winner = ownerOf(connection, dialect, table);
                if (!item.source().equals(winner) && !sharedTables.contains(table)) {
                    return "table " + table + " is fed by source " + winner + ", and this item comes from "
                            + item.source() + " (list the table in nimbus.loader.shared-tables to let both write "
                            + "into it)";
                }
            }
            return null;
        } catch (SQLException e) {
            if (isTransient(e)) {
                throw e;
            }
            return "table " + table + " cannot be made ready for it: " + e.getMessage();
        }
    }

    private static String family(SqlTypes.Family family) {
        return family.name().toLowerCase(Locale.ROOT);
    }

    private String ownerOf(Connection connection, Dialect dialect, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT source FROM " + dialect.quote(TABLES_TABLE) + " WHERE table_name = ?")) {
            select.setString(1, table);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Makes the table the source's; false when another loader registered it first. */
    private boolean claimTable(Connection connection, Dialect dialect, String table, String source, String batchId)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + dialect.quote(TABLES_TABLE)
                + " (table_name, source, first_batch, since) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, table);
            insert.setString(2, source);
            insert.setString(3, batchId);
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    /** Opens an object of the batch; an object that cannot be had is named in the error of the answer. */
    private BatchObjects.ParquetObject open(String key) throws IOException {
        try {
            return objects.openParquet(key);
        } catch (IOException | RuntimeException e) {
            if (objects.isTransient(e)) {
                throw e;
            }
            throw new IOException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
        }
    }

    private static MessageType schemaOf(InputFile file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(file, READ_OPTIONS)) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    private Complete failed(String batchId, Exception e) {
        LOG.error("Batch {} failed to load: {}", batchId, e.getMessage(), e);
        return new Complete(batchId, Complete.FAILED, Instant.now(), List.of(),
                List.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    /**
     * A failure of the moment, not of the batch: the connection (class 08), or the transaction rolled back by the
     * database (class 40: a deadlock with another writer of the table, a serialization failure). The batch is tried
     * again.
     */
    static boolean isTransient(SQLException e) {
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException
                || (e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("40")));
    }

    /**
     * The pipeline's own tables, made when missing only: a database user without the right to create tables (a DBA
     * made them) loads as well, since a CREATE ... IF NOT EXISTS asks for that right even when the table exists.
     */
    private void createOwnTables(Connection connection, Dialect dialect) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (dialect.columnsOf(connection, LOADS_TABLE).isEmpty()) {
                st.execute(dialect.types.loadsTable(dialect.quote(LOADS_TABLE)));
            }
            if (dialect.columnsOf(connection, TABLES_TABLE).isEmpty()) {
                st.execute(dialect.types.tablesTable(dialect.quote(TABLES_TABLE)));
            }
            if (dialect.columnsOf(connection, CATALOG_TABLE).isEmpty()) {
                st.execute(dialect.types.catalogTable(dialect.quote(CATALOG_TABLE)));
            }
        }
    }

    private Complete earlierAnswer(Connection connection, Dialect dialect, String batchId)
            throws SQLException, IOException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT answer FROM " + dialect.quote(LOADS_TABLE) + " WHERE batch_id = ?")) {
            select.setString(1, batchId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? json.readValue(rs.getString(1), Complete.class) : null;
            }
        }
    }

    private long loadRows(Connection connection, Dialect dialect, String batchId, Item item, InputFile file,
            Timestamp loadedAt) throws IOException, SQLException {
        String table = item.table();
        progress.started(item.name() + " into " + table);
        try (ParquetFileReader reader = ParquetFileReader.open(file, READ_OPTIONS)) {
            long total = Math.max(1, reader.getRecordCount());
            ParquetRows rows = new ParquetRows(reader);
            if (dialect.localInfile) {
                return new LocalInfileLoad(connection, rows, total, insertBatchSize, progress)
                        .into(table, batchId, item.key(), loadedAt);
            }
            return insert(connection, dialect, table, rows, total, batchId, item.key(), loadedAt);
        } finally {
            progress.finished();
        }
    }

    /** The rows by batches of parameterized INSERTs: any database. */
    private long insert(Connection connection, Dialect dialect, String table, ParquetRows rows, long total,
            String batchId, String itemKey, Timestamp loadedAt) throws IOException, SQLException {
        List<PrimitiveType> columns = rows.columns();
        StringJoiner names = new StringJoiner(", ");
        StringJoiner marks = new StringJoiner(", ");
        for (PrimitiveType column : columns) {
            names.add(dialect.quote(column.getName()));
            marks.add("?");
        }
        for (String lineage : LINEAGE_COLUMNS) {
            names.add(dialect.quote(lineage));
            marks.add("?");
        }
        int lineageAt = columns.size() + 1;
        long done = 0;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + dialect.quote(table) + " (" + names + ") VALUES (" + marks + ")")) {
            // the same lineage for every row of the item: bound once, kept by the statement across its batches
            insert.setString(lineageAt, batchId);
            insert.setString(lineageAt + 1, itemKey);
            insert.setTimestamp(lineageAt + 2, loadedAt);
            while (rows.next()) {
                for (int c = 0; c < columns.size(); c++) {
                    if (rows.isNull(c)) {
                        insert.setNull(c + 1, Types.NULL);
                    } else {
                        bindValue(insert, c + 1, columns.get(c), rows.value(c));
                    }
                }
                insert.addBatch();
                if (++done % insertBatchSize == 0) {
                    insert.executeBatch();
                    progress.advanced(done, (double) done / total);
                }
            }
            insert.executeBatch();
        }
        return done;
    }

    private static void bindValue(PreparedStatement insert, int p, PrimitiveType column, ColumnReader value)
            throws SQLException {
        LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            insert.setBigDecimal(p, switch (column.getPrimitiveTypeName()) {
                case INT32 -> BigDecimal.valueOf(value.getInteger(), decimal.getScale());
                case INT64 -> BigDecimal.valueOf(value.getLong(), decimal.getScale());
                default -> ParquetRows.decimal(value.getBinary(), decimal.getScale());
            });
        } else if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
            long micros = ParquetRows.micros(ts, value.getLong());
            insert.setObject(p, LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC));
        } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            insert.setObject(p, LocalDate.ofEpochDay(value.getInteger()));
        } else if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
            insert.setObject(p, LocalTime.ofNanoOfDay(ParquetRows.micros(time, value) * 1_000));
        } else {
            switch (column.getPrimitiveTypeName()) {
                case INT64 -> insert.setLong(p, value.getLong());
                case INT32 -> insert.setInt(p, value.getInteger());
                case DOUBLE -> insert.setDouble(p, value.getDouble());
                case FLOAT -> insert.setFloat(p, value.getFloat());
                case BOOLEAN -> insert.setBoolean(p, value.getBoolean());
                default -> {
                    if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
                        insert.setString(p, value.getBinary().toStringUsingUTF8());
                    } else {
                        insert.setBytes(p, value.getBinary().getBytes());
                    }
                }
            }
        }
    }

    /** Creates the table from the Parquet schema, or adds the columns it lacks. */
    private static void ensureTable(Connection connection, Dialect dialect, String table, MessageType schema,
            Set<String> existing) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (existing.isEmpty()) {
                StringJoiner columns = new StringJoiner(", ");
                for (Type field : schema.getFields()) {
                    columns.add(dialect.quote(field.getName()) + " " + dialect.types.of(field.asPrimitiveType()));
                }
                for (String lineage : LINEAGE_COLUMNS) {
                    columns.add(dialect.quote(lineage) + " " + dialect.types.lineage(lineage));
                }
                st.execute("CREATE TABLE " + dialect.quote(table) + " (" + columns + ")");
                LOG.info("Created table {} ({})", table, columns);
                return;
            }
            for (Type field : schema.getFields()) {
                if (!existing.contains(field.getName().toLowerCase(Locale.ROOT))) {
                    st.execute("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(field.getName())
                            + " " + dialect.types.of(field.asPrimitiveType()));
                    LOG.info("Added column {} to table {}", field.getName(), table);
                }
            }
            for (String lineage : LINEAGE_COLUMNS) {
                if (!existing.contains(lineage)) {
                    st.execute("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(lineage) + " "
                            + dialect.types.lineage(lineage));
                    LOG.info("Added lineage column {} to table {}", lineage, table);
                }
            }
        }
    }

    /** What differs from one database to another: identifier quotes and column types. */
    private static final class Dialect {
        final String quote;
        final SqlTypes types;
        /** Rows go in by LOAD DATA LOCAL INFILE: MySQL or MariaDB through MariaDB's driver, the server allowing it. */
        final boolean localInfile;

        Dialect(Connection connection) throws SQLException {
            DatabaseMetaData meta = connection.getMetaData();
            String q = meta.getIdentifierQuoteString();
            this.quote = q == null || q.isBlank() ? "" : q.trim();
            this.types = new SqlTypes(meta.getDatabaseProductName());
            this.localInfile = types.mysql() && LocalInfileLoad.isAllowed(connection);
        }

        String quote(String identifier) {
            return quote + identifier + quote;
        }

        /** The lower-case column names of a table with their {@link java.sql.Types}, empty when it does not exist. */
        Map<String, Integer> columnsOf(Connection connection, String table) throws SQLException {
            Map<String, Integer> columns = new HashMap<>();
            DatabaseMetaData meta = connection.getMetaData();
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), name, null)) {
                    while (rs.next()) {
                        columns.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
                    }
                }
                if (!columns.isEmpty()) {
                    break;
                }
            }
            return columns;
        }
    }
}
