package com.lockupguard.tools.timeline;

import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one of the guard's output topics from the beginning, {@code read_committed}, with the topic's serdes:
 * only records of committed transactions, each partition in offset order. No consumer group.
 */
public final class CommittedReader<V> implements AutoCloseable {

    /** A record as read, with where it was read from. */
    public record Read<V>(int partition, long offset, String key, long timestamp, V value) {
    }

    private final KafkaConsumer<String, V> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    public CommittedReader(Properties clientProperties, GuardTopics.Topic<String, V> topic) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        consumer = new KafkaConsumer<>(properties, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        for (PartitionInfo info : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic.name(), info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until {@code count} records have been read by this call or {@code timeout} passes. */
    public List<Read<V>> readUntil(long count, Duration timeout) {
        List<Read<V>> read = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
            poll(read);
        }
        return read;
    }

    /**
     * Reads up to the last stable offset of every partition as it is now (or until {@code timeout} passes): once
     * no transaction is open, every committed record.
     */
    public List<Read<V>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        List<Read<V>> read = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !reached(ends)) {
            poll(read);
        }
        return read;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, Duration.ofSeconds(30)) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    private void poll(List<Read<V>> into) {
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
            into.add(new Read<>(record.partition(), record.offset(), record.key(), record.timestamp(),
                    record.value()));
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
