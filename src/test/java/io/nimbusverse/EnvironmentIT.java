package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as users start it, in a JVM of its own: configured only through environment variables, with
 * {@code --run-once}, and its exit code as the process exit code.
 */
class EnvironmentIT {

    @Test
    void environmentVariablesOverrideTheSettingsAndRunOnceExitsWithItsCode(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("state");
        Path inbox = dir.resolve("drop-here");
        Files.createDirectories(inbox);
        Files.copy(Path.of("samples/orders.csv"), inbox.resolve("orders.csv"));
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm();
        Map<String, String> env = process.environment();
        String httpPort = env.get("NIMBUS_HTTP_PORT");
        env.put("NIMBUS_DATA_DIR", data.toString());
        env.put("NIMBUS_INBOX_DIR", inbox.toString());
        env.put("NIMBUS_LOADER_JDBC_URL", "jdbc:h2:file:" + data.resolve("tables").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE");
        env.put("NIMBUS_SAMPLES_FEED", "false");
        // the inbox's file alone: the sample tables would join its batch or not, as timing has it
        env.put("NIMBUS_SQL_ENABLED", "false");
        env.put("NIMBUS_INTAKE_BATCH_IDLE_MS", "800");
        env.put("NIMBUS_LOADER_POLL_DELAY_MS", "300");
        env.put("NIMBUS_COMPLETION_POLL_DELAY_MS", "300");
        env.put("NIMBUS_S3_BUCKET", "from-the-environment");

        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(running.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCEEDED, 1 items", "rows loaded: orders 5", "exit code 0",
                "http://127.0.0.1:" + httpPort + "/observe/metrics")
                .doesNotContain("Live route reloading enabled");
        assertThat(data.resolve("ledger/report.csv")).exists();
        assertThat(data.resolve("s3/from-the-environment/archive/signals")).isNotEmptyDirectory();
        try (var left = Files.list(inbox)) {
            assertThat(left.toList()).isEqualTo(List.of());
        }
    }
}
