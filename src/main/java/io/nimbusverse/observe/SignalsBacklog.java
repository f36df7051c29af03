package io.nimbusverse.observe;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether signals wait for this instance's part of a stage: the partitions of the signals topic its member of the
 * stage's consumer group holds have records the group has not committed. With one ledger for a cluster, the batches
 * the ledger shows on their way are the cluster's: an instance whose partitions are empty has nothing waiting, however
 * busy the others.
 */
public class SignalsBacklog implements AutoCloseable {

    /** The consumer groups of the stages that take batches by their signals (routes/convert.yaml, upload.yaml). */
    public static final String CONVERT_GROUP = "nimbus-convert";
    public static final String UPLOAD_GROUP = "nimbus-upload";

    private static final Logger LOG = LoggerFactory.getLogger(SignalsBacklog.class);
    private static final long TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final String topic;
    private final String instanceId;

    /** @param instanceId this instance's static member id in the stages' groups (group.instance.id) */
    public SignalsBacklog(String brokers, String topic, String instanceId) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS));
        this.topic = topic;
        this.instanceId = instanceId;
    }

    /**
     * Whether a signal waits in a partition this instance holds for the group; empty when Kafka does not answer (the
     * caller decides without it).
     */
    public Optional<Boolean> waitingHere(String groupId) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(Set.of(groupId)).describedGroups()
                    .get(groupId).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Set<TopicPartition> held = group.members().stream()
                    .filter(member -> member.groupInstanceId().filter(instanceId::equals).isPresent())
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(topic))
                    .collect(Collectors.toSet());
            if (held.isEmpty()) {
                return Optional.of(false);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> latest = offsets(held, OffsetSpec.latest());
            // a partition the group never committed in is read from its start: asked only then
            Set<TopicPartition> neverCommitted = held.stream().filter(partition -> committed.get(partition) == null)
                    .collect(Collectors.toSet());
            Map<TopicPartition, Long> earliest = neverCommitted.isEmpty() ? Map.of()
                    : offsets(neverCommitted, OffsetSpec.earliest());
            return Optional.of(held.stream().anyMatch(partition -> latest.get(partition) > (committed.get(partition)
                    == null ? earliest.get(partition) : committed.get(partition).offset())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.debug("The backlog of group {} on {} is not known", groupId, topic, e);
            return Optional.empty();
        }
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> spec))).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close();
    }
}
