package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.apache.camel.CamelExecutionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class PermanentFailuresTest {

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void settingsToFixArePermanentAndNameTheSetting() {
        assertThat(PermanentFailures.reasonOf(NoSuchBucketException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build()))
                .isEqualTo("S3 the bucket does not exist (NoSuchBucket); look at nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
        assertThat(PermanentFailures.reasonOf(s3(403, "AccessDenied"))).isEqualTo("S3 access denied (AccessDenied): "
                + "the credentials may not use this bucket; look at nimbus.s3.credentials (NIMBUS_S3_CREDENTIALS)");
        assertThat(PermanentFailures.reasonOf(s3(403, "InvalidAccessKeyId"))).startsWith("S3 the credentials are "
                + "refused (InvalidAccessKeyId)");
        assertThat(PermanentFailures.reasonOf(s3(301, "PermanentRedirect"))).contains("another region",
                "nimbus.s3.region (NIMBUS_S3_REGION)");
        assertThat(PermanentFailures.reasonOf(SdkClientException.create("Unable to load credentials from any of the "
                + "providers in the chain"))).startsWith("S3 no credentials found");
        // wrapped as Camel wraps it
        assertThat(PermanentFailures.isPermanent(new CamelExecutionException("upload", null,
                s3(403, "AccessDenied")))).isTrue();
        assertThat(PermanentFailures.reasonOf(new TopicAuthorizationException("Not authorized to access topics"
                + ": [nimbus.signals]"))).startsWith("Kafka refuses the pipeline: TopicAuthorizationException")
                .contains("nimbus.signals.topic (NIMBUS_SIGNALS_TOPIC)");
        assertThat(PermanentFailures.reasonOf(new SQLException("Access denied for user 'nimbus'@'%'", "28000",
                1045))).startsWith("the database refuses the user: Access denied");
        assertThat(PermanentFailures.isPermanent(new SQLException("INSERT command denied to user 'nimbus' for "
                + "table 'orders'", "42000", 1142))).isTrue();
        assertThat(PermanentFailures.isPermanent(new SQLException("Not enough rights for object \"ORDERS\"",
                "90096", 90096))).isTrue();
    }

    @Test
    void theOutsideWorldDownOrSlowIsNotPermanentAndStillNamesWhereToLook() {
        assertThat(PermanentFailures.isPermanent(s3(500, "InternalError"))).isFalse();
        assertThat(PermanentFailures.isPermanent(s3(503, "SlowDown"))).isFalse();
        assertThat(PermanentFailures.isPermanent(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isFalse();
        assertThat(PermanentFailures.isPermanent(new TimeoutException("Topic nimbus.signals not present in metadata "
                + "after 60000 ms."))).isFalse();
        assertThat(PermanentFailures.isPermanent(new SQLTransientConnectionException("Connection is not available",
                "08001"))).isFalse();
        assertThat(PermanentFailures.isPermanent(new SQLException("Syntax error", "42000", 1064))).isFalse();
        assertThat(PermanentFailures.isPermanent(new IOException("No space left on device"))).isFalse();

        assertThat(PermanentFailures.whereToLook("upload-batch", SdkClientException.create("down")))
                .isEqualTo("; look at nimbus.s3.endpoint (NIMBUS_S3_ENDPOINT)");
        assertThat(PermanentFailures.whereToLook("publish-signal", new TimeoutException("down")))
                .isEqualTo("; look at nimbus.kafka.brokers (NIMBUS_KAFKA_BROKERS)");
        assertThat(PermanentFailures.whereToLook("load-signals", new SQLTransientConnectionException("down")))
                .isEqualTo("; look at nimbus.loader.jdbc-url (NIMBUS_LOADER_JDBC_URL)");
        assertThat(PermanentFailures.whereToLook("upload-batch", new IOException("disk"))).isEmpty();
    }
}
