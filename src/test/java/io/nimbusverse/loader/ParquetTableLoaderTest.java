package io.nimbusverse.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
        Path csvFile = dir.resolve(batchId + ".csv");
        Files.writeString(csvFile, csv, StandardCharsets.UTF_8);
        Path parquet = dir.resolve(batchId + ".parquet");
        CsvToParquet.Result result = new CsvToParquet(100, Set.of(), "SNAPPY", 1 << 20, 1 << 16, Limits.DEFAULTS)
                .convert(csvFile, parquet);
        String key = "parquet/" + dataset + "/ingest_date=2026-11-25/" + batchId + "-1.parquet";
        s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromFile(parquet));
        List<ColumnSchema> schema = result.columns().stream()
                .map(c -> new ColumnSchema(c.name(), c.typeName(), c.nullable())).toList();
        Manifest manifest = new Manifest(batchId, Instant.parse("2026-11-25T10:00:00Z"), List.of(
                new Manifest.Item("k-" + batchId, "file", dataset + ".csv", "structured", "text/csv", 10,
                        "0".repeat(64), "raw/x", "metadata/x.json",
                        new Manifest.Parquet(dataset, key, result.rows(), schema)),
                new Manifest.Item("k2-" + batchId, "file", "notes.pdf", "unstructured", "application/pdf", 10,
                        "1".repeat(64), "raw/y", "metadata/y.json", null)));
        return JSON.writeValueAsString(manifest);
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
                "character varying");
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
    void dataTheTableCannotTakeFailsTheBatchWithTheErrorAndLoadsNothing() throws Exception {
        loader.load(batch("20261125T100000Z-eeeeee", "events", "id,day\n1,2026-11-01\n"));
        Complete failed = loader.load(batch("20261125T100000Z-ffffff", "events",
                "id,day\n2,2026-11-02\n3,not a date at all\n"));

        assertThat(failed.status()).isEqualTo(Complete.FAILED);
        assertThat(failed.errors()).hasSize(1).first().asString().contains("events");
        assertThat(rows("SELECT id FROM events")).containsExactly("1");
        assertThat(rows("SELECT batch_id FROM nimbus_loads")).containsExactly("20261125T100000Z-eeeeee");
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
}
