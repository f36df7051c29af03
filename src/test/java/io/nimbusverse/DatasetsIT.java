package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset rules through the whole pipeline: files in sub-folders of the inbox, taken by their rules into one dataset
 * and the table the rule names, in their dialects and encodings; the run summary, the ledger, the metadata JSON and
 * the catalog say which rule took each; an edited rules file takes effect while the pipeline runs, and an edit that
 * does not hold is refused without stopping anything.
 */
class DatasetsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static String rules(String ordersTable) {
        return """
                rules:
                  - id: orders
                    match: {file: "orders_*.csv"}
                    dataset: orders
                    table: %s
                    csv: {nullValues: ["n/a"]}
                    rename: {"Contact Phone Number": phone}
                    schema:
                      columns: {amount: "decimal(12,2)"}
                  - id: events
                    match: {folder: "events/**", file: "*.ndjson"}
                    dataset: events
                    format: json
                  - id: legacy
                    match: {fileRegex: "(?<region>[a-z]+)\\\\.latin1\\\\.txt"}
                    dataset: "legacy_{region}"
                    format: csv
                    csv: {delimiter: ";", header: false, columns: [city, note], encoding: ISO-8859-1}
                """.formatted(ordersTable);
    }

    @Test
    void filesTakenByRulesLandInTheirTablesAndAnEditedRuleTakesEffectWhileRunning(@TempDir Path dir)
            throws Exception {
        Path rulesFile = Files.writeString(dir.resolve("datasets.yaml"), rules("sales_orders"));
        NimbusApp configured = new NimbusApp(dir.resolve("state"))
                .set("nimbus.datasets.rules-file", rulesFile.toString());
        try (LogCapture log = LogCapture.attach(); NimbusApp app = configured.start()) {
            drop(app, "orders_2026-11-30.csv", "id;Contact Phone Number;amount\n1;555-0100;12.50\n2;555-0101;n/a\n"
                    + "3;555-0102;lots\n");
            drop(app, "sales/eu/orders_2026-12-01.csv", "id,Contact Phone Number,amount\n4,555-0103,7\n");
            drop(app, "events/2026/12/01/clicks.ndjson", "{\"id\": 1, \"page\": {\"path\": \"/\"}}\n"
                    + "{\"id\": 2, \"page\": {\"path\": \"/docs\"}}\n");
            drop(app, "north.latin1.txt", "Zürich;café\nGenève;\"crème; brûlée\"\n".getBytes(StandardCharsets.ISO_8859_1));
            Files.copy(Path.of("samples/report.pdf"), app.inbox().resolve("report.pdf"));
            for (String name : List.of("orders_2026-11-30.csv", "sales/eu/orders_2026-12-01.csv",
                    "events/2026/12/01/clicks.ndjson", "north.latin1.txt", "report.pdf")) {
                awaitDone(app, name);
            }

            assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT id, phone, amount FROM sales_orders ORDER BY id"))
                    .extracting(r -> r.get("id") + " " + r.get("phone") + " " + r.get("amount"))
                    .as("one table for the dataset's files, in any folder; the bad value's row left out")
                    .containsExactly("1 555-0100 12.5", "2 555-0101 null", "4 555-0103 7");
            assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT page_path FROM events ORDER BY id"))
                    .extracting(r -> r.get("page_path")).containsExactly("/", "/docs");
            assertThat(SqlTables.rows(app.jdbcUrl(), "sa", "SELECT city, note FROM legacy_north ORDER BY city"))
                    .extracting(r -> r.get("city") + "|" + r.get("note"))
                    .containsExactly("Genève|crème; brûlée", "Zürich|café");

            LedgerEntry orders = entry(app, "orders_2026-11-30.csv");
            assertThat(orders.detail()).contains("rule=orders", "rows=2", "table=sales_orders", "badRows=1",
                    "renamed=Contact Phone Number->phone");
            assertThat(Files.list(dir.resolve("state/quarantine")).map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("orders_2026-11-30.csv.") && n.endsWith(".bad-rows.csv"));
            String metadata = new String(app.s3().getObjectAsBytes(b -> b.bucket("nimbus-data")
                    .key("metadata/" + orders.key() + ".json")).asByteArray(), StandardCharsets.UTF_8);
            assertThat(metadata).contains("\"rule\" : \"orders\"", "\"renamed\"", "\"datasetSchema\"");

            assertThat(SqlTables.rows(app.jdbcUrl(), "sa",
                    "SELECT name, rule_id, table_name, rows_loaded, title, pages FROM nimbus_catalog ORDER BY name"))
                    .extracting(r -> r.get("name") + "|" + r.get("rule_id") + "|" + r.get("table_name") + "|"
                            + r.get("rows_loaded") + "|" + r.get("title") + "|" + r.get("pages"))
                    .containsExactly(
                            "events/2026/12/01/clicks.ndjson|events|events|2|null|null",
                            "north.latin1.txt|legacy|legacy_north|2|null|null",
                            "orders_2026-11-30.csv|orders|sales_orders|2|null|null",
                            "report.pdf|null|null|null|Monthly report|1",
                            "sales/eu/orders_2026-12-01.csv|orders|sales_orders|1|null|null");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Mailbox.read(app.imapPort, "data-team@nimbus.local"))
                    .as("the run summary names the rule, the table, the renames and the rows left out")
                    .anyMatch(m -> (m.text() + m.html()).contains("rule=orders rows=2 table=sales_orders badRows=1")));

            // an edit of the rules file takes effect at the next file, without a restart
            edit(rulesFile, rules("orders_v2"));
            drop(app, "orders_2026-12-02.csv", "id,Contact Phone Number,amount\n5,555-0104,1.25\n");
            awaitDone(app, "orders_2026-12-02.csv");
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM orders_v2")).isEqualTo(1);

            // an edit that does not hold is refused with its reason; the rules before stay in force
            edit(rulesFile, rules("orders_v3").replace("format: json", "format: yaml"));
            drop(app, "orders_2026-12-03.csv", "id,Contact Phone Number,amount\n6,555-0105,2\n");
            awaitDone(app, "orders_2026-12-03.csv");
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM orders_v2")).isEqualTo(2);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("nimbus.datasets.rules-file")
                    && l.contains("refused") && l.contains("format"));
        }
    }

    private static void drop(NimbusApp app, String name, String content) throws Exception {
        drop(app, name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Written under a temporary name and renamed, as a careful writer does. */
    private static void drop(NimbusApp app, String name, byte[] content) throws Exception {
        Path target = app.inbox().resolve(name);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void edit(Path file, String content) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
    }

    private static LedgerEntry entry(NimbusApp app, String name) {
        return app.ledger().entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static void awaitDone(NimbusApp app, String name) {
        await().atMost(PATIENCE).until(() -> app.ledger().count(
                e -> e.name().equals(name) && e.status() == ItemStatus.DONE) == 1);
    }
}
