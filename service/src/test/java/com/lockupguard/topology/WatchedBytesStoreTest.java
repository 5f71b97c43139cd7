package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch over a store changes nothing of it: what Kafka Streams asks of a persistent store (whether it is
 * persistent, whether it keeps its changelog offsets, the offsets themselves) is the inner RocksDB store's answer.
 */
class WatchedBytesStoreTest {

    private static final TaskId TASK = new TaskId(0, 2);
    private static final TopicPartition CHANGELOG = new TopicPartition(
            StoreNames.changelogTopic("guard", StoreNames.HOLDING_STATE), TASK.partition());

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswerAsTheRocksDbStoreItWatchesAndKeepItsCommittedOffsetAcrossARestart() {
        // given a watched RocksDB store and a bare one of the same kind
        EmptiedStateRepair repair = new EmptiedStateRepair();
        KeyValueStore<Bytes, byte[]> bare = Stores.persistentKeyValueStore(StoreNames.HOLDING_STATE).get();
        KeyValueStore<Bytes, byte[]> watched = open(repair);

        // when a value is written and the changelog offset committed, and the store is closed and opened again
        watched.put(Bytes.wrap(new byte[] {1}), new byte[] {7});
        watched.commit(Map.of(CHANGELOG, 42L));
        assertThat(watched.committedOffset(CHANGELOG)).isEqualTo(42L);
        watched.close();
        KeyValueStore<Bytes, byte[]> reopened = open(repair);

        // then it answers as the bare store would, and still holds its value and its offset: a restart restores
        // from there, not from the changelog's start
        assertThat(reopened.persistent()).isEqualTo(bare.persistent()).isTrue();
        assertThat(reopened.managesOffsets()).isEqualTo(bare.managesOffsets());
        assertThat(reopened.isOpen()).isTrue();
        assertThat(reopened.committedOffset(CHANGELOG)).isEqualTo(42L);
        assertThat(((WatchedBytesStore) reopened).openedFresh()).isFalse();
        assertThat(reopened.getPosition()).isNotNull();
        assertThat(reopened.delete(Bytes.wrap(new byte[] {1}))).containsExactly(7);
        reopened.close();
        assertThat(reopened.isOpen()).isFalse();
    }

    private KeyValueStore<Bytes, byte[]> open(EmptiedStateRepair repair) {
        KeyValueStore<Bytes, byte[]> store = repair.watched(
                Stores.persistentKeyValueStore(StoreNames.HOLDING_STATE)).get();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "guard");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, TASK, stateDir.toFile());
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
