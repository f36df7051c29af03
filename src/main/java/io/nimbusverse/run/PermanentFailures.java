package io.nimbusverse.run;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

import jakarta.mail.MessagingException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Tells a failure of the outside world that trying again cannot mend (a bucket that does not exist, access denied,
 * credentials refused, a topic the broker will not serve) from one that passes (a server down or slow): the first is
 * a setting to fix, and the batch or route it hit fails with its reason instead of being delivered again for ever.
 * Each reason names the setting to look at and its environment variable.
 */
public final class PermanentFailures {

    private static final Set<String> S3_CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "InvalidClientTokenId", "UnrecognizedClientException");
    private static final Set<String> S3_REGION_CODES = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException");
    /**
     * SQLSTATE 28: invalid authorization; 42501: insufficient privilege (PostgreSQL, the standard); H2's own 90096
     * (not enough rights) and 90040 (admin rights required).
     */
    private static final Set<String> SQL_DENIED_STATES = Set.of("28000", "42501", "90096", "90040");
    /** MySQL and MariaDB: 1044 database, 1045 user, 1142 table, 1143 column access denied. */
    private static final Set<Integer> MYSQL_DENIED_CODES = Set.of(1044, 1045, 1142, 1143);

    private PermanentFailures() {
    }

    /** True when trying again cannot mend the failure: a setting must change first. */
    public static boolean isPermanent(Throwable failure) {
        return reasonOf(failure) != null;
    }

    /** What to fix, naming the setting and its environment variable; null when the failure may pass by itself. */
    public static String reasonOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String reason = reasonOfOne(t);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    private static String reasonOfOne(Throwable t) {
        if (t instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() == null ? "" : String.valueOf(aws.awsErrorDetails().errorCode());
            if (code.equals("NoSuchBucket")) {
                return s3("the bucket does not exist (" + code + ")", "nimbus.s3.bucket");
            }
            if (S3_CREDENTIAL_CODES.contains(code)) {
                return s3("the credentials are refused (" + code + ")", "nimbus.s3.credentials");
            }
            if (S3_REGION_CODES.contains(code) || aws.statusCode() == 301) {
                return s3("the bucket is in another region (" + code + ")", "nimbus.s3.region");
            }
            if (aws.statusCode() == 401 || aws.statusCode() == 403) {
                return s3("access denied (" + code + "): the credentials may not use this bucket",
                        "nimbus.s3.credentials");
            }
            return null;
        }
        if (t instanceof SdkClientException && t.getMessage() != null
                && t.getMessage().startsWith("Unable to load credentials")) {
            return s3("no credentials found (" + t.getMessage() + ")", "nimbus.s3.credentials");
        }
        if (t instanceof AuthenticationException || t instanceof AuthorizationException
                || t instanceof InvalidTopicException) {
            return "Kafka refuses the pipeline: " + t.getClass().getSimpleName() + ": " + t.getMessage()
                    + settings("nimbus.kafka.brokers", "nimbus.signals.topic");
        }
        if (t instanceof SQLException sql && isAccessDenied(sql)) {
            return "the database refuses the user: " + sql.getMessage()
                    + settings("nimbus.loader.jdbc-user", "nimbus.sql.jdbc-user");
        }
        return null;
    }

    /**
     * The settings to look at for a failure that may pass (a server down or slow), from its kind and where it
     * happened; empty when there is no setting to name.
     */
    public static String whereToLook(String where, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkException) {
                return settings("nimbus.s3.endpoint");
            }
            if (t instanceof KafkaException) {
                return settings("nimbus.kafka.brokers");
            }
            if (t instanceof SQLException) {
                return settings(where.startsWith("sql") ? "nimbus.sql.jdbc-url" : "nimbus.loader.jdbc-url");
            }
            if (t instanceof MessagingException) {
                return settings("nimbus.mail.host", "nimbus.mail.port");
            }
        }
        return "";
    }

    private static boolean isAccessDenied(SQLException sql) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        return SQL_DENIED_STATES.contains(state) || state.startsWith("28")
                || (state.startsWith("42") && MYSQL_DENIED_CODES.contains(sql.getErrorCode()))
                || (sql.getMessage() != null && sql.getMessage().toLowerCase(Locale.ROOT).contains("access denied"));
    }

    private static String s3(String what, String key) {
        return "S3 " + what + settings(key);
    }

    private static String settings(String... keys) {
        StringBuilder text = new StringBuilder("; look at ");
        for (int i = 0; i < keys.length; i++) {
            text.append(i == 0 ? "" : " or ").append(keys[i]).append(" (").append(Settings.environmentVariableOf(
                    keys[i])).append(')');
        }
        return text.toString();
    }
}
