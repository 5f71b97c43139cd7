package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Restore: an instance stops, its state directory is deleted, and it starts again. The stores
 * come back from their changelogs, and later decisions (and retries of earlier orders) are right.
 * And an instance whose holding-state stores a long broker outage emptied, their changelog offsets
 * kept, has those tasks rebuilt from the changelogs' start.
 */
@Timeout(240)
class RestoreIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldRestoreStoresFromChangelogsAfterStateDirectoryIsLost() throws Exception {
        // given 8 holdings and 400 orders, split in two; the second part starts with a retry of an early order
        Scenario all = Scenario.random(11, 8, 400);
        int split = all.agreementLines() + 200;
        Scenario first = all.head(split);
        String retried = all.lines().get(all.agreementLines() + 5);
        List<String> secondLines = new ArrayList<>();
        secondLines.add(retried.replaceFirst("\"at\":\"[^\"]+\"", "\"at\":\"2004-12-31T00:00:00Z\""));
        secondLines.addAll(all.tail(split).lines());
        Scenario second = Scenario.of(secondLines);
        List<String> everything = new ArrayList<>(first.lines());
        everything.addAll(secondLines);
        Scenario whole = Scenario.of(everything);

        String scope = "restore-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-restore", scope);
            BrokerIO io = new BrokerIO(settings);
            decideThenStop(settings, io, first, 200);
            // when the instance's state directory is lost and it starts again
            try (java.util.stream.Stream<Path> files = Files.walk(stateDir)) {
                assertThat(files.anyMatch(p -> p.toString().contains("holding-state"))).isTrue();
            }
            GuardInstance.deleteRecursively(stateDir);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // then its stores came back from the changelogs
                assertThat(guard.service().restoredRecords()).isPositive();
                // and the rest of the timeline is decided as if nothing had happened
                io.produce(second);
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(401, Duration.ofSeconds(90));
                assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                        .containsExactlyElementsOf(Scenario.sorted(whole.expected()));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /**
     * What a Kafka Streams 4.4.0 defect leaves after a long broker outage (EmptiedStateRepair): a task's holding-state
     * store emptied while its changelog offset, kept inside the store, stays past everything the changelog holds.
     * Restored from there, the task would have no holding: every later order blocked UNKNOWN_AGREEMENT.
     */
    @Test
    void shouldRebuildATaskWhoseHoldingStateIsEmptyBehindAChangelogOffset() throws Exception {
        // given 8 holdings and 200 decided orders
        Scenario all = Scenario.random(12, 8, 400);
        int split = all.agreementLines() + 200;
        Scenario first = all.head(split);
        Scenario second = all.tail(split);

        String scope = "emptied-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-emptied", scope);
            BrokerIO io = new BrokerIO(settings);
            decideThenStop(settings, io, first, 200);
            // when every holding-state store is emptied on disk, its changelog offset kept
            List<Path> emptied = emptyHoldingStatesKeepingOffsets(stateDir.resolve("guard-emptied"));
            assertThat(emptied).as("holding-state stores that held holdings").isNotEmpty();
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // then each such task is rebuilt from its changelogs' start, at its first punctuation
                await().atMost(Duration.ofSeconds(60)).untilAsserted(
                        () -> assertThat(guard.service().rebuiltTasks()).isEqualTo(emptied.size()));
                // and the rest of the timeline is decided as if nothing had happened
                io.produce(second);
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(400, Duration.ofSeconds(90));
                assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                        .containsExactlyElementsOf(Scenario.sorted(all.expected()));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Runs a guard on {@code stateDir} until it has decided {@code orders} orders of {@code scenario}; stops it. */
    private void decideThenStop(Map<String, String> settings, BrokerIO io, Scenario scenario, int orders)
            throws Exception {
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            io.produce(scenario);
            assertThat(io.awaitDecisions(orders, Duration.ofSeconds(60))).hasSize(orders);
        }
    }

    /** Deletes every key of each task's holding-state RocksDB store under {@code appDir}, keeping its offsets. */
    private static List<Path> emptyHoldingStatesKeepingOffsets(Path appDir) throws Exception {
        RocksDB.loadLibrary();
        List<Path> emptied = new ArrayList<>();
        List<Path> stores;
        try (java.util.stream.Stream<Path> files = Files.list(appDir)) {
            stores = files.map(task -> task.resolve("rocksdb").resolve("holding-state")).filter(Files::isDirectory)
                    .sorted().toList();
        }
        for (Path store : stores) {
            List<byte[]> families;
            try (Options options = new Options()) {
                families = RocksDB.listColumnFamilies(options, store.toString());
            }
            List<ColumnFamilyDescriptor> descriptors = families.stream().map(ColumnFamilyDescriptor::new).toList();
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions options = new DBOptions(); RocksDB db = RocksDB.open(options, store.toString(), descriptors,
                    handles)) {
                ColumnFamilyHandle data = handles.get(0);
                assertThat(new String(data.getName(), StandardCharsets.UTF_8)).isEqualTo("default");
                int deleted = 0;
                try (RocksIterator keys = db.newIterator(data)) {
                    for (keys.seekToFirst(); keys.isValid(); keys.next()) {
                        db.delete(data, keys.key());
                        deleted++;
                    }
                }
                db.flushWal(true);
                if (deleted > 0) {
                    emptied.add(store);
                }
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
        return emptied;
    }
}
