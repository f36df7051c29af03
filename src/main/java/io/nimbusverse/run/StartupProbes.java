package io.nimbusverse.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Before the routes start, every service the pipeline needs is asked whether it answers (Kafka, the bucket, the
 * databases; SMTP too, whose silence is only a warning), each for at most {@code nimbus.startup.wait-ms}, with a line every few seconds while it waits. A service
 * that never answers, or answers that it cannot serve (a bucket that does not exist, access denied), ends the start
 * with one message naming the setting to look at: a pipeline without its services would only retry for ever.
 */
public final class StartupProbes {

    /** A service the pipeline needs does not answer, or cannot serve it. */
    public static final class UnavailableException extends Settings.InvalidSettingException {
        UnavailableException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StartupProbes.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);

    private final Duration wait;

    /** @param wait how long each service is waited for; zero asks nothing (a service may come later) */
    public StartupProbes(Duration wait) {
        this.wait = wait;
    }

    /**
     * Kafka answers, and the signals topic is as the settings ask: made when it is missing, its partitions raised when
     * it has fewer (never lowered: more are harmless), and a topic that keeps fewer copies of each signal than asked
     * ends the start.
     */
    public void kafka(String brokers, SignalsTopic topic) {
        probe("Kafka", brokers, "nimbus.kafka.brokers", () -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
                admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
                if (!admin.listTopics().names().get(4, TimeUnit.SECONDS).contains(topic.name())) {
                    createTopic(admin, topic, brokers);
                }
                checkTopic(admin, topic, brokers);
            }
        });
    }

    private static void createTopic(Admin admin, SignalsTopic topic, String brokers) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), topic.replicationFactor())))
                    .all().get(10, TimeUnit.SECONDS);
            LOG.info("Made the signals topic {} on {}: {} partitions, {} copies of each signal", topic.name(), brokers,
                    topic.partitions(), topic.replicationFactor());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TopicExistsException) {
                return;
            }
            String cannot = "topic " + topic.name() + " does not exist and cannot be made (" + cause.getMessage() + ")";
            if (cause instanceof InvalidReplicationFactorException) {
                throw new UnavailableException(notServed("Kafka", brokers, "nimbus.signals.replication-factor",
                        cannot));
            }
            if (cause instanceof InvalidPartitionsException) {
                throw new UnavailableException(notServed("Kafka", brokers, "nimbus.signals.partitions", cannot));
            }
            if (cause instanceof AuthorizationException || cause instanceof PolicyViolationException
                    || cause instanceof InvalidTopicException) {
                throw new UnavailableException(notServed("Kafka", brokers, "nimbus.signals.topic", cannot));
            }
            throw e;
        }
    }

    private static void checkTopic(Admin admin, SignalsTopic topic, String brokers) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic.name())).allTopicNames()
                .get(4, TimeUnit.SECONDS).get(topic.name());
        int copies = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        if (copies < topic.replicationFactor()) {
            throw new UnavailableException(notServed("Kafka", brokers, "nimbus.signals.replication-factor", "topic "
                    + topic.name() + " has a replication factor of " + copies + ", lower than the "
                    + topic.replicationFactor() + " asked (add replicas with kafka-reassign-partitions.sh, or ask for "
                    + copies + ")"));
        }
        int partitions = description.partitions().size();
        if (partitions > topic.partitions()) {
            LOG.info("The signals topic {} has {} partitions, more than nimbus.signals.partitions ({}): kept",
                    topic.name(), partitions, topic.partitions());
        } else if (partitions < topic.partitions()) {
            try {
                admin.createPartitions(Map.of(topic.name(), NewPartitions.increaseTo(topic.partitions()))).all()
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException
                        || e.getCause() instanceof PolicyViolationException) {
                    throw new UnavailableException(notServed("Kafka", brokers, "nimbus.signals.partitions", "topic "
                            + topic.name() + " has " + partitions + " partitions and cannot be given "
                            + topic.partitions() + " (" + e.getCause().getMessage() + ")"));
                }
                throw e;
            }
            LOG.info("Raised the partitions of the signals topic {} from {} to {} (nimbus.signals.partitions)",
                    topic.name(), partitions, topic.partitions());
        }
    }

    /** @param bucketKey the setting that names the bucket (the pipeline's, or the landing prefix's) */
    public void bucket(S3Client s3, String bucket, String bucketKey, String endpoint) {
        String where = "bucket " + bucket + (endpoint.isBlank() ? "" : " at " + endpoint);
        // a server that does not answer is its address to look at; a bucket it does not have, the bucket's name
        probe("S3", where, endpoint.isBlank() ? "nimbus.s3.region" : "nimbus.s3.endpoint", () -> {
            try {
                s3.headBucket(b -> b.bucket(bucket));
            } catch (NoSuchBucketException e) {
                throw new UnavailableException(notServed("S3", where, bucketKey, "the bucket does not exist "
                        + "(create it, or name another)"));
            } catch (S3Exception e) {
                if (e.statusCode() == 403 || e.statusCode() == 401) {
                    throw new UnavailableException(notServed("S3", where, bucketKey, "access denied ("
                            + e.awsErrorDetails().errorCode() + "): the credentials may not use this bucket"));
                }
                throw e;
            }
        });
    }

    /**
     * The loader's Lambda exists and the app may invoke it: a DryRun Invoke, which needs no other permission than the
     * one the trigger uses.
     */
    public void lambda(LambdaClient lambda, String function, String endpoint) {
        String where = function + (endpoint.isBlank() ? "" : " at " + endpoint);
        String reachKey = endpoint.isBlank() ? "nimbus.loader.lambda-function" : "nimbus.loader.lambda-endpoint";
        probe("the loader's Lambda", where, reachKey, () -> {
            try {
                lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.DRY_RUN));
            } catch (ResourceNotFoundException e) {
                throw new UnavailableException(notServed("the loader's Lambda", where, "nimbus.loader.lambda-function",
                        "no such function (deploy aws/, or name the function deployed)"));
            } catch (LambdaException e) {
                if (e.statusCode() == 401 || e.statusCode() == 403) {
                    throw new UnavailableException(notServed("the loader's Lambda", where,
                            "nimbus.loader.lambda-function", "access denied (" + e.awsErrorDetails().errorCode()
                                    + "): the credentials may not invoke it (lambda:InvokeFunction)"));
                }
                throw e;
            }
        });
    }

    public void database(String what, DataSource dataSource, String urlKey, String url) {
        probe(what, url, urlKey, () -> {
            try (Connection connection = dataSource.getConnection()) {
                if (!connection.isValid(3)) {
                    throw new IllegalStateException("the connection is not valid");
                }
            }
        });
    }

    /** Mail never holds the pipeline up: an SMTP server that does not answer is a warning, and mails wait. */
    public void smtp(String host, int port) {
        if (wait.isZero()) {
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
        } catch (IOException e) {
            LOG.warn("SMTP at {}:{} (nimbus.mail.host, nimbus.mail.port, environment variables NIMBUS_MAIL_HOST, "
                    + "NIMBUS_MAIL_PORT) does not answer ({}): the pipeline runs, and its mails wait and are retried",
                    host, port, e.getMessage());
        }
    }

    private interface Probe {
        void run() throws Exception;
    }

    private void probe(String what, String where, String key, Probe probe) {
        if (wait.isZero()) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        long nextLog = System.nanoTime() + LOG_EVERY.toNanos();
        Exception last;
        do {
            try {
                probe.run();
                return;
            } catch (UnavailableException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() >= nextLog) {
                LOG.info("Waiting for {} at {} ({}, environment variable {})...", what, where, key,
                        Settings.environmentVariableOf(key));
                nextLog = System.nanoTime() + LOG_EVERY.toNanos();
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new UnavailableException(notServed(what, where, key, "no answer within " + wait.toSeconds() + " s ("
                + rootMessage(last) + "); nimbus.startup.wait-ms sets how long to wait"));
    }

    private static String notServed(String what, String where, String key, String why) {
        return what + " at " + where + " (" + key + ", environment variable " + Settings.environmentVariableOf(key)
                + "): " + why + ".";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a service", e);
        }
    }
}
