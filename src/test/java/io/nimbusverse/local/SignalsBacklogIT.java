package io.nimbusverse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nimbusverse.NimbusApp;
import io.nimbusverse.observe.SignalsBacklog;
import io.nimbusverse.run.SignalsTopic;
import io.nimbusverse.run.StartupProbes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances in one stage's consumer group on a real (embedded) Kafka, each holding one of the topic's two
 * partitions: a signal in a's partition waits for a, not for b, until a's group commits it.
 */
class SignalsBacklogIT {

    private static final String TOPIC = "signals";
    private static final String GROUP = "nimbus-convert";

    @TempDir
    Path dir;

    @Test
    void aSignalWaitsOnlyForTheInstanceThatHoldsItsPartitionUntilItIsCommitted() throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), NimbusApp.freePort(), NimbusApp.freePort());
        kafka.start();
        String brokers = kafka.bootstrapServers();
        try (KafkaConsumer<String, String> a = member(brokers, "a"); KafkaConsumer<String, String> b = member(brokers,
                "b"); SignalsBacklog onA = new SignalsBacklog(brokers, TOPIC, "a");
                SignalsBacklog onB = new SignalsBacklog(brokers, TOPIC, "b");
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", brokers),
                        new StringSerializer(), new StringSerializer())) {
            new StartupProbes(Duration.ofSeconds(20)).kafka(brokers, new SignalsTopic(TOPIC, 2, (short) 1));
            a.subscribe(List.of(TOPIC));
            b.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                a.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
                return a.assignment().size() == 1 && b.assignment().size() == 1;
            });
            assertThat(onA.waitingHere(GROUP)).as("nothing sent yet").contains(false);
            assertThat(onB.waitingHere(GROUP)).contains(false);

            TopicPartition held = a.assignment().iterator().next();
            producer.send(new ProducerRecord<>(TOPIC, held.partition(), "batch-1", "{\"type\":\"START_UPLOAD\"}"))
                    .get();
            assertThat(onA.waitingHere(GROUP)).contains(true);
            assertThat(onB.waitingHere(GROUP)).as("b's partition is empty").contains(false);
            assertThat(onA.waitingHere("another-stage")).as("a group a is not in").contains(false);

            await().atMost(Duration.ofSeconds(30)).until(() -> !a.poll(Duration.ofMillis(200)).isEmpty());
            a.commitSync();
            assertThat(onA.waitingHere(GROUP)).as("taken and committed").contains(false);
        } finally {
            kafka.stop();
        }
        try (SignalsBacklog nobodyThere = new SignalsBacklog("127.0.0.1:" + NimbusApp.freePort(), TOPIC, "a")) {
            assertThat(nobodyThere.waitingHere(GROUP)).as("Kafka does not answer").isEqualTo(Optional.empty());
        }
    }

    @Test
    void theGroupsAskedAboutAreThoseOfTheStagesRoutes() throws Exception {
        assertThat(Files.readString(Path.of("routes/convert.yaml")))
                .contains("groupId: " + SignalsBacklog.CONVERT_GROUP);
        assertThat(Files.readString(Path.of("routes/upload.yaml"))).contains("groupId: " + SignalsBacklog.UPLOAD_GROUP);
    }

    /** A member of the stage's group as the application's consumers are: static, committing what it took. */
    private static KafkaConsumer<String, String> member(String brokers, String instanceId) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000), new StringDeserializer(), new StringDeserializer());
    }
}
