package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that is down while the pipeline runs costs a line a minute in its log, not several a second: the app, in a
 * JVM of its own with its own logging, runs 45 s against a Kafka address where nothing listens.
 */
class KafkaOutageIT {

    @Test
    void aDeadBrokerYieldsALineAMinuteNotSeveralASecond(@TempDir Path dir) throws Exception {
        ProcessBuilder running = NimbusApp.runningInItsOwnJvm();
        running.environment().put("NIMBUS_DATA_DIR", dir.resolve("state").toString());
        running.environment().put("NIMBUS_KAFKA_BROKERS", "127.0.0.1:" + NimbusApp.freePort());
        // started while Kafka is down, on purpose: not waited for
        running.environment().put("NIMBUS_STARTUP_WAIT_MS", "0");
        running.environment().put("NIMBUS_SQL_ENABLED", "false");
        Path log = dir.resolve("app.log");
        running.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = running.start();
        try {
            assertThat(process.waitFor(45, TimeUnit.SECONDS)).as("the app ended by itself").isFalse();
        } finally {
            process.destroyForcibly().waitFor();
        }
        // the Kafka client's warnings of a broker it cannot reach ("Connection to node -1 ... could not be established")
        List<String> kafkaLines = Files.readAllLines(log).stream().filter(line -> line.contains(" NetworkClient - "))
                .toList();
        assertThat(Files.readString(log)).contains("NimbusVerse is running");
        assertThat(kafkaLines).as(String.join("\n", kafkaLines)).hasSizeLessThanOrEqualTo(2);
        System.out.printf("KafkaOutageIT: %d Kafka client warnings in 45 s of outage%n", kafkaLines.size());
    }
}
