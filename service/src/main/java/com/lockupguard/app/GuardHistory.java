package com.lockupguard.app;

import com.lockupguard.topology.StoreNames;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the cluster keeps of this application id's earlier runs: the positions its consumer group committed on the
 * inputs, and which of its stores' changelogs exist. Read once at start, for the checks that depend on it.
 *
 * @param positions the committed position of each input partition that has one
 * @param changelogs the changelogs of the guard's stores that exist, by name
 * @param otherTopics the topics, not among the configured inputs, on which the group committed positions: inputs of
 *     another name, before a setting changed
 */
public record GuardHistory(String applicationId, Map<TopicPartition, OffsetAndMetadata> positions,
        List<String> changelogs, Set<String> otherTopics) {

    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION = Comparator
            .comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public GuardHistory {
        Map<TopicPartition, OffsetAndMetadata> sorted = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        sorted.putAll(positions);
        positions = Collections.unmodifiableMap(sorted);
        changelogs = List.copyOf(changelogs);
        otherTopics = Collections.unmodifiableSet(new TreeSet<>(otherTopics));
    }

    /** A history with positions on the configured inputs only. */
    public GuardHistory(String applicationId, Map<TopicPartition, OffsetAndMetadata> positions,
            List<String> changelogs) {
        this(applicationId, positions, changelogs, Set.of());
    }

    /** Reads the history of {@code config}'s application id; {@code existing}: the cluster's topics. */
    public static GuardHistory read(Admin admin, GuardConfig config, Set<String> existing, Duration timeout)
            throws InterruptedException {
        String applicationId = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        List<String> inputs = config.topicNames().inputs();
        Map<TopicPartition, OffsetAndMetadata> committed = AdminRequests.retrying(timeout,
                () -> admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata());
        Map<TopicPartition, OffsetAndMetadata> positions = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        Set<String> otherTopics = new TreeSet<>();
        committed.forEach((partition, position) -> {
            if (position != null && inputs.contains(partition.topic())) {
                positions.put(partition, position);
            } else if (position != null && !partition.topic().startsWith(applicationId + "-")) {
                otherTopics.add(partition.topic()); // not one of Kafka Streams' own
            }
        });
        return new GuardHistory(applicationId, positions, StoreNames.changelogsAmong(applicationId, existing),
                otherTopics);
    }

    /** Whether this application id has run here: it has a position on the inputs, or state. */
    public boolean hasRun() {
        return !positions.isEmpty() || !changelogs.isEmpty();
    }

    /**
     * The positions Kafka Streams committed after deciding: they carry its metadata (the partition's time). One set
     * by hand ({@code kafka-consumer-groups --reset-offsets}, {@code kafka-streams-application-reset}) has none.
     */
    public Map<TopicPartition, Long> decidedUpTo() {
        Map<TopicPartition, Long> decided = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        positions.forEach((partition, position) -> {
            if (position.metadata() != null && !position.metadata().isEmpty()) {
                decided.put(partition, position.offset());
            }
        });
        return decided;
    }
}
