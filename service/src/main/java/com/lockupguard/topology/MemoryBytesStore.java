package com.lockupguard.topology;

import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the guard's own non-persistent byte stores share: a name, open and closed, registration with
 * the task (restoring through {@link #restore}), and no interactive-query support of their own.
 */
abstract class MemoryBytesStore implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    private boolean open;

    MemoryBytesStore(String name) {
        this.name = name;
    }

    /** A supplier of stores {@code create} makes from a name, reported to metrics as {@code metricsScope}. */
    static KeyValueBytesStoreSupplier supplier(String name, String metricsScope,
            Function<String, MemoryBytesStore> create) {
        return new BytesStoreSupplier(name, metricsScope, () -> create.apply(name));
    }

    /** Takes one changelog record while the store is restored. */
    abstract void restore(byte[] key, byte[] value);

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, this::restore);
        open = true;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }
}
