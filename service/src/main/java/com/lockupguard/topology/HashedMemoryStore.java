package com.lockupguard.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * An in-memory store in a hash map, for the replay's holding states and ids: every access there is a
 * point read or write by key, which a hash map answers without the byte-by-byte key comparisons of
 * Kafka Streams' own in-memory store (a tree) — a tenth of a replay's time went to those. A scan
 * sorts the keys first, so it is correct but costs a sort: not for a store that is scanned often.
 */
final class HashedMemoryStore extends MemoryBytesStore {

    private static final Comparator<Bytes> KEY_ORDER = Comparator.naturalOrder();

    private final Map<Bytes, byte[]> entries = new HashMap<>();

    private HashedMemoryStore(String name) {
        super(name);
    }

    static KeyValueBytesStoreSupplier supplier(String name) {
        return MemoryBytesStore.supplier(name, "in-memory-hash", HashedMemoryStore::new);
    }

    @Override
    void restore(byte[] key, byte[] value) {
        put(Bytes.wrap(key), value);
    }

    @Override
    public void close() {
        entries.clear();
        super.close();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value == null) {
            entries.remove(key);
        } else {
            entries.put(key, value);
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] existing = entries.get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> batch) {
        batch.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public byte[] delete(Bytes key) {
        return entries.remove(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return entries.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return sorted(from, to, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return sorted(from, to, true);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return sorted(null, null, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return sorted(null, null, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
        Bytes from = Bytes.wrap(serializer.serialize(null, prefix));
        List<KeyValue<Bytes, byte[]>> found = new ArrayList<>();
        sorted(from, null, false).forEachRemaining(entry -> {
            if (startsWith(entry.key.get(), from.get())) {
                found.add(entry);
            }
        });
        return new ListIterator(found);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public long approximateNumEntries() {
        return entries.size();
    }

    /** The entries from {@code from} to {@code to} (inclusive; null: unbounded), sorted as Kafka Streams' stores are. */
    private KeyValueIterator<Bytes, byte[]> sorted(Bytes from, Bytes to, boolean reverse) {
        List<KeyValue<Bytes, byte[]>> found = new ArrayList<>();
        for (Map.Entry<Bytes, byte[]> entry : entries.entrySet()) {
            if ((from == null || entry.getKey().compareTo(from) >= 0)
                    && (to == null || entry.getKey().compareTo(to) <= 0)) {
                found.add(KeyValue.pair(entry.getKey(), entry.getValue()));
            }
        }
        Comparator<KeyValue<Bytes, byte[]>> order = Comparator.comparing(entry -> entry.key, KEY_ORDER);
        found.sort(reverse ? order.reversed() : order);
        return new ListIterator(found);
    }

    /** An iterator over a snapshot: writes while it is open do not disturb it. */
    private static final class ListIterator implements KeyValueIterator<Bytes, byte[]> {
        private final List<KeyValue<Bytes, byte[]>> entries;
        private final Iterator<KeyValue<Bytes, byte[]>> next;
        private int position;

        ListIterator(List<KeyValue<Bytes, byte[]>> entries) {
            this.entries = entries;
            this.next = entries.iterator();
        }

        @Override
        public boolean hasNext() {
            return next.hasNext();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            position++;
            return next.next();
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException("no entry left");
            }
            return entries.get(position).key;
        }

        @Override
        public void close() {
        }
    }
}
