package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket that goes away while the pipeline runs is a setting to fix, not an outage to wait out: the batch in the
 * upload fails with the reason and the setting to look at, the polls that fail say so once and then count, and a
 * run-once run ends with exit code 2 instead of being delivered again for ever. Once the bucket is back, the failed
 * batch is retried like a failed load and every row loads once.
 */
class BucketGoneIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void aBatchWhoseBucketIsGoneFailsWithItsReasonAndLoadsOnceRetried(@TempDir Path dir) throws Exception {
        NimbusApp configured = new NimbusApp(dir).set("nimbus.errors.log-window-ms", "4000");
        try (NimbusApp app = configured.start(); LogCapture log = LogCapture.attach()) {
            S3Client s3 = app.s3();
            emptyAndDelete(s3, "nimbus-data");
            Files.createDirectories(app.inbox());
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));

            await().atMost(PATIENCE).until(() -> app.ledger().count(e -> e.status() == ItemStatus.FAILED) == 1);
            LedgerEntry failed = app.ledger().entries().stream().filter(e -> e.status() == ItemStatus.FAILED)
                    .findFirst().orElseThrow();
            assertThat(failed.detail()).startsWith("upload failed: S3 the bucket does not exist (NoSuchBucket); "
                    + "look at nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
            // the loader's and the completion's polls go on failing: a line when it starts, then one per window
            await().atMost(PATIENCE).until(() -> log.lines().stream().anyMatch(l -> l.contains(" times in the last ")));
            List<String> told = log.lines().stream().filter(l -> l.contains("NoSuchBucket")).toList();
            assertThat(told).as(String.join("\n", told)).hasSizeLessThanOrEqualTo(8);
            assertThat(log.lines()).noneMatch(l -> l.contains("Failed delivery"));
            MeterRegistry metrics = app.context().getRegistry().lookupByNameAndType("metricsRegistry",
                    MeterRegistry.class);
            assertThat(metrics.find("nimbus.failures").tag("where", "upload-batch").tag("kind", "permanent")
                    .counter()).isNotNull();
            System.out.printf("BucketGoneIT: %d lines about the missing bucket while the polls failed:%n%s%n",
                    told.size(), String.join("\n", told));

            s3.createBucket(b -> b.bucket("nimbus-data"));
            Files.createDirectories(dir.resolve("retry"));
            Files.writeString(dir.resolve("retry").resolve(failed.batchId()), "");

            await().atMost(PATIENCE).until(() -> app.ledger().find(failed.key()).orElseThrow().status()
                    == ItemStatus.DONE);
            assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM orders")).isEqualTo(5);
            assertThat(app.inbox()).isEmptyDirectory();
        }
    }

    @Test
    void aRunOnceRunWhoseBucketIsGoneEndsWithExitCodeTwoAndTheReason(@TempDir Path dir) throws Exception {
        try (StandaloneS3 withoutTheBucket = new StandaloneS3()) {
            Path state = dir.resolve("state");
            Files.createDirectories(state.resolve("inbox"));
            Files.copy(Path.of("samples/orders.csv"), state.resolve("inbox/orders.csv"));
            ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm(state);
            // an S3 without the bucket, not asked at start: as when the bucket goes after the start
            process.environment().put("NIMBUS_S3_ENDPOINT", withoutTheBucket.endpoint);
            process.environment().put("NIMBUS_STARTUP_WAIT_MS", "0");
            NimbusApp.Finished run = NimbusApp.runToTheEnd(process);

            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            String last = run.output().substring(run.output().lastIndexOf("=== NimbusVerse run summary"));
            assertThat(last).contains("The run cannot go on: ", "the bucket does not exist (NoSuchBucket); look at "
                    + "nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
            assertThat(last.strip()).endsWith("exit code 2");
            assertThat(run.output()).doesNotContain("Failed delivery", "\tat software.amazon");
            System.out.printf("BucketGoneIT: run-once with the bucket gone, exit code 2 after %d s%n", run.seconds());
        }
    }

    private static void emptyAndDelete(S3Client s3, String bucket) {
        for (S3Object object : s3.listObjectsV2(b -> b.bucket(bucket)).contents()) {
            s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
        }
        s3.deleteBucket(b -> b.bucket(bucket));
    }
}
