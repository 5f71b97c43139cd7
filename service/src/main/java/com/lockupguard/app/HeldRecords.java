package com.lockupguard.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What topics hold: whether a guard wrote to them, or a timeline was sent to them. */
public final class HeldRecords {

    private HeldRecords() {
    }

    /** Committed records (and transaction markers) between the start and the last stable offset of {@code topics}. */
    static long in(Admin admin, List<String> topics, Duration timeout) throws InterruptedException {
        if (topics.isEmpty()) {
            return 0;
        }
        Map<String, TopicDescription> described = AdminRequests.retrying(timeout,
                () -> admin.describeTopics(topics).allTopicNames());
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> stable = new HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
            earliest.put(tp, OffsetSpec.earliest());
            stable.put(tp, OffsetSpec.latest());
        }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = AdminRequests.retrying(timeout,
                () -> admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = AdminRequests.retrying(timeout,
                () -> admin.listOffsets(stable, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
        long held = 0;
        for (TopicPartition partition : starts.keySet()) {
            held += Math.max(0, ends.get(partition).offset() - starts.get(partition).offset());
        }
        return held;
    }

    /**
     * Those of {@code topics} that were ever written to since they were created, with their end offsets' sum (records,
     * transaction markers and aborted records alike): as {@link #everWritten}, it never goes back, whatever retention
     * or compaction deletes.
     */
    public static Map<String, Long> offsetsWritten(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        AdminRequests.retrying(timeout, () -> admin.describeTopics(topics).allTopicNames()).values()
                .forEach(topic -> topic.partitions().forEach(partition -> latest.put(
                        new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        Map<String, Long> written = new TreeMap<>();
        AdminRequests.retrying(timeout, () -> admin.listOffsets(latest).all()).forEach((partition, end) -> {
            if (end.offset() > 0) {
                written.merge(partition.topic(), end.offset(), Long::sum);
            }
        });
        return written;
    }

    /**
     * Whether anything was ever written to {@code topic} since it was created: an end offset (high watermark) above 0
     * on one of its partitions. It never goes back for one topic, whatever its records' deletion or compaction; a
     * topic deleted and created again starts from 0.
     */
    static boolean everWritten(Admin admin, String topic, Duration timeout) throws InterruptedException {
        return !offsetsWritten(admin, List.of(topic), timeout).isEmpty();
    }

    /**
     * Whether {@code topic}, whose offsets say it was written, holds a committed record, or cannot be read to tell
     * (without READ on it, as a guard without the API has on its outputs, its offsets are taken at their word): the
     * records of an aborted transaction take offsets too.
     */
    static boolean committedOrUnreadable(GuardConfig config, String topic, Duration timeout) {
        try {
            return anyCommitted(config, List.of(topic), timeout);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof AuthorizationException) {
                return true;
            }
            throw e;
        }
    }

    /**
     * Whether any of {@code topics} holds a committed record: what a transaction aborted before it committed (a guard
     * stopped before its first commit) does not count, though it takes offsets.
     */
    static boolean anyCommitted(GuardConfig config, List<String> topics, Duration timeout) {
        Properties properties = config.consumerProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic, timeout).forEach(partition -> partitions.add(
                    new TopicPartition(partition.topic(), partition.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout); // the last stable offsets
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                    return true;
                }
                if (partitions.stream().allMatch(partition -> consumer.position(partition, timeout)
                        >= ends.get(partition))) {
                    return false;
                }
            }
            throw new IllegalStateException("reading " + topics + " took longer than " + timeout.toSeconds() + " s");
        } catch (KafkaException e) {
            // the client's (or broker's) words on one line: a check's message keeps only its own line breaks
            throw new IllegalStateException("cannot read " + topics + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\R", "\\\\n"), e);
        }
    }
}
