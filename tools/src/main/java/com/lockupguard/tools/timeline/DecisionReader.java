package com.lockupguard.tools.timeline;

import com.lockupguard.avro.Decision;
import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the approved and blocked topics from the beginning, {@code read_committed}: only
 * decisions of committed transactions, never one of an aborted attempt. No consumer group.
 */
public final class DecisionReader implements AutoCloseable {

    /** A decision as read, with where it was read from. */
    public record DecisionRecord(String topic, int partition, long offset, String key, long timestamp,
            Decision decision) {

        static DecisionRecord of(CommittedReader.Read<Decision> read) {
            return new DecisionRecord(read.topic(), read.partition(), read.offset(), read.key(), read.timestamp(),
                    read.value());
        }
    }

    private final CommittedReader<Decision> reader;

    public DecisionReader(Properties clientProperties, GuardTopics topics) {
        reader = new CommittedReader<>(clientProperties, topics.approved(), topics.blocked());
    }

    /** The decisions committed since the last poll, in record-timestamp order. */
    public List<DecisionRecord> poll(Duration timeout) {
        return reader.poll(timeout).stream().map(DecisionRecord::of)
                .sorted(Comparator.comparingLong(DecisionRecord::timestamp)).toList();
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

    /** Reads until each partition's position reaches its offset in {@code ends}, or {@code timeout} passes. */
    public List<DecisionRecord> readTo(Map<TopicPartition, Long> ends, Duration timeout) {
        return reader.readTo(ends, timeout).stream().map(DecisionRecord::of).toList();
    }

    /** The partitions of the approved and blocked topics. */
    public List<TopicPartition> partitions() {
        return reader.partitions();
    }

    @Override
    public void close() {
        reader.close();
    }
}
