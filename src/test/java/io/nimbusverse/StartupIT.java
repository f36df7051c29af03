package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A service the pipeline needs that does not answer, or cannot serve it, ends the start with exit code 2 and one
 * message naming the setting to look at, after at most nimbus.startup.wait-ms: in a JVM of its own, as users start it.
 */
class StartupIT {

    private static NimbusApp.Finished start(Path dir, Map<String, String> settings) throws Exception {
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm(dir.resolve("state"));
        process.environment().putAll(settings);
        process.environment().put("NIMBUS_STARTUP_WAIT_MS", "6000");
        return NimbusApp.runToTheEnd(process);
    }

    /**
     * A service at an address where nothing listens: the start waits, says so every few seconds naming the setting,
     * then ends with exit code 2.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "Kafka|NIMBUS_KAFKA_BROKERS|nimbus.kafka.brokers|127.0.0.1:%d|Kafka at %s",
        "S3|NIMBUS_S3_ENDPOINT|nimbus.s3.endpoint|http://127.0.0.1:%d|S3 at bucket nimbus-data at %s",
        "database|NIMBUS_LOADER_JDBC_URL|nimbus.loader.jdbc-url|jdbc:mariadb://127.0.0.1:%d/tables"
                + "|the loader's database at %s"})
    void aServiceThatNeverAnswersEndsTheStartNamingItsSetting(String service, String variable, String key,
            String addressPattern, String wherePattern, @TempDir Path dir) throws Exception {
        String address = String.format(addressPattern, NimbusApp.freePort());
        String where = String.format(wherePattern, address);
        NimbusApp.Finished run = start(dir, Map.of(variable, address));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
        String setting = " (" + key + ", environment variable " + variable + ")";
        assertThat(run.output()).contains("Waiting for " + where + setting + "...",
                where + setting + ": no answer within 6 s");
        assertThat(run.seconds()).as("seconds to exit").isLessThan(40);
        System.out.printf("StartupIT: %s unreachable, exit code 2 after %d s%n", service, run.seconds());
    }

    @Test
    void smtpThatDoesNotAnswerIsAWarningAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        int port = NimbusApp.freePort();
        NimbusApp.Finished run = start(dir, Map.of("NIMBUS_MAIL_PORT", String.valueOf(port)));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("WARN", "SMTP at 127.0.0.1:" + port + " (nimbus.mail.host, nimbus.mail.port, "
                + "environment variables NIMBUS_MAIL_HOST, NIMBUS_MAIL_PORT) does not answer", "exit code 0");
    }

    @Test
    void aBucketThatDoesNotExistEndsTheStartAtOnce(@TempDir Path dir) throws Exception {
        try (StandaloneS3 empty = new StandaloneS3()) {
            String endpoint = empty.endpoint;
            NimbusApp.Finished run = start(dir, Map.of("NIMBUS_S3_ENDPOINT", endpoint, "NIMBUS_S3_BUCKET",
                    "nimbus-missing"));

            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("S3 at bucket nimbus-missing at " + endpoint + " (nimbus.s3.bucket, "
                    + "environment variable NIMBUS_S3_BUCKET): the bucket does not exist");
            assertThat(run.output()).doesNotContain("Waiting for S3");
            System.out.printf("StartupIT: bucket missing, exit code 2 after %d s%n", run.seconds());
        }
    }
}
