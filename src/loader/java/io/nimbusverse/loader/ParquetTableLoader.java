package io.nimbusverse.loader;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.signal.Complete;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loader contract of DESIGN.md, shared by the on-prem loader route and the Glue job (aws/glue compiles this
 * source folder too): loads every Parquet item of a SIGNAL manifest into the JDBC table named after its dataset,
 * creating the table, or the columns it lacks, from the Parquet schema.
 *
 * <p>A batch loads in one transaction together with its row in {@code nimbus_loads}, so it loads once: a second
 * SIGNAL of the same batch finds that row and gets the same answer back without touching the tables. Transient
 * failures (connection, storage) are thrown to be retried; anything else answers FAILED with the error.
 */
public class ParquetTableLoader {

    static final String LOADS_TABLE = "nimbus_loads";
    private static final Logger LOG = LoggerFactory.getLogger(ParquetTableLoader.class);

    private final DataSource dataSource;
    private final BatchObjects objects;
    private final ObjectMapper json;
    private final int insertBatchSize;

    public ParquetTableLoader(DataSource dataSource, BatchObjects objects, ObjectMapper json, int insertBatchSize) {
        this.dataSource = dataSource;
        this.objects = objects;
        this.json = json;
        this.insertBatchSize = insertBatchSize;
    }

    /** The COMPLETE to write for this manifest, or null when the batch is loaded and answered already. */
    public Complete load(String manifestJson) throws IOException, SQLException {
        JsonNode manifest = json.readTree(manifestJson);
        String batchId = manifest.path("batchId").asText();
        try (Connection connection = dataSource.getConnection()) {
            Dialect dialect = new Dialect(connection.getMetaData());
            createLoadsTable(connection, dialect);
            Complete earlier = earlierAnswer(connection, dialect, batchId);
            if (earlier != null) {
                return objects.exists(S3Keys.complete(batchId)) ? null : earlier;
            }
            return loadOnce(connection, dialect, batchId, manifest.path("items"));
        }
    }

    private Complete loadOnce(Connection connection, Dialect dialect, String batchId, JsonNode items)
            throws IOException, SQLException {
        // each opened object with its dataset, in the manifest's order; all closed at the end
        Map<BatchObjects.ParquetObject, String> tables = new LinkedHashMap<>();
        boolean autoCommit = connection.getAutoCommit();
        try {
            for (JsonNode item : items) {
                JsonNode parquet = item.path("parquet");
                if (!parquet.isMissingNode() && !parquet.isNull()) {
                    tables.put(open(parquet.path("key").asText()), parquet.path("dataset").asText());
                }
            }
            // MySQL, MariaDB and H2 commit an open transaction on DDL: every table is made ready before the rows'
            // transaction starts, so that the rows of a batch are committed all together or not at all
            for (Map.Entry<BatchObjects.ParquetObject, String> table : tables.entrySet()) {
                ensureTable(connection, dialect, table.getValue(), schemaOf(table.getKey().inputFile()));
            }
            connection.setAutoCommit(false);
            Map<String, Long> rowsByDataset = new LinkedHashMap<>();
            for (Map.Entry<BatchObjects.ParquetObject, String> table : tables.entrySet()) {
                long rows = loadRows(connection, dialect, table.getValue(), table.getKey().inputFile());
                rowsByDataset.merge(table.getValue(), rows, Long::sum);
            }
            List<Complete.Table> answered = rowsByDataset.entrySet().stream()
                    .map(e -> new Complete.Table(e.getKey(), e.getKey(), e.getValue()))
                    .toList();
            Complete complete = new Complete(batchId, Complete.SUCCEEDED, Instant.now(), answered, List.of());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + dialect.quote(LOADS_TABLE)
                    + " (batch_id, loaded_at, answer) VALUES (?, ?, ?)")) {
                insert.setString(1, batchId);
                insert.setTimestamp(2, Timestamp.from(complete.finishedAt()));
                insert.setString(3, json.writeValueAsString(complete));
                insert.executeUpdate();
            }
            connection.commit();
            LOG.info("Batch {} loaded: {}", batchId, rowsByDataset);
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
            for (BatchObjects.ParquetObject object : tables.keySet()) {
                object.close();
            }
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
        try (ParquetFileReader reader = ParquetFileReader.open(file)) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    private Complete failed(String batchId, Exception e) {
        LOG.error("Batch {} failed to load: {}", batchId, e.getMessage(), e);
        return new Complete(batchId, Complete.FAILED, Instant.now(), List.of(),
                List.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    static boolean isTransient(SQLException e) {
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    private void createLoadsTable(Connection connection, Dialect dialect) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(dialect.types.loadsTable(dialect.quote(LOADS_TABLE)));
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

    private long loadRows(Connection connection, Dialect dialect, String table, InputFile file)
            throws IOException, SQLException {
        try (ParquetFileReader reader = ParquetFileReader.open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<PrimitiveType> columns = schema.getFields().stream().map(Type::asPrimitiveType).toList();
            StringJoiner names = new StringJoiner(", ");
            StringJoiner marks = new StringJoiner(", ");
            for (PrimitiveType column : columns) {
                names.add(dialect.quote(column.getName()));
                marks.add("?");
            }
            String sql = "INSERT INTO " + dialect.quote(table) + " (" + names + ") VALUES (" + marks + ")";
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            long rows = 0;
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                PageReadStore pages;
                while ((pages = reader.readNextRowGroup()) != null) {
                    RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                    for (long r = 0; r < pages.getRowCount(); r++) {
                        bind(insert, columns, records.read());
                        insert.addBatch();
                        if (++rows % insertBatchSize == 0) {
                            insert.executeBatch();
                        }
                    }
                }
                insert.executeBatch();
            }
            return rows;
        }
    }

    private static void bind(PreparedStatement insert, List<PrimitiveType> columns, Group row) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            PrimitiveType column = columns.get(i);
            int p = i + 1;
            if (row.getFieldRepetitionCount(i) == 0) {
                insert.setNull(p, Types.NULL);
                continue;
            }
            LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
            if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                insert.setBigDecimal(p, switch (column.getPrimitiveTypeName()) {
                    case INT32 -> BigDecimal.valueOf(row.getInteger(i, 0), decimal.getScale());
                    case INT64 -> BigDecimal.valueOf(row.getLong(i, 0), decimal.getScale());
                    default -> new BigDecimal(new BigInteger(row.getBinary(i, 0).getBytes()), decimal.getScale());
                });
            } else if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
                long value = row.getLong(i, 0);
                long micros = switch (ts.getUnit()) {
                    case MILLIS -> value * 1_000;
                    case MICROS -> value;
                    case NANOS -> value / 1_000;
                };
                insert.setObject(p, LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC));
            } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                insert.setObject(p, LocalDate.ofEpochDay(row.getInteger(i, 0)));
            } else if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
                long nanos = switch (time.getUnit()) {
                    case MILLIS -> row.getInteger(i, 0) * 1_000_000L;
                    case MICROS -> row.getLong(i, 0) * 1_000;
                    case NANOS -> row.getLong(i, 0);
                };
                insert.setObject(p, LocalTime.ofNanoOfDay(nanos));
            } else {
                switch (column.getPrimitiveTypeName()) {
                    case INT64 -> insert.setLong(p, row.getLong(i, 0));
                    case INT32 -> insert.setInt(p, row.getInteger(i, 0));
                    case DOUBLE -> insert.setDouble(p, row.getDouble(i, 0));
                    case FLOAT -> insert.setFloat(p, row.getFloat(i, 0));
                    case BOOLEAN -> insert.setBoolean(p, row.getBoolean(i, 0));
                    default -> {
                        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
                            insert.setString(p, row.getString(i, 0));
                        } else {
                            insert.setBytes(p, row.getBinary(i, 0).getBytes());
                        }
                    }
                }
            }
        }
    }

    /** Creates the table from the Parquet schema, or adds the columns it lacks. */
    private static void ensureTable(Connection connection, Dialect dialect, String table, MessageType schema)
            throws SQLException {
        Set<String> existing = dialect.columnsOf(connection, table);
        try (Statement st = connection.createStatement()) {
            if (existing.isEmpty()) {
                StringJoiner columns = new StringJoiner(", ");
                for (Type field : schema.getFields()) {
                    columns.add(dialect.quote(field.getName()) + " " + dialect.types.of(field.asPrimitiveType()));
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
        }
    }

    /** What differs from one database to another: identifier quotes and column types. */
    private static final class Dialect {
        final String quote;
        final SqlTypes types;

        Dialect(DatabaseMetaData meta) throws SQLException {
            String q = meta.getIdentifierQuoteString();
            this.quote = q == null || q.isBlank() ? "" : q.trim();
            this.types = new SqlTypes(meta.getDatabaseProductName());
        }

        String quote(String identifier) {
            return quote + identifier + quote;
        }

        /** The lower-case column names of a table, empty when it does not exist. */
        Set<String> columnsOf(Connection connection, String table) throws SQLException {
            Set<String> columns = new HashSet<>();
            DatabaseMetaData meta = connection.getMetaData();
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), name, null)) {
                    while (rs.next()) {
                        columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
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
