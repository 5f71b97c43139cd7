package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class InputPartitionsTest {

    @Test
    void shouldExpectEachKeyOnThePartitionKafkasProducerPutsItOn() {
        // given holding keys of every shape a desk may send, and partition counts a deployment may have
        List<String> keys = List.of("dutchess/CBYI", "a/b", "investor-0042/US0378331005", "Müller/ÄÖÜ", "投资者/证券",
                "x".repeat(300) + "/" + "y".repeat(300));
        for (String key : keys) {
            for (int partitions = 1; partitions <= 64; partitions++) {
                // when the guard works out where the key belongs
                int expected = InputPartitions.expectedPartition(key, partitions);
                // then it is where the producer's default partitioner put it, or every report of the key is refused
                assertThat(expected).as("%s on %s partitions", key, partitions)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
