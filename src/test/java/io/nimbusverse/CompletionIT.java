package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * One writer per COMPLETE, and no wait behind other batches: with forty answers of batches this pipeline never saw
 * lying under signals/, five batches each get their COMPLETE written once by the loader, never again once it was
 * taken and archived; each completes at the first poll of the watcher after its COMPLETE was written; nothing fails.
 */
class CompletionIT {

    private static final String BUCKET = "nimbus-data";

    /** A poll of the completion watcher: when its exchange was created, and when it completed. */
    private record Poll(long started, long ended) {
    }

    @Test
    void everyBatchGetsOneCompleteAndCompletesAtTheFirstPollAfterIt(@TempDir Path dir) throws Exception {
        Map<String, AtomicInteger> completesWritten = new ConcurrentHashMap<>();
        Map<String, Long> completeWrittenAt = new ConcurrentHashMap<>();
        Map<Long, Long> pollEnds = new ConcurrentHashMap<>();
        List<String> failedRoutes = new CopyOnWriteArrayList<>();
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.intake.batch-size", "1")
                .set("nimbus.completion.poll-delay-ms", "2000")
                .start()) {
            for (int i = 0; i < 40; i++) {
                String key = "signals/20260101T000000Z-0000" + String.format("%02d", i) + ".COMPLETE";
                app.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("{}"));
            }
            app.context().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.ExchangeSentEvent sent
                            && sent.getEndpoint().getEndpointUri().startsWith("aws2-s3")) {
                        String key = sent.getExchange().getMessage().getHeader("CamelAwsS3Key", String.class);
                        // the loader is the only writer of a COMPLETE (handed the batch by the upload, or by its poll)
                        if (key != null && key.endsWith(".COMPLETE")
                                && sent.getExchange().getProperty("batchId") != null) {
                            completesWritten.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                            completeWrittenAt.putIfAbsent(key, System.currentTimeMillis());
                        }
                    } else if (event instanceof CamelEvent.ExchangeCompletedEvent completed
                            && "completion-watcher".equals(completed.getExchange().getFromRouteId())) {
                        // the exchanges a poll splits off share its clock: a poll ends when its last one does
                        pollEnds.merge(completed.getExchange().getClock().getCreated(), System.currentTimeMillis(),
                                Math::max);
                    } else if (event instanceof CamelEvent.ExchangeFailedEvent failed) {
                        failedRoutes.add(failed.getExchange().getFromRouteId());
                    }
                }
            });
            for (int i = 0; i < 5; i++) {
                Files.writeString(app.inbox().resolve("part-" + i + ".csv"), "id\n" + i + "\n");
            }

            await().atMost(Duration.ofSeconds(120))
                    .until(() -> app.ledger().count(e -> e.status() == ItemStatus.DONE) == 5);
            // the loader keeps polling signals/: no batch is answered again once archived
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> completesWritten.values().stream().allMatch(n -> n.get() == 1));

            List<LedgerEntry> done = app.ledger().entries().stream()
                    .filter(e -> e.status() == ItemStatus.DONE).toList();
            assertThat(completesWritten).hasSize(5);
            List<Poll> polls = pollEnds.entrySet().stream().map(e -> new Poll(e.getKey(), e.getValue())).toList();
            for (LedgerEntry entry : done) {
                long written = completeWrittenAt.get("signals/" + entry.batchId() + ".COMPLETE");
                long completed = entry.updatedAt().toEpochMilli();
                assertThat(polls).as("polls of the watcher that began after the COMPLETE of %s and ended before "
                        + "it completed", entry.batchId())
                        .noneMatch(p -> p.started() > written && p.ended() < completed);
            }
            assertThat(app.s3().listObjectsV2(b -> b.bucket(BUCKET).prefix("signals/")).contents())
                    .as("only the answers of the batches never seen are left").hasSize(40);
            assertThat(failedRoutes).isEmpty();
            assertThat(Mailbox.read(app.imapPort, "data-team@nimbus.local"))
                    .noneMatch(m -> m.subject().contains("failed"));
        }
    }
}
