package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Tables of the local profile's H2 source (MySQL mode) travel the same flow as files: Parquet in S3, a SIGNAL, the
 * loader's tables, COMPLETE; a restart resumes after the last row exported.
 */
class SqlIntakeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void theSeededSampleTablesTravelToTheLoaderAndARestartResumes(@TempDir Path dir) throws Exception {
        NimbusApp first = new NimbusApp(dir).set("nimbus.sql.enabled", "true").set("nimbus.sql.poll-delay-ms", "200");
        String source = first.get("nimbus.sql.jdbc-url");
        try (first) {
            first.start();
            await().atMost(PATIENCE).until(() -> SqlTables.count(first.jdbcUrl(), "sa", "SELECT count(*) FROM customers") == 5
                    && SqlTables.count(first.jdbcUrl(), "sa", "SELECT count(*) FROM payments") == 4);
            await().atMost(PATIENCE).until(() -> mysqlEntries(first).size() == 2
                    && mysqlEntries(first).stream().allMatch(e -> e.status() == ItemStatus.DONE));

            List<Map<String, Object>> customers = SqlTables.rows(first.jdbcUrl(), "sa",
                    "SELECT * FROM customers ORDER BY id");
            assertThat(SqlTables.withoutLineage(customers))
                    .isEqualTo(SqlTables.rows(source, "sa", "SELECT * FROM customers ORDER BY id"));
            assertThat(customers).as("every row leads to its chunk").extracting(r -> r.get("_nimbus_item_key"))
                    .containsOnly("customers:updated_at,id:2026-11-01T10:00,1..2026-11-03T17:45:10,5");
            assertThat(SqlTables.withoutLineage(SqlTables.rows(first.jdbcUrl(), "sa",
                    "SELECT * FROM payments ORDER BY id")))
                    .as("the processed flag is the pipeline's, not data").isEqualTo(SqlTables.rows(source, "sa",
                            "SELECT id, customer_id, amount, paid_at, method FROM payments ORDER BY id"));
            assertThat(SqlTables.count(source, "sa", "SELECT count(*) FROM payments WHERE exported")).isEqualTo(4);
            assertThat(mysqlEntries(first)).extracting(LedgerEntry::key).containsExactlyInAnyOrder(
                    "customers:updated_at,id:2026-11-01T10:00,1..2026-11-03T17:45:10,5", "payments:id:101..104:4");

            List<String> signals = keys(first, "archive/signals/").stream().filter(k -> k.endsWith(".SIGNAL")).toList();
            assertThat(signals).hasSize(1);
            String signal = first.s3().getObjectAsBytes(b -> b.bucket("nimbus-data").key(signals.get(0)))
                    .asString(StandardCharsets.UTF_8);
            assertThat(JsonSchemas.validate("signal.schema.json", signal)).isEmpty();
            assertThat(signal).contains("\"source\":\"mysql\"").doesNotContain("rawKey");
            assertThat(keys(first, "parquet/customers/")).hasSize(1);
            assertThat(keys(first, "parquet/payments/")).hasSize(1);
            assertThat(keys(first, "raw/")).as("rows have no raw form").isEmpty();
        }

        // while it is stopped: two new customers, one updated, one new payment
        SqlTables.execute(source, "sa",
                "INSERT INTO customers (id, name, vip, updated_at) VALUES (6, 'Frances Allen', TRUE, '2026-11-20 09:00:00')",
                "INSERT INTO customers (id, name, vip, updated_at) VALUES (7, 'John Backus', FALSE, '2026-11-20 09:00:00')",
                "UPDATE customers SET credit = 1.00, updated_at = '2026-11-21 12:00:00' WHERE id = 2",
                "INSERT INTO payments (id, customer_id, amount, paid_at) VALUES (105, 6, 10.00, '2026-11-20 09:30:00')");

        NimbusApp second = new NimbusApp(dir).samePortsAs(first).set("nimbus.sql.enabled", "true")
                .set("nimbus.sql.poll-delay-ms", "200");
        try (second) {
            second.start();
            await().atMost(PATIENCE).until(() -> SqlTables.count(second.jdbcUrl(), "sa",
                    "SELECT count(*) FROM payments") == 5 && SqlTables.count(second.jdbcUrl(), "sa",
                    "SELECT count(*) FROM customers") == 8);
            await().atMost(PATIENCE).until(() -> mysqlEntries(second).size() == 4
                    && mysqlEntries(second).stream().allMatch(e -> e.status() == ItemStatus.DONE));
            // the rows exported before the stop are not exported again; the updated one is a new version
            assertThat(SqlTables.rows(second.jdbcUrl(), "sa",
                    "SELECT id, count(*) AS versions FROM customers GROUP BY id ORDER BY id"))
                    .extracting(row -> row.get("id") + "x" + row.get("versions"))
                    .containsExactly("1x1", "2x2", "3x1", "4x1", "5x1", "6x1", "7x1");
            assertThat(SqlTables.rows(second.jdbcUrl(), "sa", "SELECT credit FROM customers WHERE id = 2 "
                    + "ORDER BY updated_at DESC")).extracting(row -> row.get("credit")).first().isEqualTo("1");
            assertThat(SqlTables.count(second.jdbcUrl(), "sa", "SELECT count(DISTINCT id) FROM payments"))
                    .isEqualTo(5);
            assertThat(Files.readString(dir.resolve("sql/watermarks.properties")))
                    .contains("customers.watermark=2026-11-21T12\\:00", "customers.key=2");
        }
    }

    @Test
    void everyTypeTravelsUnchangedFromH2(@TempDir Path dir) throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("h2/types").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        TypeRoundTrip.fill(source, "sa", true);
        try (NimbusApp app = new NimbusApp(dir).readTables(source, "sa",
                SqlTables.byWatermark(TypeRoundTrip.TABLE, "id", "id", 100))) {
            app.start();
            await().atMost(PATIENCE).until(() -> SqlTables.count(app.jdbcUrl(), "sa",
                    "SELECT count(*) FROM everything") == 3);
            TypeRoundTrip.assertLoaded(source, "sa", app.jdbcUrl());
            TypeRoundTrip.assertParquetTypes(app.s3(), "nimbus-data", dir, true);
        }
    }

    static List<LedgerEntry> mysqlEntries(NimbusApp app) {
        return app.ledger().entries().stream().filter(e -> e.source().equals("mysql")).toList();
    }

    static List<String> keys(NimbusApp app, String prefix) {
        return app.s3().listObjectsV2(b -> b.bucket("nimbus-data").prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    static Map<String, Object> only(List<Map<String, Object>> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }
}
