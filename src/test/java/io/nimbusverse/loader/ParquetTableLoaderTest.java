package io.nimbusverse.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.NimbusApp;
import io.nimbusverse.convert.CsvToParquet;
import io.nimbusverse.convert.Limits;
import io.nimbusverse.signal.ColumnSchema;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Manifest;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The on-prem loader against a real S3 server (S3Proxy, in memory) and H2 in MySQL mode. */
class ParquetTableLoaderTest {

    private static InMemoryS3 server;
    private static S3Client s3;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TempDir
    Path dir;
    private JdbcDataSource db;
    private ParquetTableLoader loader;

    @BeforeAll
    static void startS3() throws Exception {
        server = new InMemoryS3("bucket");
        s3 = server.client();
    }

    @AfterAll
    static void stopS3() throws Exception {
        server.close();
    }

    @BeforeEach
    void newDatabase() {
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        loader = new ParquetTableLoader(db, new S3BatchObjects(s3, "bucket", dir.resolve("tmp")), JSON, 2);
    }

    /** Converts the CSV to Parquet, puts it in S3 and returns the manifest of a one-item batch. */
    private String batch(String batchId, String dataset, String csv) throws Exception {
        return batch(batchId, new Tabular(dataset, "file", csv));
    }

    /** An item with rows: its dataset, its source (file, mysql), its CSV, and its ledger key (null: one of its own). */
    private record Tabular(String dataset, String source, String csv, String key) {
        Tabular(String dataset, String source, String csv) {
            this(dataset, source, csv, null);
        }
    }

    /** The manifest of a batch of these items, and a PDF; each item's Parquet is put in S3. */
    private String batch(String batchId, Tabular... tabular) throws Exception {
        List<Manifest.Item> items = new ArrayList<>();
        for (int n = 1; n <= tabular.length; n++) {
            Tabular t = tabular[n - 1];
            Path csvFile = dir.resolve(batchId + "-" + n + ".csv");
            Files.writeString(csvFile, t.csv(), StandardCharsets.UTF_8);
            Path parquet = dir.resolve(batchId + "-" + n + ".parquet");
            CsvToParquet.Result result = new CsvToParquet(100, Set.of(), "SNAPPY", 1 << 20, 1 << 16,
                    Limits.DEFAULTS).convert(csvFile, parquet);
            String key = "parquet/" + t.dataset() + "/ingest_date=2026-11-25/" + batchId + "-" + n + ".parquet";
            s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromFile(parquet));
            List<ColumnSchema> schema = result.columns().stream()
                    .map(c -> new ColumnSchema(c.name(), c.typeName(), c.nullable())).toList();
            items.add(new Manifest.Item(t.key() != null ? t.key() : "k" + n + "-" + batchId, t.source(), t.dataset() + ".csv", "structured",
                    "text/csv", 10, "0".repeat(64), "raw/x", "metadata/x.json", null, null,
                    new Manifest.Parquet(t.dataset(), null, key, result.rows(), schema, null)));
        }
        items.add(new Manifest.Item("pdf-" + batchId, "file", "notes.pdf", "unstructured", "application/pdf", 10,
                "1".repeat(64), "raw/y", "metadata/y.json", null, null, null));
        return JSON.writeValueAsString(new Manifest(batchId, Instant.parse("2026-11-25T10:00:00Z"), items));
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.createStatement().execute(sql);
        }
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    @Test
    void aBatchLoadsIntoATableCreatedFromTheParquetSchema() throws Exception {
        Complete complete = loader.load(batch("20261125T100000Z-aaaaaa", "orders",
                "id,amount,paid,day,note\n1,12.50,true,2026-11-01,a\n2,3.00,false,2026-11-02,\n3,7.25,true,2026-11-03,c\n"));

        assertThat(complete.status()).isEqualTo(Complete.SUCCEEDED);
        assertThat(complete.tables()).containsExactly(new Complete.Table("orders", "orders", 3));
        assertThat(rows("SELECT id, amount, paid, \"day\", note FROM orders ORDER BY id")).containsExactly(
                "1|12.50|true|2026-11-01|a", "2|3.00|false|2026-11-02|null", "3|7.25|true|2026-11-03|c");
        assertThat(rows("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' "
                + "ORDER BY ordinal_position")).containsExactly("bigint", "numeric", "boolean", "date",
                "character varying", "character varying", "character varying", "timestamp");
        assertThat(rows("SELECT DISTINCT _nimbus_batch_id, _nimbus_item_key, _nimbus_loaded_at IS NOT NULL FROM orders"))
                .containsExactly("20261125T100000Z-aaaaaa|k1-20261125T100000Z-aaaaaa|true");
        assertThat(rows("SELECT count(*) FROM orders o JOIN nimbus_catalog c ON c.item_key = o._nimbus_item_key "
                + "AND c.loaded_at = o._nimbus_loaded_at")).as("every row leads to its item in the catalog")
                .containsExactly("3");
    }

    /**
     * Two loaders with one batch at once (the instance that uploaded it and the leader's poll, or an on-prem loader
     * and the Glue job): the one that commits second waits on the batch's row and then leaves it to the first.
     */
    @Test
    void aBatchAnotherLoaderCommitsMeanwhileIsLeftToItAndNoRowIsLoadedTwice() throws Exception {
        db.setURL(db.getURL() + ";LOCK_TIMEOUT=20000");
        loader.load(batch("20261125T090000Z-000000", "warmup", "id\n1\n"));
        String manifest = batch("20261125T100000Z-e1e1e1", "orders", "id\n1\n2\n");
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            other.createStatement().execute("INSERT INTO nimbus_loads (batch_id, loaded_at, answer) VALUES "
                    + "('20261125T100000Z-e1e1e1', CURRENT_TIMESTAMP, '{\"batchId\":\"20261125T100000Z-e1e1e1\"}')");
            CompletableFuture<Complete> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return loader.load(manifest);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the second loader waits on the batch's row, uncommitted
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    !rows("SELECT session_id FROM information_schema.sessions WHERE executing_statement LIKE "
                            + "'INSERT INTO \"nimbus_loads\"%'").isEmpty());
            other.commit();
            assertThat(second.get(15, TimeUnit.SECONDS)).as("no answer of its own").isNull();
        }
        assertThat(rows("SELECT count(*) FROM orders")).as("the first loader's rows alone (none here)")
                .containsExactly("0");
        assertThat(rows("SELECT batch_id FROM nimbus_loads WHERE batch_id LIKE '%e1e1e1'")).hasSize(1);
    }

    @Test
    void anItemLoadedAgainInALaterBatchReplacesTheRowsItLoadedBefore() throws Exception {
        loader.load(batch("20261125T100000Z-a1a1a1", new Tabular("orders", "file", "id,note\n1,old\n2,old\n3,old\n",
                "item-1"), new Tabular("orders", "file", "id,note\n10,other\n", "item-2")));

        Complete reload = loader.load(batch("20261125T110000Z-b2b2b2",
                new Tabular("orders", "file", "id,note\n1,new\n2,new\n", "item-1")));

        assertThat(reload.succeeded()).isTrue();
        assertThat(reload.tables()).containsExactly(new Complete.Table("orders", "orders", 2));
        assertThat(rows("SELECT id, note, _nimbus_batch_id, _nimbus_item_key FROM orders ORDER BY id")).containsExactly(
                "1|new|20261125T110000Z-b2b2b2|item-1", "2|new|20261125T110000Z-b2b2b2|item-1",
                "10|other|20261125T100000Z-a1a1a1|item-2");
        assertThat(rows("SELECT batch_id, rows_loaded FROM nimbus_catalog WHERE item_key = 'item-1'"))
                .containsExactly("20261125T110000Z-b2b2b2|2");
    }

    @Test
    void aReloadIntoAnotherTableTakesTheRowsOutOfTheEarlierOne() throws Exception {
        loader.load(batch("20261125T100000Z-c1c1c1", new Tabular("orders", "file", "id\n1\n2\n", "item-1")));

        loader.load(batch("20261125T110000Z-c2c2c2", new Tabular("sales", "file", "id\n1\n2\n", "item-1")));

        assertThat(rows("SELECT count(*) FROM orders")).containsExactly("0");
        assertThat(rows("SELECT id, _nimbus_item_key FROM sales ORDER BY id")).containsExactly("1|item-1", "2|item-1");
    }

    @Test
    void aReloadWhoseBatchFailsLeavesTheEarlierRowsInPlace() throws Exception {
        loader.load(batch("20261125T100000Z-d1d1d1", new Tabular("orders", "file", "id\n1\n2\n", "item-1")));
        String reload = batch("20261125T110000Z-d2d2d2", new Tabular("orders", "file", "id\n7\n", "item-1"),
                new Tabular("orders", "file", "id\n8\n"));
        s3.deleteObject(b -> b.bucket("bucket").key(
                "parquet/orders/ingest_date=2026-11-25/20261125T110000Z-d2d2d2-2.parquet"));

        Complete failed = loader.load(reload);

        assertThat(failed.succeeded()).isFalse();
        assertThat(rows("SELECT id, _nimbus_batch_id FROM orders ORDER BY id")).containsExactly(
                "1|20261125T100000Z-d1d1d1", "2|20261125T100000Z-d1d1d1");
    }

    @Test
    void aTableMadeBeforeLineageGetsItsColumnsAndItsOldRowsStay() throws Exception {
        execute("CREATE TABLE legacy (id BIGINT)");
        execute("INSERT INTO legacy VALUES (1)");

        Complete complete = loader.load(batch("20261125T100000Z-e1e1e1", "legacy", "id\n2\n"));

        assertThat(complete.succeeded()).isTrue();
        assertThat(rows("SELECT id, _nimbus_batch_id FROM legacy ORDER BY id")).containsExactly("1|null",
                "2|20261125T100000Z-e1e1e1");
    }

    @Test
    void aHeaderNamedLikeALineageColumnBecomesAColumnOfItsOwn() throws Exception {
        Complete complete = loader.load(batch("20261125T100000Z-f1f1f1", "orders", "id,_nimbus_batch_id\n1,x\n"));

        assertThat(complete.succeeded()).isTrue();
        assertThat(rows("SELECT id, nimbus_batch_id, _nimbus_batch_id FROM orders")).containsExactly(
                "1|x|20261125T100000Z-f1f1f1");
    }

    @Test
    void loadingTheSameBatchAgainLeavesTheSameRows() throws Exception {
        String manifest = batch("20261125T100000Z-bbbbbb", "orders", "id\n1\n2\n");
        Complete first = loader.load(manifest);
        Complete again = loader.load(manifest);

        assertThat(again).isEqualTo(first);
        assertThat(rows("SELECT count(*) FROM orders")).containsExactly("2");
        assertThat(rows("SELECT count(*) FROM nimbus_loads")).containsExactly("1");

        // once the COMPLETE object is written, the same SIGNAL gets no answer at all
        s3.putObject(b -> b.bucket("bucket").key("signals/20261125T100000Z-bbbbbb.COMPLETE"),
                RequestBody.fromString("{}"));
        assertThat(loader.load(manifest)).isNull();
        assertThat(rows("SELECT count(*) FROM orders")).containsExactly("2");
    }

    @Test
    void aColumnNewInALaterBatchIsAddedToTheTable() throws Exception {
        loader.load(batch("20261125T100000Z-cccccc", "people", "id,name\n1,ada\n"));
        Complete later = loader.load(batch("20261125T100000Z-dddddd", "people", "id,name,age\n2,bob,42\n"));

        assertThat(later.succeeded()).isTrue();
        assertThat(rows("SELECT id, name, age FROM people ORDER BY id")).containsExactly("1|ada|null", "2|bob|42");
    }

    @Test
    void anItemItsTableCannotTakeIsSetAsideWithItsReasonAndTheRestOfTheBatchLoads() throws Exception {
        loader.load(batch("20261125T100000Z-eeeeee", "events", "id,day\n1,2026-11-01\n"));
        Complete partly = loader.load(batch("20261125T100000Z-ffffff",
                new Tabular("events", "file", "id,day\n2,2026-11-02\n3,not a date at all\n"),
                new Tabular("people", "file", "id,name\n1,ada\n")));

        assertThat(partly.status()).isEqualTo(Complete.SUCCEEDED);
        assertThat(partly.tables()).containsExactly(new Complete.Table("people", "people", 1));
        assertThat(partly.notLoaded()).singleElement().satisfies(n -> {
            assertThat(n.key()).isEqualTo("k1-20261125T100000Z-ffffff");
            assertThat(n.dataset()).isEqualTo("events");
            assertThat(n.reason()).contains("column day of table events holds date values", "text values");
        });
        assertThat(rows("SELECT id FROM events")).containsExactly("1");
        assertThat(rows("SELECT name FROM people")).containsExactly("ada");
        assertThat(rows("SELECT batch_id FROM nimbus_loads ORDER BY batch_id"))
                .containsExactly("20261125T100000Z-eeeeee", "20261125T100000Z-ffffff");
    }

    @Test
    void aConstraintThatRefusesAnItemsRowsRollsBackThatItemOnly() throws Exception {
        execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(20))");
        Complete partly = loader.load(batch("20261125T100000Z-a1a1a1",
                new Tabular("accounts", "file", "id,name\n1,ada\n2,bob\n3,cy\n1,again\n"),
                new Tabular("notes", "file", "id,text\n1,kept\n")));

        assertThat(partly.succeeded()).isTrue();
        assertThat(partly.notLoaded()).singleElement().satisfies(n -> assertThat(n.reason())
                .startsWith("its rows do not go into table accounts"));
        assertThat(rows("SELECT count(*) FROM accounts")).containsExactly("0");
        assertThat(rows("SELECT text FROM notes")).containsExactly("kept");
    }

    @Test
    void thePipelinesOwnTablesAndTablesOfAnotherSourceAreNeverWrittenByAnItem() throws Exception {
        Complete first = loader.load(batch("20261125T100000Z-b1b1b1",
                new Tabular("nimbus_loads", "file", "batch_id\nevil\n"),
                new Tabular("customers", "mysql", "id,name\n1,ada\n")));
        assertThat(first.tables()).extracting(Complete.Table::table).containsExactly("customers");
        assertThat(first.notLoaded()).singleElement().satisfies(n -> assertThat(n.reason())
                .contains("nimbus_", "pipeline's own"));
        assertThat(rows("SELECT batch_id FROM nimbus_loads")).containsExactly("20261125T100000Z-b1b1b1");

        Complete fromAFile = loader.load(batch("20261125T100000Z-b2b2b2",
                new Tabular("customers", "file", "id,name\n2,bob\n")));
        assertThat(fromAFile.notLoaded()).singleElement().satisfies(n -> assertThat(n.reason())
                .contains("fed by source mysql", "nimbus.loader.shared-tables"));
        assertThat(rows("SELECT name FROM customers")).containsExactly("ada");
        assertThat(rows("SELECT table_name, source FROM nimbus_tables")).containsExactly("customers|mysql");

        ParquetTableLoader sharing = new ParquetTableLoader(db, new S3BatchObjects(s3, "bucket",
                dir.resolve("tmp")), JSON, 2, Set.of("customers"), "archive/", 3, RowProgress.NONE);
        Complete shared = sharing.load(batch("20261125T100000Z-b3b3b3",
                new Tabular("customers", "file", "id,name\n3,cy\n")));
        assertThat(shared.notLoaded()).isEmpty();
        assertThat(rows("SELECT name FROM customers ORDER BY id")).containsExactly("ada", "cy");
    }

    @Test
    void aTableTheLoaderMayNotWriteSetsItsItemAsideAtOnceWithTheReasonAndTheRestLoads() throws Exception {
        loader.load(batch("20261125T100000Z-e1e1e1", new Tabular("accounts", "file", "id,name\n1,ada\n"),
                new Tabular("notes", "file", "id,text\n1,first\n")));
        execute("CREATE USER loader PASSWORD 'pw'");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON nimbus_loads, nimbus_tables, nimbus_catalog, notes TO loader");
        execute("GRANT SELECT ON accounts TO loader");
        JdbcDataSource asLoader = new JdbcDataSource();
        // a user without admin rights may not set the in-memory database's options: the URL without them
        asLoader.setURL(db.getURL().replace(";DB_CLOSE_DELAY=-1", ""));
        asLoader.setUser("loader");
        asLoader.setPassword("pw");
        ParquetTableLoader readOnly = new ParquetTableLoader(asLoader, new S3BatchObjects(s3, "bucket",
                dir.resolve("tmp")), JSON, 2, Set.of(), "archive/", 3, RowProgress.NONE);

        // answered at the first try: a right that is missing does not come back by trying again
        Complete partly = readOnly.load(batch("20261125T100000Z-e2e2e2",
                new Tabular("accounts", "file", "id,name\n2,bob\n"),
                new Tabular("notes", "file", "id,text\n2,second\n")));

        assertThat(partly.succeeded()).isTrue();
        assertThat(partly.tables()).containsExactly(new Complete.Table("notes", "notes", 1));
        assertThat(partly.notLoaded()).singleElement().satisfies(n -> {
            assertThat(n.dataset()).isEqualTo("accounts");
            assertThat(n.reason()).containsIgnoringCase("rights");
        });
        assertThat(rows("SELECT name FROM accounts")).containsExactly("ada");
        assertThat(rows("SELECT text FROM notes ORDER BY id")).containsExactly("first", "second");
    }

    @Test
    void aBatchAnsweredOrArchivedIsNeverAnsweredAgain() throws Exception {
        String manifest = batch("20261125T100000Z-c1c1c1", "orders", "id\n1\n");
        s3.putObject(b -> b.bucket("bucket").key("archive/signals/20261125T100000Z-c1c1c1.COMPLETE"),
                RequestBody.fromString("{}"));
        assertThat(loader.load(manifest)).isNull();
        assertThat(rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'"))
                .containsExactly("0");
    }

    @Test
    void aBatchWhoseDatabaseStaysDownIsAnsweredFailedAfterItsTries() throws Exception {
        JdbcDataSource unreachable = new JdbcDataSource();
        unreachable.setURL("jdbc:h2:tcp://127.0.0.1:" + NimbusApp.freePort() + "/nothing");
        ParquetTableLoader down = new ParquetTableLoader(unreachable, new S3BatchObjects(s3, "bucket",
                dir.resolve("tmp")), JSON, 2, Set.of(), "archive/", 3, RowProgress.NONE);
        String manifest = batch("20261125T100000Z-d1d1d1", "orders", "id\n1\n");

        assertThatThrownBy(() -> down.load(manifest)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> down.load(manifest)).isInstanceOf(SQLException.class);
        Complete gaveUp = down.load(manifest);

        assertThat(gaveUp.status()).isEqualTo(Complete.FAILED);
        assertThat(gaveUp.errors()).singleElement().asString().contains("gave up after 3 tries");
        // a later try starts counting again
        assertThatThrownBy(() -> down.load(manifest)).isInstanceOf(SQLException.class);
    }

    @Test
    void aDatabaseThatCannotBeReachedIsATransientFailureToRetry() throws Exception {
        JdbcDataSource unreachable = new JdbcDataSource();
        unreachable.setURL("jdbc:h2:tcp://127.0.0.1:" + NimbusApp.freePort() + "/nothing");
        ParquetTableLoader down = new ParquetTableLoader(unreachable, new S3BatchObjects(s3, "bucket", dir.resolve("tmp")), JSON, 2);
        String manifest = batch("20261125T100000Z-abcdef", "orders", "id\n1\n");

        assertThatThrownBy(() -> down.load(manifest)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(ParquetTableLoader.isTransient((SQLException) e)).isTrue());
    }

    @Test
    void aTransactionTheDatabaseRolledBackIsTriedAgainAndABadStatementIsNot() {
        // MariaDB's answer to a deadlock with another writer of the table, PostgreSQL's, a serialization failure
        assertThat(ParquetTableLoader.isTransient(new SQLException("Deadlock found", "40001", 1213))).isTrue();
        assertThat(ParquetTableLoader.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(ParquetTableLoader.isTransient(new SQLException("Lost connection", "08S01"))).isTrue();
        assertThat(ParquetTableLoader.isTransient(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(ParquetTableLoader.isTransient(new SQLException("Unknown column", "42S22", 1054))).isFalse();
        assertThat(ParquetTableLoader.isTransient(new SQLException("no state"))).isFalse();
    }
}
