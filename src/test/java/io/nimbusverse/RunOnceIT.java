package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-once mode: the samples of a first run, a summary, and an exit code that says how it went. */
class RunOnceIT {

    @Test
    void aRunWhereEveryBatchCompletesEndsWithExitCodeZero(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.run-once", "true")
                .set("nimbus.samples.feed", "true")
                .set("nimbus.samples.dir", Path.of("samples").toAbsolutePath().toString())
                .runInBackground()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !app.isRunning());

            assertThat(app.outcome.exitCode()).isZero();
            assertThat(app.outcome.summary())
                    .contains("SUCCEEDED, 6 items", "rows loaded: orders 5", "raw/structured/", "parquet/orders/",
                            "Every batch completed: exit code 0")
                    .containsPattern("DONE +1 +2 +3");
            assertThat(dir.resolve(".samples-fed")).exists();
            try (var left = Files.list(app.inbox())) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void aStrictRunWithAQuarantinedItemEndsWithExitCodeOne(@TempDir Path dir) throws Exception {
        NimbusApp app = new NimbusApp(dir)
                .set("nimbus.run-once", "true")
                .set("nimbus.run-once.strict", "true");
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        Files.writeString(app.inbox().resolve("broken.csv"), "a,b\n1,2,3\n\"unclosed\n");
        try (app) {
            app.runInBackground();
            await().atMost(Duration.ofSeconds(120)).until(() -> !app.isRunning());

            assertThat(app.outcome.exitCode()).isEqualTo(1);
            assertThat(app.outcome.summary()).contains("SUCCEEDED", "rows loaded: orders 5",
                    "1 item(s) quarantined, and the run is strict: exit code 1");
        }
    }

    @Test
    void aRunWhereABatchTimesOutEndsWithExitCodeOne(@TempDir Path dir) throws Exception {
        NimbusApp app = new NimbusApp(dir)
                .set("nimbus.run-once", "true")
                .set("nimbus.loader.trigger", "s3-event")
                .set("nimbus.completion.timeout-ms", "1500");
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        try (app) {
            app.runInBackground();
            await().atMost(Duration.ofSeconds(120)).until(() -> !app.isRunning());

            assertThat(app.outcome.exitCode()).isEqualTo(1);
            assertThat(app.outcome.summary()).contains("TIMED_OUT, 1 items", "UPLOADED",
                    "Some batches failed or timed out: exit code 1");
        }
    }

    @Test
    void aRunWaitsUntilEveryTableIsReadThrough(@TempDir Path dir) throws Exception {
        // an empty inbox is read through at once: the run must still wait for the tables' first polls
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.run-once", "true")
                .set("nimbus.sql.enabled", "true")
                .set("nimbus.sql.poll-delay-ms", "1500")
                .set("nimbus.sql.seed-script", Path.of("samples/mysql/shop.sql").toAbsolutePath().toString())
                .runInBackground()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !app.isRunning());

            assertThat(app.outcome.exitCode()).isZero();
            assertThat(app.outcome.summary()).contains("customers 5", "payments 4", "Every batch completed");
        }
    }
}
