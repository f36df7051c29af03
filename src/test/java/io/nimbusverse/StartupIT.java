package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service the pipeline needs that does not answer, or cannot serve it, ends the start with exit code 2 and one
 * message naming the setting to look at, after at most nimbus.startup.wait-ms: in a JVM of its own, as users start it.
 */
class StartupIT {

    private record Run(int exitCode, String output, long seconds) {
    }

    private static Run start(Path dir, Map<String, String> settings) throws Exception {
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm();
        Map<String, String> env = new HashMap<>(settings);
        env.put("NIMBUS_DATA_DIR", dir.resolve("state").toString());
        env.put("NIMBUS_SAMPLES_FEED", "false");
        env.put("NIMBUS_SQL_ENABLED", "false");
        env.put("NIMBUS_STARTUP_WAIT_MS", "6000");
        process.environment().putAll(env);
        long start = System.nanoTime();
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(running.exitValue(), output, (System.nanoTime() - start) / 1_000_000_000L);
    }

    @Test
    void kafkaThatNeverAnswersEndsTheStartNamingItsSetting(@TempDir Path dir) throws Exception {
        String brokers = "127.0.0.1:" + NimbusApp.freePort();
        Run run = start(dir, Map.of("NIMBUS_KAFKA_BROKERS", brokers));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("Waiting for Kafka at " + brokers + " (nimbus.kafka.brokers, environment "
                + "variable NIMBUS_KAFKA_BROKERS)...", "Kafka at " + brokers + " (nimbus.kafka.brokers, environment "
                + "variable NIMBUS_KAFKA_BROKERS): no answer within 6 s");
        assertThat(run.seconds()).as("seconds to exit").isLessThan(40);
        System.out.printf("StartupIT: Kafka unreachable, exit code 2 after %d s%n", run.seconds());
    }

    @Test
    void aDatabaseThatNeverAnswersEndsTheStartNamingItsSetting(@TempDir Path dir) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + NimbusApp.freePort() + "/tables";
        Run run = start(dir, Map.of("NIMBUS_LOADER_JDBC_URL", url));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("the loader's database at " + url + " (nimbus.loader.jdbc-url, "
                + "environment variable NIMBUS_LOADER_JDBC_URL): no answer within 6 s");
        System.out.printf("StartupIT: database unreachable, exit code 2 after %d s%n", run.seconds());
    }

    @Test
    void smtpThatDoesNotAnswerIsAWarningAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        int port = NimbusApp.freePort();
        Run run = start(dir, Map.of("NIMBUS_MAIL_PORT", String.valueOf(port)));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("WARN", "SMTP at 127.0.0.1:" + port + " (nimbus.mail.host, nimbus.mail.port, "
                + "environment variables NIMBUS_MAIL_HOST, NIMBUS_MAIL_PORT) does not answer", "exit code 0");
    }

    @Test
    void aBucketThatDoesNotExistEndsTheStartAtOnce(@TempDir Path dir) throws Exception {
        int port = NimbusApp.freePort();
        try (BlobStoreContext empty = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class)) {
            S3Proxy proxy = S3Proxy.builder().blobStore(empty.getBlobStore())
                    .awsAuthentication(AuthenticationType.NONE, null, null)
                    .endpoint(URI.create("http://127.0.0.1:" + port)).build();
            proxy.start();
            try {
                String endpoint = "http://127.0.0.1:" + port;
                Run run = start(dir, Map.of("NIMBUS_S3_ENDPOINT", endpoint, "NIMBUS_S3_BUCKET", "nimbus-missing"));

                assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
                assertThat(run.output()).contains("S3 at bucket nimbus-missing at " + endpoint + " (nimbus.s3.bucket, "
                        + "environment variable NIMBUS_S3_BUCKET): the bucket does not exist");
                assertThat(run.output()).doesNotContain("Waiting for S3");
                System.out.printf("StartupIT: bucket missing, exit code 2 after %d s%n", run.seconds());
            } finally {
                proxy.stop();
            }
        }
    }
}
