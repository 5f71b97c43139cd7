package com.lockupguard.topology;

import java.util.List;
import java.util.NoSuchElementException;
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

/**
 * A store that keeps nothing, for an outbox: Kafka Streams' record cache in front of it holds each
 * key's latest value until the commit, forwards it downstream, and writes it here, where it is
 * dropped. So the outbox costs no disk, no changelog and no memory beyond the cache, and what it
 * publishes is at most one record per key per commit, the latest.
 */
final class OutboxStore implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    private boolean open;

    private OutboxStore(String name) {
        this.name = name;
    }

    /** The supplier of an outbox store named {@code name}. */
    static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new OutboxStore(name);
            }

            @Override
            public String metricsScope() {
                return "outbox";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            // nothing to restore: an outbox has no changelog
        });
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
    public void put(Bytes key, byte[] value) {
        // published by the cache in front; nothing is kept
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return null;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        // published by the cache in front; nothing is kept
    }

    @Override
    public byte[] delete(Bytes key) {
        return null;
    }

    @Override
    public byte[] get(Bytes key) {
        return null;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return EMPTY;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return EMPTY;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return EMPTY;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return EMPTY;
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return EMPTY;
    }

    @Override
    public long approximateNumEntries() {
        return 0;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    private static final KeyValueIterator<Bytes, byte[]> EMPTY = new KeyValueIterator<>() {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            throw new NoSuchElementException("an outbox keeps nothing");
        }

        @Override
        public Bytes peekNextKey() {
            throw new NoSuchElementException("an outbox keeps nothing");
        }

        @Override
        public void close() {
        }
    };
}
