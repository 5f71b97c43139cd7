package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stores are persistent: a guard whose stores were closed (flushed to disk) and whose task
 * was never cleaned up starts again on the same state directory and decides as if it had never
 * stopped. TopologyTestDriver#close() deletes the task directories, so the first driver is
 * abandoned with only its stores closed. This is a restart from the local files, not a kill: a
 * killed process loses what RocksDB had not flushed (Kafka Streams writes no RocksDB log), and
 * under exactly-once its state is restored from the changelogs instead; that is what
 * ExactlyOnceUnderFailureIT, RunShutdownIT and the soak's SIGKILLs exercise, on a broker.
 */
class StateRestartTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldDecideFromPersistedStateAfterRestartOnSameStateDirectory() throws Exception {
        // given a guard that approved e2 and blocked e4, then stopped without cleaning up
        TopologyFixture first = new TopologyFixture(stateDir);
        first.agreement(letter().setEffectiveAt(at("2003-07-10T16:30:00-04:00")).build(), "2003-07-10T16:30:00-04:00");
        first.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        Decision blockedBefore = first.decide(order("e4", OrderKind.PUBLIC_SALE, 90_000), "2003-07-20T11:00:00-04:00");
        crash(first.driver);
        assertThat(rocksDbFiles()).as("the stores' files are still on disk").isNotEmpty();

        // when a new guard starts on the same state directory
        TopologyFixture second = new TopologyFixture(stateDir, first.registryScope);
        try {
            // then it remembers the sale, the agreement and the decided ids
            Decision retry = second.decide(order("e4", OrderKind.PUBLIC_SALE, 90_000), "2003-07-20T11:00:05-04:00");
            assertThat(retry).isEqualTo(TopologyFixture.repeated(blockedBefore));
            Decision e5 = second.decide(order("e5", OrderKind.PUBLIC_SALE, 238_559), "2003-08-11T10:00:00-04:00");
            assertThat(e5.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(e5.getPosition().getReservedNow()).isEqualTo(358_559);
            Decision e6 = second.decide(order("e6", OrderKind.PUBLIC_SALE, 1), "2003-08-11T10:01:00-04:00");
            assertThat(e6.getReasons()).containsExactly(Reason.PERIOD_CAP);
        } finally {
            second.close();
        }
    }

    /** The stores closed, their RocksDB files on disk; the task and its directory left as they are. */
    private static void crash(TopologyTestDriver driver) {
        driver.getAllStateStores().values().forEach(store -> store.close());
    }

    private Stream<Path> rocksDbFiles() throws Exception {
        return Files.walk(stateDir).filter(p -> p.getFileName().toString().endsWith(".sst")
                || p.getFileName().toString().startsWith("MANIFEST")).toList().stream();
    }
}
