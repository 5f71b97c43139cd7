package com.lockupguard.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A consumer of the feed's topics with no broker behind it: records are appended with {@link #append}, and
 * reach the feed at its next poll, on its own thread.
 */
class MockFeedConsumer extends MockConsumer<String, Object> {

    static final String APPROVED = "orders-approved";
    static final String BLOCKED = "orders-blocked";
    static final String ALERTS = "compliance-alerts";
    static final List<String> TOPICS = List.of(APPROVED, BLOCKED, "holding-positions", "execution-results", ALERTS);

    private final Map<TopicPartition, Long> ends = new HashMap<>();

    /** Each topic with {@code partitions} partitions, and {@code backlog} records already on them. */
    MockFeedConsumer(int partitions, List<ConsumerRecord<String, Object>> backlog) {
        super("earliest");
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                infos.add(new PartitionInfo(topic, p, Node.noNode(), new Node[0], new Node[0]));
                beginnings.put(new TopicPartition(topic, p), 0L);
                ends.put(new TopicPartition(topic, p), 0L);
            }
            updatePartitions(topic, infos);
        }
        updateBeginningOffsets(beginnings);
        for (ConsumerRecord<String, Object> record : backlog) {
            ends.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        updateEndOffsets(ends);
        // the backlog is there when the feed first polls, after it assigned and sought
        schedulePollTask(() -> backlog.forEach(this::addRecord));
    }

    /** As a broker's would, waits a little for records when there are none, so that the feed does not spin. */
    @Override
    public ConsumerRecords<String, Object> poll(Duration timeout) {
        ConsumerRecords<String, Object> records = super.poll(timeout);
        if (records.isEmpty()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }

    /** Adds a partition to {@code topic}, empty, as an operator's {@code kafka-topics --alter} does; its number. */
    synchronized int addPartition(String topic) {
        List<PartitionInfo> infos = new ArrayList<>(partitionsFor(topic));
        int partition = infos.size();
        infos.add(new PartitionInfo(topic, partition, Node.noNode(), new Node[0], new Node[0]));
        updatePartitions(topic, infos);
        TopicPartition added = new TopicPartition(topic, partition);
        updateBeginningOffsets(Map.of(added, 0L));
        ends.put(added, 0L);
        updateEndOffsets(Map.of(added, 0L));
        return partition;
    }

    /** Appends {@code value} to a partition: it is read at the feed's next poll. */
    synchronized void append(String topic, int partition, String key, Object value, Headers headers) {
        schedulePollTask(() -> addRecord(record(topic, partition, next(topic, partition), key, value, headers)));
    }

    /**
     * Appends a record that cannot be decoded: the feed's next poll fails on it, as a Kafka consumer's does, with
     * {@code cause}; and again at every poll from its offset.
     */
    synchronized void appendUndecodable(String topic, int partition, RuntimeException cause) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long offset = next(topic, partition);
        schedulePollTask(() -> failAt(tp, offset, cause));
    }

    private synchronized void failAt(TopicPartition tp, long offset, RuntimeException cause) {
        if (position(tp) == offset) {
            setPollException(new RecordDeserializationException(RecordDeserializationException
                    .DeserializationExceptionOrigin.VALUE, tp, offset, 0L, TimestampType.CREATE_TIME, null, null,
                    new RecordHeaders(), "cannot decode the record at " + tp + "@" + offset, cause));
            schedulePollTask(() -> failAt(tp, offset, cause));
        }
    }

    private synchronized long next(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long offset = ends.merge(tp, 1L, Long::sum) - 1;
        updateEndOffsets(Map.of(tp, offset + 1));
        return offset;
    }

    static ConsumerRecord<String, Object> record(String topic, int partition, long offset, String key, Object value,
            Headers headers) {
        return new ConsumerRecord<>(topic, partition, offset, 0L, TimestampType.CREATE_TIME, -1, -1, key, value,
                headers == null ? new RecordHeaders() : headers, Optional.empty());
    }
}
