package com.lockupguard.timeline;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.ExecutionMapper;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.serde.Utf8KeyDeserializer;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.RegistryOutage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a guard has been given, read back from its topics as a replay timeline: every agreement version it took, from
 * {@code agreement-audit} (the compacted agreements topic keeps only each holding's latest), and every order and
 * execution report on the orders topic; {@code read_committed}, up to the ends the topics have when the reading
 * starts, without a consumer group.
 *
 * <p>The lines come in the order the guard takes its records: each partition's in offset order, and among the
 * partitions the record with the earliest time first — an agreement version at the time of its own record — as
 * Kafka Streams picks the next record of a task; at the same time, an agreement before an order. A version the
 * guard rejected is left out, since it changed nothing. A record the guard dead-letters before it decides or applies
 * it (one it cannot read, a tombstone, a key that is not its holding, a partition that is not its key's) is left out
 * and said. Only a few thousand records of each partition are held at a time.
 */
public final class RecordedInputs {

    /** What becomes of each record read. */
    public interface Sink {
        /** A timeline line, in order. */
        void line(String line) throws IOException;

        /** A record left out: where it is ({@code topic-partition@offset}) and why. */
        void skipped(String where, String why);
    }

    /**
     * How many lines of each type were written; how many agreement versions the guard rejected (left out: they
     * changed nothing); how many records were left out and said.
     */
    public record Counts(long agreements, long rejectedAgreements, long orders, long executions, long skipped) {
    }

    private static final int HELD = 5_000;
    private static final int AGREEMENTS = 0;
    private static final int REJECTED = 1;
    private static final int ORDERS = 2;
    private static final int EXECUTIONS = 3;
    private static final int SKIPPED = 4;
    private static final Duration POLL = Duration.ofMillis(200);

    /** A record read and decoded, with its place in the order the lines are written. */
    private record Read(int topicRank, int partition, long offset, long timestamp, String line) {
    }

    private static final Comparator<Read> EARLIEST_FIRST = Comparator.comparingLong(Read::timestamp)
            .thenComparingInt(Read::topicRank).thenComparingInt(Read::partition).thenComparingLong(Read::offset);

    private final GuardConfig config;
    private final Duration timeout;

    public RecordedInputs(GuardConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** Reads the topics to their ends as they are now and hands each line, or each record left out, to {@code sink}. */
    public Counts read(Sink sink) throws IOException {
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        String audit = topics.names().agreementAudit();
        String orders = topics.names().orders();
        Properties properties = config.consumerProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        long[] counts = new long[5];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, ArrayDeque<Read>> held = new HashMap<>();
            for (String topic : List.of(audit, orders)) {
                var infos = consumer.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                infos.forEach(info -> held.put(new TopicPartition(topic, info.partition()), new ArrayDeque<>()));
            }
            List<TopicPartition> partitions = new ArrayList<>(held.keySet());
            int ordersPartitions = (int) partitions.stream().filter(p -> p.topic().equals(orders)).count();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout); // the last stable offsets
            var auditValues = topics.agreementAudit().valueSerde().deserializer();
            var orderValues = topics.orders().valueSerde().deserializer();
            Deserializer<String> keys = new Utf8KeyDeserializer(); // as the guard reads its inputs' keys
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(partition)) {
                        continue; // written after the reading started
                    }
                    Read read;
                    if (record.topic().equals(audit)) {
                        read = auditLine(record, auditValues.deserialize(record.topic(), record.value()), sink,
                                counts);
                    } else {
                        SpecificRecord value = decode(orderValues, record, sink, counts);
                        String key = value == null ? null : key(keys, record, sink, counts);
                        read = key == null ? null : orderLine(record, key, value, ordersPartitions, sink, counts);
                    }
                    if (read != null) {
                        held.get(partition).add(read);
                    }
                }
                for (TopicPartition partition : partitions) {
                    if (held.get(partition).size() >= HELD) {
                        consumer.pause(List.of(partition));
                    } else {
                        consumer.resume(List.of(partition));
                    }
                }
                // the earliest head, while every partition not read to its end has one
                while (true) {
                    Read earliest = null;
                    TopicPartition from = null;
                    boolean waiting = false;
                    for (TopicPartition partition : partitions) {
                        Read head = held.get(partition).peek();
                        if (head == null) {
                            waiting |= consumer.position(partition, timeout) < ends.get(partition);
                        } else if (earliest == null || EARLIEST_FIRST.compare(head, earliest) < 0) {
                            earliest = head;
                            from = partition;
                        }
                    }
                    if (waiting) {
                        break;
                    }
                    if (earliest == null) {
                        return new Counts(counts[AGREEMENTS], counts[REJECTED], counts[ORDERS], counts[EXECUTIONS],
                                counts[SKIPPED]);
                    }
                    held.get(from).poll();
                    sink.line(earliest.line());
                }
            }
        } catch (SerializationException e) {
            // an audit record the guard wrote itself that cannot be read is the registry's trouble, not a record's
            throw new IllegalStateException("cannot read " + audit + ": " + e.getMessage(), e);
        }
    }

    private static Read auditLine(ConsumerRecord<byte[], byte[]> record, AgreementAudit audited, Sink sink,
            long[] counts) {
        if (audited != null && audited.getOutcome() == AgreementOutcome.REJECTED) {
            counts[REJECTED]++; // the guard kept the version in force: the replay need not be told of it
            return null;
        }
        Agreement agreement = audited == null ? null : audited.getAgreement();
        if (agreement == null) {
            counts[SKIPPED]++;
            sink.skipped(where(record), "an audit record without the agreement version it applied");
            return null;
        }
        counts[AGREEMENTS]++;
        Instant at = audited.getRecordTimestamp();
        int partition = audited.getSourcePartition() == null ? record.partition() : audited.getSourcePartition();
        long offset = audited.getSourceOffset() == null ? record.offset() : audited.getSourceOffset();
        return new Read(0, partition, offset, at.toEpochMilli(), TimelineLines.agreement(agreement, at));
    }

    private static SpecificRecord decode(Deserializer<SpecificRecord> values,
            ConsumerRecord<byte[], byte[]> record, Sink sink, long[] counts) {
        if (record.value() == null) {
            counts[SKIPPED]++;
            sink.skipped(where(record), "a tombstone (the guard dead-letters it TOMBSTONE)");
            return null;
        }
        try {
            return values.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            if (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent()) {
                throw e;
            }
            counts[SKIPPED]++;
            sink.skipped(where(record), "cannot be read (the guard dead-letters it UNDECODABLE): " + e.getMessage());
            return null;
        }
    }

    private static String key(Deserializer<String> keys, ConsumerRecord<byte[], byte[]> record, Sink sink,
            long[] counts) {
        try {
            return keys.deserialize(record.topic(), record.key());
        } catch (SerializationException e) {
            counts[SKIPPED]++;
            sink.skipped(where(record), "its key cannot be read (the guard dead-letters it UNDECODABLE): "
                    + e.getMessage());
            return null;
        }
    }

    private static Read orderLine(ConsumerRecord<byte[], byte[]> record, String key, SpecificRecord value,
            int partitions, Sink sink, long[] counts) {
        if (value == null) {
            return null;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        HoldingKey holding;
        String line;
        if (value instanceof ProposedOrder order) {
            holding = OrderMapper.toRequest(order).holdingOrNull();
            line = TimelineLines.order(order, at);
        } else {
            ExecutionReport report = (ExecutionReport) value;
            holding = ExecutionMapper.toRequest(report).holdingOrNull();
            line = TimelineLines.execution(report, at);
        }
        String misplaced = misplaced(record, key, holding, partitions);
        if (misplaced != null) {
            counts[SKIPPED]++;
            sink.skipped(where(record), misplaced);
            return null;
        }
        counts[value instanceof ProposedOrder ? ORDERS : EXECUTIONS]++;
        return new Read(1, record.partition(), record.offset(), record.timestamp(), line);
    }

    /** Why the guard dead-letters a record of {@code holding} before deciding it, as its processors check; or null. */
    private static String misplaced(ConsumerRecord<?, ?> record, String key, HoldingKey holding, int partitions) {
        if (holding == null) {
            return null; // answered invalid, wherever it is
        }
        if (!holding.isKey(key)) {
            return "its key '" + key + "' is not its holding '" + holding.asString() + "' (the guard dead-letters it "
                    + "KEY_MISMATCH)";
        }
        int expected = InputPartitions.expectedPartition(key, partitions);
        if (expected != record.partition()) {
            return String.format(Locale.ROOT, "its key belongs on partition %d, not %d (the guard dead-letters it "
                    + "WRONG_PARTITION)", expected, record.partition());
        }
        return null;
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
