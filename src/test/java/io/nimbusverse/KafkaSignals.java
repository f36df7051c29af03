package io.nimbusverse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the signals topic from its beginning, as a consumer group of its own. */
public final class KafkaSignals {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaSignals() {
    }

    /** The signal types of each batch, in topic order; every record's key must be its batch id. */
    public static Map<String, List<String>> typesByBatch(int kafkaPort, Duration readFor) throws Exception {
        Map<String, List<String>> byBatch = new LinkedHashMap<>();
        for (String value : values(kafkaPort, readFor)) {
            JsonNode signal = JSON.readTree(value);
            byBatch.computeIfAbsent(signal.path("batchId").asText(), k -> new ArrayList<>())
                    .add(signal.path("type").asText());
        }
        return byBatch;
    }

    /** Every record's value, in topic order; every record's key must be its batch id. */
    public static List<String> values(int kafkaPort, Duration readFor) throws Exception {
        List<String> values = new ArrayList<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + kafkaPort);
        props.put("group.id", "test-reader-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("nimbus.signals"));
            long end = System.nanoTime() + readFor.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode signal = JSON.readTree(record.value());
                    String batchId = signal.path("batchId").asText();
                    if (!batchId.equals(record.key())) {
                        throw new IllegalStateException("record key " + record.key() + " is not its batch "
                                + batchId);
                    }
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
