package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that goes down while the pipeline runs costs a few lines in its log, not several a second: the app, in a
 * JVM of its own with its own logging, runs 45 s of outage with a file to work on.
 */
class OutageIT {

    private static final int SECONDS = 45;

    private interface Outage {
        void begin() throws Exception;
    }

    /** The app's log lines, from a start until 45 s after the outage began (the file dropped then). */
    private static List<String> runThroughAnOutage(Path dir, Map<String, String> settings, Outage outage)
            throws Exception {
        ProcessBuilder running = NimbusApp.runningInItsOwnJvm();
        running.environment().put("NIMBUS_DATA_DIR", dir.resolve("state").toString());
        running.environment().put("NIMBUS_STARTUP_WAIT_MS", "0");
        running.environment().put("NIMBUS_SQL_ENABLED", "false");
        running.environment().put("NIMBUS_SAMPLES_FEED", "false");
        running.environment().put("NIMBUS_ERRORS_LOG_WINDOW_MS", "20000");
        running.environment().putAll(settings);
        Path log = dir.resolve("app.log");
        running.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = running.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !process.isAlive()
                    || Files.readString(log).contains("NimbusVerse is running"));
            assertThat(process.isAlive()).as("the app ended by itself:\n%s", Files.readString(log)).isTrue();
            outage.begin();
            Files.createDirectories(dir.resolve("state/inbox"));
            Files.copy(Path.of("samples/orders.csv"), dir.resolve("state/inbox/orders.csv"));
            boolean ended = process.waitFor(SECONDS, TimeUnit.SECONDS);
            assertThat(ended).as("the app ended by itself:\n%s", Files.readString(log)).isFalse();
        } finally {
            process.destroyForcibly().waitFor();
        }
        return Files.readAllLines(log);
    }

    @Test
    void aDeadBrokerYieldsALineAMinuteNotSeveralASecond(@TempDir Path dir) throws Exception {
        // down from the start, on purpose: not waited for
        List<String> lines = runThroughAnOutage(dir, Map.of("NIMBUS_KAFKA_BROKERS",
                "127.0.0.1:" + NimbusApp.freePort()), () -> { });
        // the Kafka client's warnings of a broker it cannot reach ("Connection to node -1 ... could not be established")
        List<String> kafkaLines = lines.stream().filter(line -> line.contains(" NetworkClient - ")).toList();
        assertThat(kafkaLines).as(String.join("\n", kafkaLines)).hasSizeLessThanOrEqualTo(2);
        System.out.printf("OutageIT: %d Kafka client warnings in %d s of outage, %d lines in all%n", kafkaLines.size(),
                SECONDS, lines.size());
    }

    @Test
    void anS3ThatGoesDownIsToldWhenItStartsThenWithACountNeverWithAStackTraceATry(@TempDir Path dir)
            throws Exception {
        try (StandaloneS3 s3 = new StandaloneS3("nimbus-data")) {
            List<String> lines = runThroughAnOutage(dir, Map.of("NIMBUS_S3_ENDPOINT", s3.endpoint), s3::stop);
            List<String> failures = lines.stream().filter(line -> line.contains(" failures - ")).toList();
            assertThat(failures).as(String.join("\n", lines))
                    .anyMatch(line -> line.contains("upload-batch failed: ")
                            && line.contains("look at nimbus.s3.endpoint (NIMBUS_S3_ENDPOINT)"))
                    .anyMatch(line -> line.contains("poll of aws2-s3://nimbus-data failed ")
                            && line.contains(" times in the last "));
            // each failing route or poll: a line when it starts and one per 20 s window at most
            assertThat(failures).hasSizeLessThanOrEqualTo(8);
            assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Failed delivery"));
            System.out.printf("OutageIT: S3 down for %d s: %d lines in all, %d from the failures log:%n%s%n", SECONDS,
                    lines.size(), failures.size(), String.join("\n", failures));
        }
    }
}
