package io.nimbusverse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.nimbusverse.NimbusApp;
import io.nimbusverse.run.SignalsTopic;
import io.nimbusverse.run.StartupProbes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start makes the signals topic as the settings ask, on a real (embedded, one-broker) Kafka. */
class SignalsTopicIT {

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static String brokers;

    private final StartupProbes probes = new StartupProbes(Duration.ofSeconds(20));

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new EmbeddedKafka(dir.resolve("kafka"), NimbusApp.freePort(), NimbusApp.freePort());
        kafka.start();
        brokers = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() {
        kafka.stop();
    }

    @Test
    void aMissingTopicIsMadeWithThePartitionsAndReplicationAsked() throws Exception {
        probes.kafka(brokers, new SignalsTopic("made", 3, (short) 1));

        TopicDescription made = describe("made");
        assertThat(made.partitions()).hasSize(3).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
    }

    @Test
    void aTopicWithFewerPartitionsIsRaisedToTheSettingAndOneWithMoreIsKept() throws Exception {
        probes.kafka(brokers, new SignalsTopic("grown", 1, (short) 1));
        assertThat(describe("grown").partitions()).hasSize(1);

        probes.kafka(brokers, new SignalsTopic("grown", 4, (short) 1));
        assertThat(describe("grown").partitions()).hasSize(4);

        probes.kafka(brokers, new SignalsTopic("grown", 2, (short) 1));
        assertThat(describe("grown").partitions()).hasSize(4);
    }

    @Test
    void aReplicationFactorTheClusterCannotGiveEndsTheStartNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> probes.kafka(brokers, new SignalsTopic("copies", 1, (short) 2)))
                .isInstanceOf(StartupProbes.UnavailableException.class)
                .hasMessageStartingWith("Kafka at " + brokers + " (nimbus.signals.replication-factor, environment "
                        + "variable NIMBUS_SIGNALS_REPLICATION_FACTOR): topic copies does not exist and cannot be made");

        // made by a start that asked for less: it keeps fewer copies than asked now
        probes.kafka(brokers, new SignalsTopic("copies", 1, (short) 1));
        assertThatThrownBy(() -> probes.kafka(brokers, new SignalsTopic("copies", 1, (short) 2)))
                .isInstanceOf(StartupProbes.UnavailableException.class)
                .hasMessage("Kafka at " + brokers + " (nimbus.signals.replication-factor, environment variable "
                        + "NIMBUS_SIGNALS_REPLICATION_FACTOR): topic copies has a replication factor of 1, lower than "
                        + "the 2 asked (add replicas with kafka-reassign-partitions.sh, or ask for 1).");
    }

    private static TopicDescription describe(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        }
    }
}
