package com.lockupguard.tools.timeline;

import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * Reads some of the guard's output topics from the beginning, {@code read_committed}, with their
 * serdes: only records of committed transactions, each partition in offset order. No consumer group.
 */
public final class CommittedReader<V> implements AutoCloseable {

    /** A record as read, with where it was read from. */
    public record Read<V>(String topic, int partition, long offset, String key, long timestamp, V value,
            Headers headers) {
    }

    private final KafkaConsumer<String, V> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    /** A reader of {@code topics}, which share their value type (the first one's serde reads them all). */
    @SafeVarargs
    public CommittedReader(Properties clientProperties, GuardTopics.Topic<String, V>... topics) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        consumer = new KafkaConsumer<>(properties, topics[0].keySerde().deserializer(),
                topics[0].valueSerde().deserializer());
        for (GuardTopics.Topic<String, V> topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic.name(), info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The records committed since the last poll, each partition's in offset order. */
    public List<Read<V>> poll(Duration timeout) {
        List<Read<V>> records = new ArrayList<>();
        for (ConsumerRecord<String, V> record : consumer.poll(timeout)) {
            records.add(new Read<>(record.topic(), record.partition(), record.offset(), record.key(),
                    record.timestamp(), record.value(), record.headers()));
        }
        return records;
    }

    /** Reads until {@code count} records have been read by this call or {@code timeout} passes. */
    public List<Read<V>> readUntil(long count, Duration timeout) {
        return readUntil(count, timeout, read -> { });
    }

    /** As {@link #readUntil(long, Duration)}, handing each record on as it is read. */
    public List<Read<V>> readUntil(long count, Duration timeout, Consumer<Read<V>> onEach) {
        List<Read<V>> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            for (Read<V> record : poll(Duration.ofMillis(100))) {
                all.add(record);
                onEach.accept(record);
            }
        }
        return all;
    }

    /**
     * Reads up to the last stable offset of every partition as it is now (or until {@code timeout} passes): once
     * no transaction is open, every committed record.
     */
    public List<Read<V>> readToEnd(Duration timeout) {
        return readTo(consumer.endOffsets(partitions, Duration.ofSeconds(30)), timeout);
    }

    /**
     * Reads until every partition's position reaches its offset in {@code ends} (or {@code timeout} passes): read
     * committed, a position passes an offset only once no transaction open below it is.
     */
    public List<Read<V>> readTo(Map<TopicPartition, Long> ends, Duration timeout) {
        List<Read<V>> read = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !reached(ends)) {
            read.addAll(poll(Duration.ofMillis(100)));
        }
        return read;
    }

    /** The partitions read, of every topic. */
    public List<TopicPartition> partitions() {
        return List.copyOf(partitions);
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, Duration.ofSeconds(30)) < ends.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
