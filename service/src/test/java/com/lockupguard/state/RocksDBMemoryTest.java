package com.lockupguard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class RocksDBMemoryTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A user's own setter, as rocksdb.config.setter names one: what it saw, in order. */
    public static final class RecordingSetter implements RocksDBConfigSetter {
        static final List<String> CALLS = new ArrayList<>();

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            BlockBasedTableConfigWithAccessibleCache table =
                    (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
            CALLS.add("set " + storeName + " cacheIndexAndFilterBlocks=" + table.cacheIndexAndFilterBlocks());
            options.setMaxWriteBufferNumber(5);
        }

        @Override
        public void close(String storeName, Options options) {
            CALLS.add("close " + storeName);
        }
    }

    @Test
    void shouldGiveEveryStoreOneSharedCacheWithItsIndexAndFilterBlocksInIt() throws RocksDBException {
        // given a guard's memory in its Kafka Streams settings
        RocksDBMemory memory = track(RocksDBMemory.of(64 * MIB, 0.5));
        Map<String, Object> configs = configs(memory, null);

        // when two stores open with Kafka Streams' table configuration
        Options first = storeOptions();
        Options second = storeOptions();
        new RocksDBMemoryConfigSetter().setConfig("holding-state", first, configs);
        new RocksDBMemoryConfigSetter().setConfig("seen-orders", second, configs);
        RocksDB firstStore = track(RocksDB.open(first, dir.resolve("holding-state").toString()));
        RocksDB secondStore = track(RocksDB.open(second, dir.resolve("seen-orders").toString()));

        // then both read through the same cache of the bound (Kafka Streams' metrics read it from the table
        // configuration; RocksDB itself from what was given it), which holds their index and filter blocks too
        BlockBasedTableConfigWithAccessibleCache firstTable = table(first);
        assertThat(firstTable.blockCache()).isNotNull().isSameAs(table(second).blockCache());
        assertThat(firstStore.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(64 * MIB);
        assertThat(secondStore.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(64 * MIB);
        assertThat(firstTable.cacheIndexAndFilterBlocks()).isTrue();
        assertThat(firstTable.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
        assertThat(firstTable.pinTopLevelIndexAndFilter()).isTrue();
    }

    @Test
    void shouldFlushTheMemtablesOfStoresWrittenToWhenTheyFillTheirShareOfTheBound() throws RocksDBException {
        // given two stores opened with a 16 MiB bound, half of it for memtables, each of whose own write buffer
        // (RocksDB's default, 64 MiB) holds more than is written to it: only the bound can flush them
        RocksDBMemory memory = track(RocksDBMemory.of(16 * MIB, 0.5));
        Map<String, Object> configs = configs(memory, null);
        List<RocksDB> stores = new ArrayList<>();
        for (String name : List.of("holding-state", "seen-orders")) {
            Options options = storeOptions();
            new RocksDBMemoryConfigSetter().setConfig(name, options, configs);
            stores.add(track(RocksDB.open(options, dir.resolve(name).toString())));
        }

        // when 32 MiB are written into each
        byte[] value = new byte[4096];
        for (int i = 0; i < 8192; i++) {
            for (RocksDB store : stores) {
                store.put(("key-" + i).getBytes(), value);
            }
        }

        // then, once the flushes asked for are done, much of it has left memory for disk: the share is soft (a store
        // whose flush is pending is not asked again, and writes are not stalled), so not all, and more is left the
        // slower the flushes are (35 of the 64 MiB once, under load); without the bound all of it would be
        awaitFlushes(stores);
        long memtables = 0;
        for (RocksDB store : stores) {
            memtables += store.getLongProperty("rocksdb.cur-size-all-mem-tables");
            assertThat(store.getLongProperty("rocksdb.total-sst-files-size")).isPositive();
        }
        assertThat(memtables).isLessThan(48 * MIB);
        // and what they hold is counted in the one figure the guard exports
        assertThat(memory.used()).isPositive();
        assertThat(memory.writeBufferLimit()).isEqualTo(8 * MIB);
    }

    @Test
    void shouldNotFlushAStoreAtEveryWriteWhenManyStoresHoldAFewRecords() throws RocksDBException {
        // given 40 stores opened as Kafka Streams opens them (16 MiB write buffers) with a 16 MiB bound: a share of
        // 8 MiB, flushed from 7 MiB, which RocksDB's own 1 MiB memtable blocks would fill with 7 stores written to
        RocksDBMemory memory = track(RocksDBMemory.of(16 * MIB, 0.5));
        Map<String, Object> configs = configs(memory, null);
        List<RocksDB> stores = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Options options = storeOptions().setWriteBufferSize(16 * MIB).setMaxWriteBufferNumber(3);
            new RocksDBMemoryConfigSetter().setConfig("store-" + i, options, configs);
            assertThat(options.arenaBlockSize()).isEqualTo(RocksDBMemory.MEMTABLE_BLOCK_BYTES);
            stores.add(track(RocksDB.open(options, dir.resolve("store-" + i).toString())));
        }

        // when each is given 50 records of 300 bytes
        byte[] value = new byte[300];
        for (int i = 0; i < 50; i++) {
            for (RocksDB store : stores) {
                store.put(("key-" + i).getBytes(), value);
            }
        }

        // then none was flushed: 40 blocks of 128 KiB fit the share
        awaitFlushes(stores);
        for (RocksDB store : stores) {
            assertThat(store.getLongProperty("rocksdb.total-sst-files-size")).isZero();
        }
        assertThat(memory.storesThatFit()).isEqualTo(56);
        assertThat(track(RocksDBMemory.of(256 * MIB, 0.5)).storesThatFit()).isEqualTo(896);
    }

    @Test
    void shouldRunTheUsersOwnConfigSetterAfterTheBoundAndCloseIt() {
        // given a guard's memory, and the user's own rocksdb.config.setter
        RocksDBMemory memory = track(RocksDBMemory.of(64 * MIB, 0.5));
        Map<String, Object> configs = configs(memory, RecordingSetter.class);
        RecordingSetter.CALLS.clear();
        Options options = storeOptions();
        RocksDBMemoryConfigSetter setter = new RocksDBMemoryConfigSetter();

        // when a store opens and closes
        setter.setConfig("reservations", options, configs);
        setter.close("reservations", options);

        // then the user's setter saw the options once bounded, changed them, and closed its own objects
        assertThat(RecordingSetter.CALLS).containsExactly("set reservations cacheIndexAndFilterBlocks=true",
                "close reservations");
        assertThat(options.maxWriteBufferNumber()).isEqualTo(5);
    }

    @Test
    void shouldKeepTheUsersConfigSetterInTheStreamsSettings() {
        // given Kafka Streams' settings with the user's own setter
        Properties settings = new Properties();
        settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RecordingSetter.class.getName());
        RocksDBMemory memory = track(RocksDBMemory.of(64 * MIB, 0.5));

        // when the memory is put into them
        memory.applyTo(settings, RecordingSetter.class);

        // then Kafka Streams runs the guard's setter, which finds the memory and the user's setter there
        assertThat(settings).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                RocksDBMemoryConfigSetter.class);
        assertThat(settings).containsEntry(RocksDBMemory.MEMORY_CONFIG, memory);
        assertThat(settings).containsEntry(RocksDBMemory.USER_CONFIG_SETTER_CONFIG, RecordingSetter.class);
    }

    @Test
    void shouldRunOnceWhenTheUsersSetterIsTheGuardsOwn() {
        // given settings whose rocksdb.config.setter already names the guard's setter
        Properties settings = new Properties();
        RocksDBMemory memory = track(RocksDBMemory.of(64 * MIB, 0.5));

        // when the memory is put into them
        memory.applyTo(settings, RocksDBMemoryConfigSetter.class);

        // then it is not kept as the user's too, which would run it within itself without end
        assertThat(settings).doesNotContainKey(RocksDBMemory.USER_CONFIG_SETTER_CONFIG);
        Options options = storeOptions();
        new RocksDBMemoryConfigSetter().setConfig("holding-state", options, configs(memory,
                RocksDBMemoryConfigSetter.class));
        assertThat(table(options).cacheIndexAndFilterBlocks()).isTrue();
    }

    @Test
    void shouldRefuseToBeSetWithoutTheGuardsMemory() {
        // given settings naming the guard's setter by hand, without the memory the guard puts beside it
        Map<String, Object> configs = Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                RocksDBMemoryConfigSetter.class);

        // when a store opens, then it is refused, saying where a setter of one's own goes
        assertThatThrownBy(() -> new RocksDBMemoryConfigSetter().setConfig("holding-state", storeOptions(), configs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rocksdb.memory.bytes")
                .hasMessageContaining("give your own class in rocksdb.config.setter");
    }

    @Test
    void shouldRefuseAStoreOpenedAfterItsGuardClosedTheMemory() {
        // given memory its guard has closed
        RocksDBMemory memory = RocksDBMemory.of(64 * MIB, 0.5);
        Map<String, Object> configs = configs(memory, null);
        memory.close();

        // when a store opens, then it is refused rather than given freed native memory
        assertThatThrownBy(() -> new RocksDBMemoryConfigSetter().setConfig("holding-state", storeOptions(), configs))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after its guard closed");
        // and the figures read 0
        assertThat(memory.used()).isZero();
        assertThat(memory.pinned()).isZero();
    }

    @Test
    void shouldRefuseABoundOfNothingAndAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> RocksDBMemory.of(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RocksDBMemory.of(64 * MIB, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RocksDBMemory.of(64 * MIB, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Waits until no flush of {@code stores} is asked for or running. */
    private static void awaitFlushes(List<RocksDB> stores) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (RocksDB store : stores) {
                if (store.getLongProperty("rocksdb.mem-table-flush-pending") > 0
                        || store.getLongProperty("rocksdb.num-running-flushes") > 0) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Options as Kafka Streams makes them for a store, before the setter runs. */
    private Options storeOptions() {
        Options options = track(new Options().setCreateIfMissing(true));
        options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
        return options;
    }

    private static BlockBasedTableConfigWithAccessibleCache table(Options options) {
        return (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
    }

    private static Map<String, Object> configs(RocksDBMemory memory, Class<?> userSetter) {
        Properties settings = new Properties();
        memory.applyTo(settings, userSetter);
        Map<String, Object> configs = new HashMap<>();
        settings.forEach((key, value) -> configs.put((String) key, value));
        return configs;
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
