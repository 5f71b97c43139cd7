package com.lockupguard.state;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One bound on the native memory of every RocksDB store of a guard: a block cache they share, which their memtables
 * (through a write buffer manager) and their index and filter blocks are charged to as well. Kafka Streams otherwise
 * gives each store of each task, standbys included, its own 50 MiB block cache and up to three 16 MiB memtables, and
 * keeps the index and filter blocks beside them: a guard's native memory then grows with its partitions and its
 * state, outside the heap and outside any limit the JVM knows of, until a container's limit kills it (and, restoring
 * again, kills it again).
 *
 * <p>The cache does not refuse an entry when full of entries in use ({@code strict_capacity_limit=false}: refusing
 * would fail the store's reads), so what is pinned can take it a little over. Owned by the guard that made it:
 * closed once its Kafka Streams has closed.
 */
public final class RocksDBMemory implements AutoCloseable {

    /** Where the Kafka Streams settings carry the memory to {@link RocksDBMemoryConfigSetter}. */
    static final String MEMORY_CONFIG = "lockup-guard.rocksdb.memory";
    /** Where they carry the user's own {@code rocksdb.config.setter}, applied after the bound. */
    static final String USER_CONFIG_SETTER_CONFIG = "lockup-guard.rocksdb.config.setter";
    /**
     * The share of the cache kept for index and filter blocks, which every lookup reads, so that blocks of data read
     * once do not push them out: the share Flink's bounded RocksDB memory keeps.
     */
    static final double INDEX_AND_FILTER_RATIO = 0.1;
    /**
     * The blocks a store's memtable takes memory in. RocksDB's own is 1 MiB under Kafka Streams' 16 MiB write
     * buffer, and a memtable holding a single record counts a whole block against the memtables' share: 60 stores
     * (12 partitions) took 60 MiB of it with next to nothing written, and at a smaller bound had nearly every write
     * flush a memtable. At 128 KiB the share holds eight times as many stores; the guard's records are far
     * smaller, so a block still takes hundreds of them.
     */
    static final long MEMTABLE_BLOCK_BYTES = 128 * 1024;
    /** How much of the memtables' share the write buffer manager lets them take before it has one flushed. */
    private static final double FLUSH_AT = 7.0 / 8;

    private final long limit;
    private final double writeBufferRatio;
    private final long writeBufferLimit;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;
    /** Guarded by this: the native cache is read (a scrape) and freed (a close) on different threads. */
    private boolean closed;

    private RocksDBMemory(long limit, double writeBufferRatio) {
        this.limit = limit;
        this.writeBufferRatio = writeBufferRatio;
        this.writeBufferLimit = (long) (limit * writeBufferRatio);
        RocksDB.loadLibrary();
        this.cache = new LRUCache(limit, -1, false, INDEX_AND_FILTER_RATIO);
        this.writeBuffers = new WriteBufferManager(writeBufferLimit, cache);
    }

    /**
     * A bound of {@code limit} bytes, of which memtables may take {@code writeBufferRatio} before those of the store
     * written to are flushed to disk.
     */
    public static RocksDBMemory of(long limit, double writeBufferRatio) {
        if (limit < 1) {
            throw new IllegalArgumentException("a bound of " + limit + " bytes");
        }
        if (!(writeBufferRatio > 0 && writeBufferRatio < 1)) {
            throw new IllegalArgumentException("a share of " + writeBufferRatio + " for the memtables");
        }
        return new RocksDBMemory(limit, writeBufferRatio);
    }

    /**
     * Puts the bound into Kafka Streams' {@code settings}: every RocksDB store opened with them shares this memory.
     * {@code userConfigSetter}, the user's {@code rocksdb.config.setter} (or null), runs after the bound on every
     * store; given the guard's own, it runs once.
     */
    public void applyTo(Properties settings, Class<?> userConfigSetter) {
        if (userConfigSetter != null && userConfigSetter != RocksDBMemoryConfigSetter.class) {
            settings.put(USER_CONFIG_SETTER_CONFIG, userConfigSetter);
        }
        settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDBMemoryConfigSetter.class);
        settings.put(MEMORY_CONFIG, this);
    }

    /** The memory {@link #applyTo} put into a store's {@code configs}. */
    static RocksDBMemory from(Map<String, Object> configs) {
        if (configs.get(MEMORY_CONFIG) instanceof RocksDBMemory memory) {
            return memory;
        }
        throw new IllegalStateException(RocksDBMemoryConfigSetter.class.getName() + " is set by the guard itself "
                + "(rocksdb.memory.bytes): give your own class in rocksdb.config.setter, and it runs after it");
    }

    /** Makes a store use this memory: its block cache, its memtables' budget, its index and filter blocks. */
    synchronized void bound(String storeName, Options options) {
        if (closed) {
            throw new IllegalStateException("RocksDB memory closed: store " + storeName + " opened after its guard "
                    + "closed");
        }
        // the table configuration Kafka Streams set, which it reads the cache back from for its own metrics
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBuffers);
        options.setArenaBlockSize(MEMTABLE_BLOCK_BYTES);
    }

    /**
     * How many stores can each hold a memtable block before the write buffer manager has memtables flushed: with
     * more stores written to, nearly every write flushes one.
     */
    public long storesThatFit() {
        return storesThatFit(limit, writeBufferRatio);
    }

    /** {@link #storesThatFit()} of a bound of {@code limit} bytes with {@code writeBufferRatio}, without making it. */
    public static long storesThatFit(long limit, double writeBufferRatio) {
        return (long) ((long) (limit * writeBufferRatio) * FLUSH_AT) / MEMTABLE_BLOCK_BYTES;
    }

    /**
     * The least bound, in whole MiB, whose memtables' share at {@code writeBufferRatio} holds {@code stores}; -1 when
     * no bound a long can say holds them.
     */
    public static long limitThatHolds(long stores, double writeBufferRatio) {
        if (stores > storesThatFit(Long.MAX_VALUE, writeBufferRatio)) {
            return -1;
        }
        long mib = 1024 * 1024;
        double mibs = Math.ceil(stores * (double) MEMTABLE_BLOCK_BYTES / FLUSH_AT / writeBufferRatio / mib);
        long limit = mibs >= Long.MAX_VALUE / mib ? Long.MAX_VALUE / mib * mib : (long) mibs * mib;
        while (storesThatFit(limit, writeBufferRatio) < stores) {
            if (limit > Long.MAX_VALUE - mib) {
                return Long.MAX_VALUE; // which holds them, as checked above
            }
            limit += mib;
        }
        return limit;
    }

    /** The bound, in bytes. */
    public long limit() {
        return limit;
    }

    /** What the memtables may take before those of a store written to are flushed, in bytes (part of the limit). */
    public long writeBufferLimit() {
        return writeBufferLimit;
    }

    /** The bytes in use: blocks, index and filter blocks, and memtables; 0 once closed. */
    public synchronized long used() {
        return closed ? 0 : cache.getUsage();
    }

    /** The bytes of {@link #used()} that stores hold and cannot be evicted; 0 once closed. */
    public synchronized long pinned() {
        return closed ? 0 : cache.getPinnedUsage();
    }

    /**
     * Frees the cache and the write buffer manager. Only once no store uses them: after Kafka Streams closed (a
     * store opened later would otherwise be given freed native memory).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        writeBuffers.close();
        cache.close();
    }
}
