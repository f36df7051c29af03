package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.ItemStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch of ten thousand items flows: its signals stay a few hundred bytes (they carry the batch id, not its
 * items; Kafka refuses a record over a megabyte), its manifest lists every item, and every item ends DONE.
 */
class LargeBatchIT {

    private static final int ITEMS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tenThousandItemsGoInOneBatchWhoseSignalsStaySmall(@TempDir Path dir) throws Exception {
        NimbusApp configured = new NimbusApp(dir)
                .set("nimbus.intake.batch-size", String.valueOf(ITEMS))
                .set("nimbus.intake.batch-idle-ms", "10000")
                .set("nimbus.mail.milestones", "");
        Files.createDirectories(configured.inbox());
        for (int i = 0; i < ITEMS - 1; i++) {
            Files.writeString(configured.inbox().resolve("note-" + i + ".txt"), "note " + i + "\n",
                    StandardCharsets.UTF_8);
        }
        Files.copy(Path.of("samples/orders.csv"), configured.inbox().resolve("orders.csv"));
        try (NimbusApp app = configured.start()) {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> app.ledger().count(e -> e.status() == ItemStatus.DONE) == ITEMS);

            List<String> batches = app.ledger().entries().stream()
                    .map(e -> e.batchId()).distinct().toList();
            assertThat(batches).hasSize(1);
            List<String> signals = KafkaSignals.values(app.kafkaPort, Duration.ofSeconds(3));
            assertThat(signals).extracting(s -> JSON.readTree(s).path("type").asText())
                    .containsExactly("START_UPLOAD", "CLOUD_UPLOAD", "UPLOADED", "COMPLETED");
            assertThat(signals).allSatisfy(s -> assertThat(s.getBytes(StandardCharsets.UTF_8).length)
                    .as(s).isLessThan(1024));
            assertThat(signals).allSatisfy(s -> assertThat(JSON.readTree(s).path("itemCount").asInt())
                    .isEqualTo(ITEMS));
            JsonNode manifest = JSON.readTree(app.s3().getObjectAsBytes(b -> b.bucket("nimbus-data")
                    .key("archive/signals/" + batches.get(0) + ".SIGNAL")).asUtf8String());
            assertThat(manifest.path("items")).hasSize(ITEMS);
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM orders")).isEqualTo(5);
        }
    }
}
