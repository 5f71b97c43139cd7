package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

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

    /** Whether {@code key} belongs on {@code partition}; true while the count is unknown. */
    public boolean isOwnPartition(String key, int partition) {
        int partitions = count;
        return partitions == 0 || partition < 0 || expectedPartition(key, partitions) == partition;
    }

    /** The partition of {@code key} among {@code partitions}, as Kafka's producer chooses it. */
    public static int expectedPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
