package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load that fails hurts no row. The loader's database goes down while a batch of a file and table rows waits: the
 * batch is tried nimbus.loader.max-attempts times, then answered FAILED; its data is in S3 and the rows of the
 * tables are marked exported (their chunk is in S3), and nothing is missing for good: once the database is back, a
 * file named after the batch in nimbus.completion.retry-dir loads it, every row once.
 */
class LoadFailureIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void aBatchWhoseDatabaseIsDownFailsAfterItsTriesAndLoadsWhenRetried(@TempDir Path dir) throws Exception {
        int port = NimbusApp.freePort();
        Path tables = Files.createDirectories(dir.resolve("target-db"));
        String target = "jdbc:h2:tcp://127.0.0.1:" + port + "/loaded;MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        Server database = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", tables.toString(),
                "-ifNotExists").start();
        NimbusApp configured = new NimbusApp(dir)
                .set("nimbus.loader.jdbc-url", target)
                .set("nimbus.loader.max-attempts", "3")
                // the database is down from the start on purpose: not waited for
                .set("nimbus.startup.wait-ms", "0")
                .set("nimbus.sql.enabled", "true")
                .set("nimbus.sql.poll-delay-ms", "200")
                .set("nimbus.sql.seed-script", Path.of("samples/mysql/shop.sql").toAbsolutePath().toString());
        String source = configured.get("nimbus.sql.jdbc-url");
        Files.createDirectories(configured.inbox());
        Files.copy(Path.of("samples/orders.csv"), configured.inbox().resolve("orders.csv"));
        database.stop();
        try (NimbusApp app = configured.start()) {
            // the file and the two tables' chunks, in one batch or more
            await().atMost(PATIENCE).until(() -> app.ledger().count(e -> e.status() == ItemStatus.FAILED) == 3);
            List<String> batches = app.ledger().entries().stream().filter(e -> e.status() == ItemStatus.FAILED)
                    .map(LedgerEntry::batchId).distinct().toList();
            List<LedgerEntry> failed = batches.stream().flatMap(b -> app.ledger().batch(b).stream()).toList();
            assertThat(failed).extracting(LedgerEntry::status).containsOnly(ItemStatus.FAILED);
            assertThat(failed).extracting(LedgerEntry::source).containsExactlyInAnyOrder("file", "mysql", "mysql");
            assertThat(failed).allSatisfy(e -> assertThat(e.detail()).contains("gave up after 3 tries"));
            // exported means in S3: the rows are flagged, and their Parquet is there
            assertThat(SqlTables.count(source, "sa", "SELECT count(*) FROM payments WHERE exported")).isEqualTo(4);
            assertThat(app.s3().listObjectsV2(b -> b.bucket("nimbus-data").prefix("parquet/payments/")).contents())
                    .hasSize(1);

            database = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", tables.toString(),
                    "-ifNotExists").start();
            Files.createDirectories(dir.resolve("retry"));
            for (String batchId : batches) {
                Files.writeString(dir.resolve("retry").resolve(batchId), "");
            }

            await().atMost(PATIENCE).until(() -> failed.stream()
                    .allMatch(e -> app.ledger().find(e.key()).orElseThrow().status() == ItemStatus.DONE));
            assertThat(SqlTables.count(target, "sa", "SELECT count(*) FROM orders")).isEqualTo(5);
            assertThat(SqlTables.count(target, "sa", "SELECT count(*) FROM customers")).isEqualTo(5);
            assertThat(SqlTables.count(target, "sa", "SELECT count(*) FROM payments")).isEqualTo(4);
            assertThat(dir.resolve("retry")).isEmptyDirectory();
        } finally {
            database.stop();
        }
    }
}
