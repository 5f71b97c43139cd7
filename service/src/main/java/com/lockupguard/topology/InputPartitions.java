package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The partition count of the guard's inputs, once the service has checked them at start, and the
 * partition Kafka's default partitioner puts a key on (murmur2 of the key's UTF-8 bytes). Unknown
 * (0) until set, and in the replay: nothing is checked then.
 */
public final class InputPartitions {

    private volatile int count;

    /** Partitions not known: no record's partition is checked. */
    public static InputPartitions unchecked() {
        return new InputPartitions();
    }

    public void set(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        this.count = partitions;
    }

    /** The inputs' partition count, 0 while it is not known. */
    public int count() {
        return count;
    }

    /** Whether {@code key} belongs on {@code partition}; true while the count is unknown. */
    private boolean isOwnPartition(String key, int partition) {
        int partitions = count;
        return partitions == 0 || partition < 0 || expectedPartition(key, partitions) == partition;
    }

    /**
     * Why {@code what} (an order, a report, an agreement) keyed {@code key}, the record {@code context} is processing,
     * must not be taken on the partition it was read from, or null when it may. A producer that does not partition by
     * murmur2 puts a holding's records on another partition than its key's: taken there, they would meet another
     * task's state (no agreement, or a second copy of the holding whose sales the first never counts), and the API,
     * which asks the key's partition's task, would not see them.
     */
    String misplaced(String what, String key, ProcessingContext context) {
        if (count == 0) {
            return null; // the replay, or before the service has checked its inputs
        }
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        if (isOwnPartition(key, partition)) {
            return null;
        }
        return what + " for '" + key + "' is on partition " + partition + ", not the one Kafka's default (murmur2) "
                + "partitioner gives its key: its producer must partition by key as the guard's inputs are";
    }

    /** The partition of {@code key} among {@code partitions}, as Kafka's producer chooses it. */
    public static int expectedPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
