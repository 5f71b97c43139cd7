package com.lockupguard.topology;

import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A store that keeps nothing, for an outbox: Kafka Streams' record cache in front of it holds each
 * key's latest value until the commit, forwards it downstream, and writes it here, where it is
 * dropped. So the outbox costs no disk, no changelog and no memory beyond the cache, and what it
 * publishes is at most one record per key per commit, the latest.
 */
final class OutboxStore extends MemoryBytesStore {

    private OutboxStore(String name) {
        super(name);
    }

    /** The supplier of an outbox store named {@code name}. */
    static KeyValueBytesStoreSupplier supplier(String name) {
        return MemoryBytesStore.supplier(name, "outbox", OutboxStore::new);
    }

    @Override
    void restore(byte[] key, byte[] value) {
        // nothing to restore: an outbox has no changelog
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
