package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.state.RocksDBMemory;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;

/**
 * The native memory of a real guard's RocksDB stores: by default one cache every store of every task shares, of
 * rocksdb.memory.bytes, with a user's own rocksdb.config.setter still run on each; with -1, Kafka Streams' own cache
 * per store. Read from Kafka Streams' own metrics of each store.
 */
@Timeout(240)
class RocksDBMemoryIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path stateDir;

    /** The stores the guard keeps in RocksDB: the positions outbox is a record cache with no store behind it. */
    private static final Set<String> ROCKSDB_STORES = Set.of("holding-state", "seen-orders", "reservations",
            "seen-executions", "release-schedule");

    /** A user's own setter: how many times it ran on each store's name. */
    public static final class CountingSetter implements RocksDBConfigSetter {
        static final Map<String, Long> SEEN = new ConcurrentHashMap<>();

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            SEEN.merge(storeName, 1L, Long::sum);
        }

        @Override
        public void close(String storeName, Options options) {
        }
    }

    @Test
    void shouldShareOneBoundedCacheBetweenEveryStoreOfEveryTaskAndStillRunTheUsersSetter() throws Exception {
        String scope = "rocksdb-memory-" + UUID.randomUUID();
        CountingSetter.SEEN.clear();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard bounded to 32 MiB, with a rocksdb.config.setter of the user's own
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-rocksdb-memory", scope);
            settings.put(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG, Long.toString(32 * MIB));
            settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CountingSetter.class.getName());
            RocksDBMemory memory;
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // when it decides orders on its 4 partitions
                BrokerIO io = new BrokerIO(settings);
                io.produce(Scenario.random(37, 8, 40));
                assertThat(io.awaitDecisions(40, Duration.ofSeconds(60))).hasSize(40);

                // then every RocksDB store of every task reads through one cache of 32 MiB
                Map<String, Double> capacities = blockCacheCapacities(guard);
                assertThat(capacities).hasSize(4 * 5).allSatisfy((store, capacity) ->
                        assertThat(capacity).as(store).isEqualTo(32.0 * MIB));
                assertThat(capacities.keySet().stream().map(store -> store.substring(store.indexOf(' ') + 1)))
                        .containsOnlyElementsOf(ROCKSDB_STORES);
                // whose use the guard exports: memtables and blocks, within the bound
                memory = guard.service().rocksDBMemory().orElseThrow();
                assertThat(memory.limit()).isEqualTo(32 * MIB);
                assertThat(memory.used()).isPositive().isLessThanOrEqualTo(32 * MIB);
                // and the user's own setter ran on each of those stores, once per task
                assertThat(CountingSetter.SEEN).containsOnlyKeys(ROCKSDB_STORES).allSatisfy((store, times) ->
                        assertThat(times).as(store).isEqualTo(4));
            }
            // and once the guard closed, so did its memory
            assertThat(memory.used()).isZero();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldLeaveEachStoreKafkaStreamsOwnCacheWhenTheBoundIsOff() throws Exception {
        String scope = "rocksdb-unbounded-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard with rocksdb.memory.bytes=-1
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-rocksdb-unbounded", scope);
            settings.put(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG, "-1");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // when it decides orders
                BrokerIO io = new BrokerIO(settings);
                io.produce(Scenario.random(41, 8, 20));
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);

                // then each store has Kafka Streams' own 50 MiB cache, and the guard no bound to export
                assertThat(blockCacheCapacities(guard)).hasSize(4 * 5).allSatisfy((store, capacity) ->
                        assertThat(capacity).as(store).isEqualTo(50.0 * MIB));
                assertThat(guard.service().rocksDBMemory()).isEmpty();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Kafka Streams' block-cache-capacity of each RocksDB store, by "task store". */
    private static Map<String, Double> blockCacheCapacities(GuardInstance guard) {
        Map<String, Double> capacities = new TreeMap<>();
        Map<MetricName, ? extends Metric> metrics = guard.service().streams().metrics();
        metrics.forEach((name, metric) -> {
            String store = name.tags().get("rocksdb-state-id");
            if ("block-cache-capacity".equals(name.name()) && store != null) {
                capacities.put(name.tags().get("task-id") + " " + store,
                        ((Number) metric.metricValue()).doubleValue());
            }
        });
        return capacities;
    }
}
