package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * No loader answers: the batch gets TIMED_OUT, a signal and an alert e-mail. A COMPLETE arriving late still
 * completes it.
 */
class CompletionTimeoutIT {

    @Test
    void aBatchWithoutAnswerTimesOutAndALateAnswerStillCompletesIt(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.loader.trigger", "s3-event")
                .set("nimbus.completion.timeout-ms", "1500")
                .start()) {
            Files.createDirectories(app.inbox());
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));

            await().atMost(Duration.ofSeconds(60)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.UPLOADED && e.detail().contains("TIMED_OUT")) == 1);
            LedgerEntry entry = app.ledger().entries().get(0);
            String batchId = entry.batchId();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Mailbox.read(app.imapPort, "data-team@nimbus.local"))
                    .anyMatch(m -> m.subject().equals("[NimbusVerse] Batch " + batchId
                            + " timed out waiting for its loader")
                            && m.text().contains("a COMPLETE arriving later still completes it")));
            assertThat(KafkaSignals.typesByBatch(app.kafkaPort, Duration.ofSeconds(2)).get(batchId))
                    .containsExactly("START_UPLOAD", "CLOUD_UPLOAD", "UPLOADED", "TIMED_OUT");

            // the loader answers late
            String complete = """
                    {"batchId":"%s","status":"SUCCEEDED","finishedAt":"%s","tables":[{"dataset":"orders",\
                    "table":"orders","rows":5}],"errors":[]}""".formatted(batchId, Instant.now());
            assertThat(JsonSchemas.validate("complete.schema.json", complete)).isEmpty();
            app.s3().putObject(b -> b.bucket("nimbus-data").key("signals/" + batchId + ".COMPLETE"),
                    RequestBody.fromString(complete));

            await().atMost(Duration.ofSeconds(30)).until(() -> app.ledger().find(entry.key())
                    .map(e -> e.status() == ItemStatus.DONE).orElse(false));
            assertThat(app.ledger().find(entry.key()).orElseThrow().detail()).doesNotContain("TIMED_OUT");
            Map<String, List<String>> signals = KafkaSignals.typesByBatch(app.kafkaPort, Duration.ofSeconds(2));
            assertThat(signals.get(batchId)).containsExactly("START_UPLOAD", "CLOUD_UPLOAD", "UPLOADED", "TIMED_OUT",
                    "COMPLETED");
        }
    }
}
