package com.lockupguard.tools.timeline;

import com.lockupguard.avro.Decision;
import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the approved and blocked topics from the beginning, {@code read_committed}: only
 * decisions of committed transactions, never one of an aborted attempt. No consumer group.
 */
public final class DecisionReader implements AutoCloseable {

    /** A decision as read, with where it was read from. */
    public record DecisionRecord(String topic, int partition, long offset, String key, long timestamp,
            Decision decision) {
    }

    private final KafkaConsumer<String, Decision> consumer;

    public DecisionReader(Properties clientProperties, GuardTopics topics) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        consumer = new KafkaConsumer<>(properties, topics.approved().keySerde().deserializer(),
                topics.approved().valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.approved().name(), topics.blocked().name())) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The decisions committed since the last poll, in record-timestamp order. */
    public List<DecisionRecord> poll(Duration timeout) {
        List<DecisionRecord> decisions = new ArrayList<>();
        for (ConsumerRecord<String, Decision> record : consumer.poll(timeout)) {
            decisions.add(new DecisionRecord(record.topic(), record.partition(), record.offset(), record.key(),
                    record.timestamp(), record.value()));
        }
        decisions.sort(Comparator.comparingLong(DecisionRecord::timestamp));
        return decisions;
    }

    /** Reads until {@code count} decisions have been read or {@code timeout} passes; each is also handed on. */
    public List<DecisionRecord> readUntil(int count, Duration timeout, Consumer<DecisionRecord> onEach) {
        List<DecisionRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            for (DecisionRecord record : poll(Duration.ofMillis(100))) {
                all.add(record);
                onEach.accept(record);
            }
        }
        return all;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
