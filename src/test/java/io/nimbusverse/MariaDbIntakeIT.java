package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.apache.camel.component.kamelet.Kamelet;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables of a real MariaDB server (the MySQL protocol) through the pipeline: every type unchanged, bad values and
 * schema changes, an outage, and a consumer stopped and reloaded in the middle of its work.
 */
class MariaDbIntakeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    static Path serverDir;
    private static MariaDb server;

    @BeforeAll
    static void startServer() throws Exception {
        server = MariaDb.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void everyTypeTravelsUnchanged(@TempDir Path dir) throws Exception {
        String source = server.createDatabase("types");
        TypeRoundTrip.fill(source, "root", false);
        try (NimbusApp app = new NimbusApp(dir).readTables(source, "root",
                SqlTables.byWatermark(TypeRoundTrip.TABLE, "id", "id", 100))) {
            app.start();
            await().atMost(PATIENCE).until(() -> SqlTables.count(app.jdbcUrl(), "sa",
                    "SELECT count(*) FROM everything") == 3);
            TypeRoundTrip.assertLoaded(source, "root", app.jdbcUrl());
            TypeRoundTrip.assertParquetTypes(app.s3(), "nimbus-data", dir, false);
        }
    }

    @Test
    void badValuesAndSchemaChangesAreReportedAndTheOtherTablesKeepFlowing(@TempDir Path dir) throws Exception {
        String source = server.createDatabase("bad");
        SqlTables.execute(source, "root",
                "CREATE TABLE shifts (id INT PRIMARY KEY, starts TIME)",
                "INSERT INTO shifts VALUES (1, '08:00:00'), (2, '30:00:00'), (3, '17:30:00')",
                "CREATE TABLE gone (id INT PRIMARY KEY, note VARCHAR(20), exported BOOLEAN DEFAULT FALSE)",
                "INSERT INTO gone (id, note) VALUES (1, 'one'), (2, 'two')",
                "CREATE TABLE evolving (id INT PRIMARY KEY, a INT, b VARCHAR(10))",
                "INSERT INTO evolving VALUES (1, 10, 'x'), (2, 20, 'y')");
        String tables = SqlTables.byWatermark("shifts", "id", "id", 100) + SqlTables.byFlag("gone", "id", "exported", 100)
                + SqlTables.byWatermark("evolving", "id", "id", 100);
        try (LogCapture log = LogCapture.attach(); NimbusApp app = new NimbusApp(dir).readTables(source, "root", tables)) {
            app.start();
            await().atMost(PATIENCE).until(() -> loaded(app, "shifts") == 2 && loaded(app, "gone") == 2
                    && loaded(app, "evolving") == 2);

            // a TIME of 30 hours is no time of day: its row is quarantined, the others go on
            assertThat(app.ledger().find("shifts:2")).get().satisfies(e -> {
                assertThat(e.status()).isEqualTo(ItemStatus.QUARANTINED);
                assertThat(e.detail()).contains("starts", "30:00:00", "beyond a time of day");
            });
            assertThat(Files.readString(dir.resolve("quarantine/rows/shifts-2.json"))).contains("30:00:00");
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("shifts row 2 quarantined"));

            // between two polls: a table dropped, a column dropped and one added
            SqlTables.execute(source, "root", "DROP TABLE gone",
                    "ALTER TABLE evolving DROP COLUMN b, ADD COLUMN c VARCHAR(10)",
                    "INSERT INTO evolving (id, a, c) VALUES (3, 30, 'new')",
                    "INSERT INTO shifts VALUES (4, '09:15:00')");
            await().atMost(PATIENCE).until(() -> loaded(app, "evolving") == 3 && loaded(app, "shifts") == 3);
            await().atMost(PATIENCE).until(() -> app.ledger().find("source:gone")
                    .map(e -> e.status() == ItemStatus.FAILED).orElse(false));
            assertThat(app.ledger().find("source:gone").get().detail()).contains("gone");
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("gone cannot be read"));

            assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT id, a, b, c FROM evolving ORDER BY id"))
                    .extracting(row -> row.get("id") + "/" + row.get("a") + "/" + row.get("b") + "/" + row.get("c"))
                    .as("the loader added the new column; the dropped one is NULL from then on")
                    .containsExactly("1/10/x/null", "2/20/y/null", "3/30/null/new");
            assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT id, starts FROM shifts ORDER BY id"))
                    .extracting(row -> row.get("id") + " " + row.get("starts"))
                    .containsExactly("1 08:00", "3 17:30", "4 09:15");

            await().atMost(PATIENCE).until(() -> subjects(app).containsAll(List.of(
                    "[NimbusVerse] Quarantined: 1 rows of shifts", "[NimbusVerse] Table gone cannot be read")));
            assertThat(subjects(app).stream().filter(s -> s.contains("Table gone"))).as("one alert, not one per poll")
                    .hasSize(1);
        }
    }

    @Test
    void aDatabaseOutageInTheMiddleOfARunLosesAndRepeatsNothing(@TempDir Path dir) throws Exception {
        String source = server.createDatabase("outage");
        SqlTables.execute(source, "root", "CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(40))",
                insertEvents(1, 3000));
        try (LogCapture log = LogCapture.attach();
                NimbusApp app = new NimbusApp(dir).readTables(source, "root",
                        SqlTables.byWatermark("events", "id", "id", 100))
                        .set("nimbus.sql.poll-delay-ms", "50").set("nimbus.sql.backoff-multiplier", "2")
                        // a poll of a few chunks, so the outage comes in the middle of the table
                        .set("nimbus.sql.poll-rows", "300")) {
            app.start();
            await().atMost(PATIENCE).until(() -> chunks(app, "events:") >= 3);
            server.stop();
            await().atMost(PATIENCE).until(() -> log.lines().stream()
                    .anyMatch(l -> l.contains("events: the database cannot be reached")));
            server.startAgain();
            SqlTables.execute(source, "root", insertEvents(3001, 3500));

            await().atMost(PATIENCE).until(() -> loaded(app, "events") >= 3500);
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(DISTINCT id) FROM events")).isEqualTo(3500);
            assertThat(loaded(app, "events")).as("no row loaded twice").isEqualTo(3500);
            assertThat(app.ledger().find("source:events")).as("an outage is no fault of the table").isEmpty();
        }
    }

    /**
     * CAMEL-27169: a consumer stopped in the middle of its batch may run onConsumeBatchComplete for rows it never
     * routed. The flag here is set by the pipeline once the row's chunk is in S3, so a row is flagged only once it is
     * exported: stopped routes, stopped on a timeout while a chunk is in flight, and a hot reload of the tables file
     * lose no row.
     */
    @Test
    void aFlagReadTableStoppedAndReloadedMidBatchExportsEveryRowOnce(@TempDir Path dir) throws Exception {
        String source = server.createDatabase("flags");
        SqlTables.execute(source, "root",
                "CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2), exported BOOLEAN DEFAULT FALSE)",
                "INSERT INTO orders (id, amount) SELECT seq, seq / 100 FROM seq_1_to_3000");
        NimbusApp configured = new NimbusApp(dir).readTables(source, "root",
                SqlTables.byFlag("orders", "id", "exported", 50)).set("nimbus.sql.poll-delay-ms", "10")
                // two chunks a poll: the stops fall between polls and in the middle of one
                .set("nimbus.sql.poll-rows", "100");
        Path routes = dir.resolve("routes");
        try (NimbusApp app = configured) {
            app.start();
            for (int stop = 1; stop <= 4; stop++) {
                String consumer = pollingRouteOf(app, "sql-orders");
                int before = chunks(app, "orders:");
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1)).until(() ->
                        app.context().getInflightRepository().size(consumer) > 0 && chunks(app, "orders:") > before);
                // half of the stops give the chunk in flight no time to finish
                app.context().getRouteController().stopRoute(consumer, stop % 2 == 0 ? 1 : 30, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> app.context().getInflightRepository().size(consumer) == 0);
                assertThat(flagged(source)).as("after stop %d, every flagged row is in a chunk in S3", stop)
                        .isLessThanOrEqualTo(claimedRows(app, ItemStatus.UPLOADED));
                app.context().getRouteController().startRoute(consumer);
            }
            String consumer = pollingRouteOf(app, "sql-orders");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1))
                    .until(() -> app.context().getInflightRepository().size(consumer) > 0);
            Files.writeString(routes.resolve("sql-tables.yaml"), SqlTables.byFlag("orders", "id", "exported", 70));
            await().atMost(PATIENCE).until(() -> app.context().getRoute("sql-orders") != null
                    && app.context().getRoute("sql-orders").getEndpoint().getEndpointUri().contains("chunkRows=70")
                    && app.context().getRoute(consumer) == null);

            await().atMost(PATIENCE).until(() -> loaded(app, "orders") >= 3000 && flagged(source) == 3000);
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(DISTINCT id) FROM orders")).isEqualTo(3000);
            assertThat(loaded(app, "orders")).as("no row loaded twice").isEqualTo(3000);
            assertThat(claimedRows(app, ItemStatus.CLAIMED)).isEqualTo(3000);
        }
    }

    /** The route a Kamelet made for a table's route: the one with the SQL consumer. */
    private static String pollingRouteOf(NimbusApp app, String tableRoute) {
        return ((ModelCamelContext) app.context()).getRouteDefinitions().stream()
                .filter(d -> d.getTemplateParameters() != null
                        && tableRoute.equals(String.valueOf(d.getTemplateParameters().get(Kamelet.PARENT_ROUTE_ID))))
                .map(RouteDefinition::getRouteId).findFirst().orElseThrow();
    }

    private static String insertEvents(int from, int to) {
        return "INSERT INTO events VALUES " + IntStream.rangeClosed(from, to)
                .mapToObj(i -> "(" + i + ", 'event " + i + "')").collect(Collectors.joining(", "));
    }

    private static long loaded(NimbusApp app, String table) {
        return SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM " + table);
    }

    private static long flagged(String source) {
        return SqlTables.count(source, "root", "SELECT count(*) FROM orders WHERE exported");
    }

    private static int chunks(NimbusApp app, String prefix) {
        return (int) app.ledger().count(e -> e.key().startsWith(prefix));
    }

    /**
     * The rows of the chunks of orders that reached a status (CLAIMED: all of them; UPLOADED: those in S3): the last
     * part of a flag-read chunk's key is its row count.
     */
    private static long claimedRows(NimbusApp app, ItemStatus reached) {
        return SqlIntakeIT.mysqlEntries(app).stream().filter(e -> e.status().reached(reached)).map(LedgerEntry::key)
                .filter(k -> k.startsWith("orders:"))
                .mapToLong(k -> Long.parseLong(k.substring(k.lastIndexOf(':') + 1))).sum();
    }

    private static List<String> subjects(NimbusApp app) throws Exception {
        return Mailbox.read(app.imapPort, "data-team@nimbus.local").stream().map(Mailbox.Mail::subject).toList();
    }
}
