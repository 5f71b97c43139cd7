package com.lockupguard.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A store, unchanged, that tells {@link EmptiedStateRepair} while it is open which partition it holds and whether it
 * holds anything. Everything else, offsets kept in the store included, is the inner store's.
 */
final class WatchedBytesStore implements KeyValueStore<Bytes, byte[]> {

    private final KeyValueStore<Bytes, byte[]> inner;
    private final EmptiedStateRepair repair;
    private int partition = -1;
    private volatile boolean openedFresh;

    private WatchedBytesStore(KeyValueStore<Bytes, byte[]> inner, EmptiedStateRepair repair) {
        this.inner = inner;
        this.repair = repair;
    }

    /** {@code supplier}'s stores, each watched by {@code repair}. */
    static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier supplier, EmptiedStateRepair repair) {
        return new BytesStoreSupplier(supplier.name(), supplier.metricsScope(),
                () -> new WatchedBytesStore(supplier.get(), repair));
    }

    /** Whether the store had no changelog offset when it was last opened: created anew, or never written. */
    boolean openedFresh() {
        return openedFresh;
    }

    /** Whether the store holds no key at all (a seek, not an estimate). */
    boolean holdsNothing() {
        try (KeyValueIterator<Bytes, byte[]> entries = inner.all()) {
            return !entries.hasNext();
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
        partition = context.taskId().partition();
        // Kafka Streams names a store's changelog so, on the partition of its task
        TopicPartition changelog = new TopicPartition(StoreNames.changelogTopic(context.applicationId(), name()),
                partition);
        openedFresh = inner.committedOffset(changelog) == null;
        repair.opened(name(), partition, this);
    }

    @Override
    public void close() {
        repair.closed(name(), partition, this);
        inner.close();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        inner.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return inner.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> readOnly(IsolationLevel isolationLevel) {
        return inner.readOnly(isolationLevel);
    }
}
