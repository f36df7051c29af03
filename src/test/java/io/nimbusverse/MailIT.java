package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.ledger.ItemStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Milestone e-mails read back from GreenMail over IMAP: recipients, subject prefix, chosen milestones, a digest of
 * quarantines, the summary of a completed batch in both its HTML and plain-text forms; and SMTP out of reach, which
 * never holds the pipeline: mails are retried, then logged and counted, or dropped and counted when they pile up.
 */
class MailIT {

    private static void dropBatch(NimbusApp app) throws Exception {
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        for (int i = 1; i <= 3; i++) {
            Files.writeString(app.inbox().resolve("broken" + i + ".csv"), "id,name\n" + i + ",ada\n" + i + "\n");
        }
    }

    @Test
    void theMailboxOpensBeforeTheFirstMail(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir).start()) {
            assertThat(Mailbox.read(app.imapPort, "data-team@nimbus.local")).isEmpty();
        }
    }

    @Test
    void theChosenMilestonesReachEveryRecipientWithTheirSummaryAndQuarantinesComeAsOneDigest(@TempDir Path dir)
            throws Exception {
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.mail.to", "ops@nimbus.local, data-team@nimbus.local")
                .set("nimbus.mail.subject-prefix", "[Nimbus test]")
                .set("nimbus.mail.milestones", "BATCH_COMPLETED,ITEM_QUARANTINED")
                .set("nimbus.mail.digest-milestones", "ITEM_QUARANTINED")
                .set("nimbus.mail.digest-window-ms", "3000")) {
            dropBatch(app);
            app.start();

            // the mailbox exists from the first delivery on
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> Mailbox.read(app.imapPort, "ops@nimbus.local").size() == 2);
            // and no third one comes: converted and uploaded are not chosen, the quarantines are one mail
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                    .until(() -> Mailbox.read(app.imapPort, "ops@nimbus.local").size() == 2);

            List<Mailbox.Mail> mails = Mailbox.read(app.imapPort, "ops@nimbus.local");
            assertThat(Mailbox.read(app.imapPort, "data-team@nimbus.local")).hasSize(2);
            assertThat(mails).allSatisfy(m -> assertThat(m.to())
                    .containsExactly("ops@nimbus.local", "data-team@nimbus.local"));
            Mailbox.Mail completed = mails.stream().filter(m -> m.subject().contains("completed")).findFirst()
                    .orElseThrow();
            assertThat(completed.subject()).matches("\\[Nimbus test] Batch \\d{8}T\\d{6}Z-[0-9a-f]{6} completed: "
                    + "SUCCEEDED");
            assertThat(completed.text()).contains("SUCCEEDED", "rows loaded: orders 5", "parquet/orders/",
                    "broken1.csv", "broken2.csv", "broken3.csv");
            assertThat(completed.html()).contains("<pre", "rows loaded: orders 5", "milestone BATCH_COMPLETED");
            Mailbox.Mail digest = mails.stream().filter(m -> m.subject().contains("quarantined")).findFirst()
                    .orElseThrow();
            assertThat(digest.subject()).isEqualTo("[Nimbus test] 3 x item quarantined");
            assertThat(digest.text()).contains("Quarantined: broken1.csv", "Quarantined: broken2.csv",
                    "Quarantined: broken3.csv", "malformed CSV");
            assertThat(digest.html()).contains("<li><b>Quarantined: broken2.csv</b>");
        }
    }

    @Test
    void smtpOutOfReachIsRetriedThenLoggedAndCountedWhileTheBatchCompletes(@TempDir Path dir) throws Exception {
        try (LogCapture log = LogCapture.attach();
                NimbusApp app = new NimbusApp(dir)
                        .set("nimbus.mail.port", String.valueOf(NimbusApp.freePort()))
                        .set("nimbus.mail.retries", "2")) {
            dropBatch(app);
            app.start();

            await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 1);
            // converted, uploaded, completed, and the quarantines: each tried three times, then given up
            await().atMost(Duration.ofSeconds(60)).until(() -> mailsFailed(app, "not_sent") >= 6);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("Mail not sent after its retries"));
            assertThat(mailsFailed(app, "dropped")).isZero();
        }
    }

    @Test
    void mailsPilingUpWhileSmtpIsDownAreDroppedAndCountedNotWaitedFor(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.mail.port", String.valueOf(NimbusApp.freePort()))
                .set("nimbus.mail.retries", "1000")
                .set("nimbus.mail.queue-size", "1")) {
            dropBatch(app);
            app.start();

            await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> mailsFailed(app, "dropped") >= 1);
        }
    }

    private static double mailsFailed(NimbusApp app, String reason) {
        MeterRegistry metrics = app.context().getRegistry().lookupByNameAndType("metricsRegistry",
                MeterRegistry.class);
        Counter counter = metrics.find("nimbus.mails.failed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
