package io.nimbusverse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.signal.BatchItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Chunks of a table and how the table moves past them. A crash is played by a failure at the worst moment: after
 * the chunk's claim, before the move. A new {@link SqlPositions} on the same folder is the restart.
 */
class SqlChunksTest {

    private static final SqlChunkParquet FORMAT = new SqlChunkParquet("SNAPPY", 1 << 20, 1 << 16);

    /** A database that can be switched off, as a crash or an outage would. */
    static final class SwitchableSource extends DriverManagerDataSource {
        volatile boolean down;

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLNonTransientConnectionException("the database is down", "08001");
            }
            return super.getConnection();
        }
    }

    @TempDir
    Path dir;
    private final SwitchableSource source = new SwitchableSource();
    private final ObjectMapper json = new ObjectMapper();
    private Ledger ledger;
    private WorkFolders folders;

    @BeforeEach
    void open() throws Exception {
        source.setUrl("jdbc:h2:mem:" + dir.getFileName() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        ledger = new CsvLedger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("quarantine"),
                dir.resolve("duplicates"));
        folders.create();
        execute("CREATE TABLE payments (id BIGINT PRIMARY KEY, amount DECIMAL(10,2), exported BOOLEAN DEFAULT FALSE)");
        execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(40), updated_at TIMESTAMP(6))");
        for (int i = 1; i <= 5; i++) {
            execute("INSERT INTO payments (id, amount) VALUES (" + i + ", " + i + ".50)");
            execute("INSERT INTO customers VALUES (" + i + ", 'c" + i + "', TIMESTAMP '2026-11-0" + i + " 10:00:00')");
        }
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
        source.down = false;
        execute("DROP ALL OBJECTS");
    }

    private SqlPositions positions() throws Exception {
        SqlPositions positions = new SqlPositions(dir.resolve("sql"), source, ledger, json);
        positions.open();
        return positions;
    }

    private SqlChunks chunks(SqlPositions positions) {
        return new SqlChunks(source, folders, ledger, json, positions);
    }

    @Test
    void aChunkIsKeyedByItsRangeAndLeavesTheFlagOut() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        SqlChunk byFlag = only(chunks.read("payments", "id", "", "exported", 100, unflaggedPayments(3)));
        assertThat(byFlag.getKey()).isEqualTo("payments:id:1..3:3");
        assertThat(byFlag.getColumns()).extracting(SqlColumn::name).containsExactly("id", "amount");
        assertThat(byFlag.getRows().get(2)[1]).as("amount").isNotNull();

        SqlChunk byWatermark = only(chunks.read("customers", "id", "updated_at", "", 100, customersPast(positions, 2)));
        assertThat(byWatermark.getKey())
                .isEqualTo("customers:updated_at,id:2026-11-01T10:00,1..2026-11-02T10:00,2");
        assertThat(byWatermark.getColumns()).extracting(SqlColumn::name).containsExactly("id", "name", "updated_at");
    }

    @Test
    void aFlagReadChunkIsReadPastAtOnceAndFlaggedOnlyOnceItIsInS3EvenAcrossARestart() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        SqlChunk first = only(chunks.read("payments", "id", "", "exported", 100, unflaggedPayments(positions, 3)));
        claim(chunks, first);
        assertThat(unflaggedPayments(10)).as("claimed, not in S3: no flag yet").hasSize(5);
        assertThat(unflaggedPayments(positions, 10)).as("but the table is read past it")
                .extracting(row -> row.get("id")).containsExactly(4L, 5L);

        SqlPositions restarted = positions();
        restarted.resolvePending("payments");
        assertThat(unflaggedPayments(10)).as("still on its way after a restart").hasSize(5);
        assertThat(unflaggedPayments(restarted, 10)).extracting(row -> row.get("id")).containsExactly(4L, 5L);

        uploaded(first);
        restarted.resolvePending("payments");
        assertThat(unflaggedPayments(10)).extracting(row -> row.get("id")).containsExactly(4L, 5L);
        assertThat(Files.list(dir.resolve("sql/pending/payments"))).isEmpty();

        SqlChunks after = chunks(restarted);
        SqlChunk second = only(after.read("payments", "id", "", "exported", 100, unflaggedPayments(restarted, 3)));
        assertThat(claim(after, second)).extracting(BatchItem::getKey).isEqualTo("payments:id:4..5:2");
        assertThat(claim(after, first)).as("a chunk read twice goes out once").isNull();
    }

    @Test
    void aSourceDownWhenItsChunkReachedS3GetsItsFlagsOnceItIsBack() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        SqlChunk chunk = only(chunks.read("payments", "id", "", "exported", 100, unflaggedPayments(positions, 3)));
        claim(chunks, chunk);
        uploaded(chunk);
        source.down = true;
        assertThatThrownBy(() -> positions.resolvePending("payments")).isInstanceOf(SQLException.class);
        source.down = false;
        assertThat(unflaggedPayments(10)).hasSize(5);

        positions.resolvePending("payments");

        assertThat(unflaggedPayments(10)).extracting(row -> row.get("id")).containsExactly(4L, 5L);
    }

    @Test
    void aWatermarkIsSavedOnlyOnceItsChunkIsInS3AndNeverPastAChunkStillOnItsWay() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        List<SqlChunk> poll = chunks.read("customers", "id", "updated_at", "", 2, customersPast(positions, 10));
        claim(chunks, poll.get(0));
        claim(chunks, poll.get(1));
        assertThat(customersPast(positions, 10)).extracting(row -> row.get("id")).containsExactly(5L);
        assertThat(dir.resolve("sql/watermarks.properties")).doesNotExist();

        // the second chunk's batch is in S3 before the first's: the watermark waits for the first
        uploaded(poll.get(1));
        positions.resolvePending("customers");
        assertThat(dir.resolve("sql/watermarks.properties")).doesNotExist();

        SqlPositions restarted = positions();
        assertThat(customersPast(restarted, 10)).as("read past the chunks on their way")
                .extracting(row -> row.get("id")).containsExactly(5L);
        uploaded(poll.get(0));
        restarted.resolvePending("customers");
        assertThat(Files.readString(dir.resolve("sql/watermarks.properties"))).contains("customers.key=4");
        assertThat(restarted.value("customers", "updated_at")).isEqualTo(LocalDateTime.of(2026, 11, 4, 10, 0));
    }

    @Test
    void aMoveWrittenDownButNeverClaimedIsDroppedAndItsRowsReadAgain() throws Exception {
        SqlPositions positions = positions();
        SqlChunk chunk = only(chunks(positions).read("customers", "id", "updated_at", "", 100, customersPast(positions, 3)));
        positions.pending(chunk);

        SqlPositions restarted = positions();
        restarted.resolvePending("customers");
        assertThat(ledger.contains(chunk.getKey())).isFalse();
        assertThat(customersPast(restarted, 10)).hasSize(5);
        assertThat(Files.list(dir.resolve("sql/pending/customers"))).isEmpty();
    }

    @Test
    void aRowThatDoesNotConvertIsQuarantinedAndTheOthersGoOut() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        List<SqlRowMapperFactory.Row> rows = unflaggedPayments(3);
        rows.get(1).put("amount", new java.math.BigDecimal("123456789.99"));
        SqlChunk chunk = only(chunks.read("payments", "id", "", "exported", 100, rows));
        assertThat(chunk.getRows()).hasSize(2);
        assertThat(chunk.getBadRows()).singleElement().satisfies(bad -> {
            assertThat(bad.key()).isEqualTo(2L);
            assertThat(bad.reason()).contains("amount", "decimal(10,2)");
        });

        BatchItem item = claim(chunks, chunk);
        uploaded(chunk);
        positions.resolvePending("payments");
        assertThat(item.getParquet().rows()).isEqualTo(2);
        assertThat(ledger.find("payments:2")).get().satisfies(e -> {
            assertThat(e.status()).isEqualTo(ItemStatus.QUARANTINED);
            assertThat(e.detail()).contains("decimal(10,2)");
        });
        assertThat(Files.readString(folders.quarantine().resolve("rows/payments-2.json")))
                .contains("123456789.99", "decimal(10,2)");
        assertThat(unflaggedPayments(10)).as("the bad row is flagged too: it is kept, not read again")
                .extracting(row -> row.get("id")).containsExactly(4L, 5L);
    }

    @Test
    void aPollIsCutIntoChunksClaimedInKeyOrder() throws Exception {
        SqlPositions positions = positions();
        SqlChunks chunks = chunks(positions);
        List<SqlChunk> poll = chunks.read("customers", "id", "updated_at", "", 2, customersPast(positions, 10));
        assertThat(poll).extracting(SqlChunk::getKey).containsExactly(
                "customers:updated_at,id:2026-11-01T10:00,1..2026-11-02T10:00,2",
                "customers:updated_at,id:2026-11-03T10:00,3..2026-11-04T10:00,4",
                "customers:updated_at,id:2026-11-05T10:00,5..2026-11-05T10:00,5");
        claim(chunks, poll.get(0));
        assertThat(customersPast(positions, 10)).extracting(row -> row.get("id")).containsExactly(3L, 4L, 5L);
        claim(chunks, poll.get(1));
        claim(chunks, poll.get(2));
        assertThat(customersPast(positions, 10)).isEmpty();
    }

    private static SqlChunk only(List<SqlChunk> chunks) {
        assertThat(chunks).hasSize(1);
        return chunks.get(0);
    }

    /** What the route does with a chunk: its rows made Parquet by the data format (once), then claimed. */
    private static BatchItem claim(SqlChunks chunks, SqlChunk chunk) throws Exception {
        if (chunk.getRecordCount() > 0 && chunk.getParquet() == null) {
            ByteArrayOutputStream parquet = new ByteArrayOutputStream();
            FORMAT.marshal(null, chunk, parquet);
            chunks.attach(chunk, parquet.toByteArray());
        }
        return chunks.claim(chunk);
    }

    /** The ledger records the chunk in S3, as the upload stage does. */
    private void uploaded(SqlChunk chunk) {
        ledger.record(ledger.find(chunk.getKey()).orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
    }

    /** The rows a poll of the table by its flag reads: unflagged, past the chunks on their way. */
    private List<SqlRowMapperFactory.Row> unflaggedPayments(SqlPositions positions, int limit) throws SQLException {
        return query("SELECT * FROM payments WHERE (exported IS NULL OR exported = FALSE) AND id > "
                + positions.key("payments", "id") + " ORDER BY id LIMIT " + limit);
    }

    private List<SqlRowMapperFactory.Row> unflaggedPayments(int limit) throws SQLException {
        return query("SELECT * FROM payments WHERE exported IS NULL OR exported = FALSE ORDER BY id LIMIT " + limit);
    }

    private List<SqlRowMapperFactory.Row> customersPast(SqlPositions positions, int limit) throws SQLException {
        LocalDateTime watermark = (LocalDateTime) positions.value("customers", "updated_at");
        Object key = positions.key("customers", "id");
        return query("SELECT * FROM customers WHERE updated_at > TIMESTAMP '" + Timestamp.valueOf(watermark) + "' OR (updated_at = "
                + "TIMESTAMP '" + Timestamp.valueOf(watermark) + "' AND id > " + key + ") ORDER BY updated_at, id LIMIT " + limit);
    }

    /** The rows as the table's consumer hands them, read by the row mapper of its endpoint. */
    private List<SqlRowMapperFactory.Row> query(String sql) throws SQLException {
        RowMapper<?> mapper = new SqlRowMapperFactory().newColumnRowMapper();
        List<SqlRowMapperFactory.Row> rows = new ArrayList<>();
        try (Connection c = source.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add((SqlRowMapperFactory.Row) mapper.mapRow(rs, rows.size()));
            }
        }
        return rows;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
