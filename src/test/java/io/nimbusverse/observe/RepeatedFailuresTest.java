package io.nimbusverse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.LogCapture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RepeatedFailuresTest {

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RepeatedFailures failures = new RepeatedFailures(Duration.ofMinutes(1), new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }, metrics);

    @Test
    void aFailureThatRepeatsIsToldWhenItStartsThenOnceAWindowWithItsCount() {
        try (LogCapture log = LogCapture.attach()) {
            for (int second = 0; second < 150; second += 2) {
                now = Instant.parse("2026-12-01T10:00:00Z").plusSeconds(second);
                failures.failed("upload-batch", SdkClientException.create("Unable to execute HTTP request",
                        new ConnectException("Connection refused")));
            }
            assertThat(log.lines().stream().filter(l -> l.contains("io.nimbusverse.failures")).toList())
                    .containsExactly(
                            "ERROR io.nimbusverse.failures upload-batch failed: ConnectException: Connection refused; "
                                    + "look at nimbus.s3.endpoint (NIMBUS_S3_ENDPOINT)",
                            "ERROR io.nimbusverse.failures upload-batch failed 30 times in the last 60 s: "
                                    + "ConnectException: Connection refused; look at nimbus.s3.endpoint "
                                    + "(NIMBUS_S3_ENDPOINT)",
                            "ERROR io.nimbusverse.failures upload-batch failed 30 times in the last 60 s: "
                                    + "ConnectException: Connection refused; look at nimbus.s3.endpoint "
                                    + "(NIMBUS_S3_ENDPOINT)");
        }
        assertThat(metrics.counter("nimbus.failures", "where", "upload-batch", "kind", "transient").count())
                .isEqualTo(75);
        assertThat(failures.firstPermanent()).isNull();
    }

    @Test
    void oneFailureToldByARouteAndByItsConsumerIsCountedOnceAndAPermanentOneIsRemembered() {
        S3Exception gone = (S3Exception) S3Exception.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build();
        assertThat(failures.failed("completion-watcher", gone)).isTrue();
        assertThat(failures.failed("completion-watcher", gone)).isFalse();
        failures.handleException("Failed polling endpoint: aws2-s3://nimbus-data?delay=500&prefix=signals/. Will try "
                + "again at next poll", S3Exception.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build());

        assertThat(metrics.counter("nimbus.failures", "where", "completion-watcher", "kind", "permanent").count())
                .isEqualTo(1);
        assertThat(metrics.counter("nimbus.failures", "where", "poll of aws2-s3://nimbus-data", "kind", "permanent")
                .count()).isEqualTo(1);
        assertThat(failures.firstPermanent()).isEqualTo("completion-watcher: S3 the bucket does not exist "
                + "(NoSuchBucket); look at nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
    }

    @Test
    void anObjectAPollListedAndFoundGoneIsNoFailureButABucketGoneIs() {
        String poll = "Failed polling endpoint: aws2-s3://nimbus-data?delay=300&prefix=signals/. Will try again at "
                + "next poll";
        try (LogCapture log = LogCapture.attach()) {
            failures.handleException(poll, NoSuchKeyException.builder().statusCode(404)
                    .message("The specified key does not exist.").build());
            failures.handleException(poll, new IllegalStateException("wrapped", S3Exception.builder().statusCode(404)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").build()).build()));
            assertThat(log.lines()).noneMatch(line -> line.startsWith("ERROR") || line.startsWith("WARN"));
        }
        assertThat(metrics.find("nimbus.failures").counters()).isEmpty();

        failures.handleException(poll, S3Exception.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build());
        assertThat(metrics.counter("nimbus.failures", "where", "poll of aws2-s3://nimbus-data", "kind", "permanent")
                .count()).isEqualTo(1);
    }
}
