package com.lockupguard.app;

import com.lockupguard.state.RocksDBMemory;
import com.lockupguard.topology.StoreNames;
import java.util.Optional;

/**
 * Whether the memtables' share of {@code rocksdb.memory.bytes} holds a memtable block of every RocksDB store an
 * instance may hold: all {@code partitions}' stores, with {@code standbys} copies of each. With more stores written
 * to than it holds, nearly every write flushes a memtable to disk. Said by {@code run} at start and by
 * {@code config --check}; worked out without making the bound.
 */
public record MemtableFit(long limit, double writeBufferRatio, long stores, int partitions) {

    /** The fit of {@code config}'s bound for {@code partitions}; empty when RocksDB's memory is not bounded (-1). */
    public static Optional<MemtableFit> of(GuardConfig config, int partitions) {
        long limit = config.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG);
        if (limit == -1) {
            return Optional.empty();
        }
        return Optional.of(of(limit, config.getDouble(GuardConfig.ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG),
                partitions, config.getInt(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG)));
    }

    static MemtableFit of(long limit, double writeBufferRatio, int partitions, int standbys) {
        long stores;
        try {
            stores = Math.multiplyExact((long) partitions * StoreNames.withChangelogs().size(), 1L + standbys);
        } catch (ArithmeticException e) {
            stores = Long.MAX_VALUE; // no bound holds them
        }
        return new MemtableFit(limit, writeBufferRatio, stores, partitions);
    }

    /** How many stores can each hold a memtable block in the share. */
    public long storesThatFit() {
        return RocksDBMemory.storesThatFit(limit, writeBufferRatio);
    }

    public boolean fits() {
        return stores <= storesThatFit();
    }

    /** What holds what: the warning when it does not fit. */
    public String describe() {
        String held = GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG + "=" + limit + " holds the memtables of "
                + storesThatFit() + " RocksDB stores, and this instance may hold " + stores + " (" + partitions
                + " partitions, " + StoreNames.withChangelogs().size() + " stores each, standbys included)";
        if (fits()) {
            return held;
        }
        long raised = RocksDBMemory.limitThatHolds(stores, writeBufferRatio);
        String flushes = held + ": with more of them written to, nearly every write flushes a memtable to disk. ";
        return raised < 0 ? flushes + "No bound holds them: lower " + GuardConfig.NUM_STANDBY_REPLICAS_CONFIG
                : flushes + "Raise it to at least " + raised + " (" + raised / (1024 * 1024) + " MiB), or "
                        + GuardConfig.ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG;
    }
}
