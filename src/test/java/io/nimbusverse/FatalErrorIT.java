package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Error in a stage ends the process, in a JVM of its own as users run it: a limit raised too far lets one line
 * exhaust a small heap; the OutOfMemoryError is logged and the process exits with code 3 instead of going on without
 * its convert stage. Its supervisor starts it again: each start resumes and meets the same line, and after the third
 * the item is set aside, so the run ends, exit code 0, with the file quarantined and the other one loaded.
 */
class FatalErrorIT {

    @Test
    void anOutOfMemoryErrorEndsTheProcessAndAnItemThatKeepsDoingItIsSetAside(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("state");
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(inbox.resolve("huge-line.csv")))) {
            out.write("id,text\n1,".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "0123456789".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 300; i++) {
                out.write(chunk);
            }
            out.write('\n');
        }
        Files.copy(Path.of("samples/orders.csv"), inbox.resolve("orders.csv"));
        // every start finds its servers where they were: the embedded Kafka keeps its ports in its state
        Map<String, String> env = new HashMap<>(NimbusApp.runOnceInItsOwnJvm().environment());
        env.putAll(Map.of(
                "NIMBUS_DATA_DIR", data.toString(),
                "NIMBUS_INBOX_DIR", inbox.toString(),
                "NIMBUS_LIMITS_MAX_RECORD_BYTES", "1500000000",
                "NIMBUS_SAMPLES_FEED", "false",
                "NIMBUS_SQL_ENABLED", "false",
                "NIMBUS_INTAKE_BATCH_IDLE_MS", "800",
                "NIMBUS_LOADER_POLL_DELAY_MS", "300",
                "NIMBUS_COMPLETION_POLL_DELAY_MS", "300"));
        String tables = "jdbc:h2:file:" + data.resolve("tables").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        env.put("NIMBUS_LOADER_JDBC_URL", tables);
        env.put("NIMBUS_SQL_JDBC_URL", "jdbc:h2:file:" + data.resolve("source").toAbsolutePath());

        for (int start = 1; start <= 3; start++) {
            Run run = runOnce(env);
            assertThat(run.exitCode()).as("start %d:\n%s", start, run.output()).isEqualTo(3);
            assertThat(run.output()).contains("FATAL: java.lang.OutOfMemoryError", "exit code 3");
        }
        Run last = runOnce(env);
        assertThat(last.exitCode()).as(last.output()).isZero();
        assertThat(last.output()).contains("huge-line.csv: converting it ended the process 3 times", "exit code 0");
        assertThat(data.resolve("quarantine/huge-line.csv")).exists();
        // the other file went its way, in its own batch, once
        // a load committed just before a start ended abruptly is still there: H2 writes each commit at once
        assertThat(SqlTables.count(tables, "sa", "SELECT count(*) FROM orders")).as(last.output()).isEqualTo(5);
    }

    private record Run(int exitCode, String output) {
    }

    private static Run runOnce(Map<String, String> env) throws Exception {
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm("-Xmx256m");
        process.environment().putAll(env);
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Run(running.exitValue(), output);
    }
}
