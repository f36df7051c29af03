package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State lives under the data folder: a restart resumes where the last run stopped, nothing is done twice. */
class RestartIT {

    private static final FileTime DROPPED = FileTime.fromMillis(1_700_000_000_000L);

    @Test
    void aBatchUploadedBeforeAStopCompletesAfterTheRestartAndIsLoadedOnce(@TempDir Path dir) throws Exception {
        String batchId;
        String key;
        // first run: no loader, so the batch stops at UPLOADED
        NimbusApp first = new NimbusApp(dir).set("nimbus.loader.trigger", "s3-event");
        Path original;
        try (first) {
            first.start();
            Files.createDirectories(first.inbox());
            original = dropOrders(first.inbox());
            await().atMost(Duration.ofSeconds(60)).until(() -> first.ledger().count(
                    e -> e.status() == ItemStatus.UPLOADED) == 1);
            LedgerEntry entry = first.ledger().entries().get(0);
            batchId = entry.batchId();
            key = entry.key();
        }
        assertThat(original).as("released once uploaded").doesNotExist();
        // what a kill between the upload's ledger row and the release leaves: the same original in the inbox
        dropOrders(first.inbox());

        // second run on the same data folder and ports, with the loader
        NimbusApp second = new NimbusApp(dir).samePortsAs(first);
        int kafkaPort = second.kafkaPort;
        try (second) {
            second.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> second.ledger().find(key)
                    .map(e -> e.status() == ItemStatus.DONE).orElse(false));
            assertThat(original).as("left behind, released when its batch completed").doesNotExist();

            // the same file dropped again is known: a duplicate, not a second load
            Files.copy(Path.of("samples/orders.csv"), second.inbox().resolve("orders-again.csv"));
            await().atMost(Duration.ofSeconds(60)).until(() -> second.ledger().count(
                    e -> e.status() == ItemStatus.DUPLICATE && e.name().equals("orders-again.csv")) == 1);

            Map<String, List<String>> signals = KafkaSignals.typesByBatch(kafkaPort, Duration.ofSeconds(2));
            assertThat(signals).containsOnlyKeys(batchId);
            assertThat(signals.get(batchId)).containsExactly("START_UPLOAD", "CLOUD_UPLOAD", "UPLOADED", "COMPLETED");
            try (Connection db = DriverManager.getConnection(second.jdbcUrl(), "sa", "");
                    ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5);
            }
        }
    }

    /** The sample, dropped whole with a fixed time, so that a second drop is the same version as the first. */
    private static Path dropOrders(Path inbox) throws Exception {
        Path writing = inbox.resolveSibling("orders.csv.writing");
        Files.copy(Path.of("samples/orders.csv"), writing);
        Files.setLastModifiedTime(writing, DROPPED);
        return Files.move(writing, inbox.resolve("orders.csv"), StandardCopyOption.ATOMIC_MOVE);
    }
}
