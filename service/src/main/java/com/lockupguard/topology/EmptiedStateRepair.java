package com.lockupguard.topology;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a task that Kafka Streams is about to restore from the middle of its changelog into an empty store, before
 * the task decides anything.
 *
 * <p>Kafka Streams 4.4.0 can do that after a long broker outage. A commit that cannot reach the broker marks the task
 * corrupted; its dirty close aborts the transaction, which fails too, and so keeps the offsets the aborted
 * transaction wrote to the changelogs; the task's stores are wiped and the task revived with those offsets, which a
 * checkpoint then writes into the new, empty stores (where Kafka Streams keeps a store's changelog offset). The
 * restore then starts past everything the changelog holds: the task's holdings are gone, every order is blocked
 * UNKNOWN_AGREEMENT, and an agreement sent again would start from nothing sold. A restart does not help, since the
 * wrong offset is on disk.
 *
 * <p>The sign: a holding is never deleted, so a holding-state store that holds no holding has applied no committed
 * changelog record, and its restore must start at the changelog's first offset, which is 0 unless records were
 * deleted from the changelog's start. One that starts later with nothing in the store was most likely handed offsets
 * it never applied. The task's first record or punctuation after such a restore then throws
 * {@link TaskCorruptedException}, on which Kafka Streams closes it (the transaction aborted, the broker being back),
 * wipes its stores and restores them from the changelogs' start.
 *
 * <p>The rebuilt task restores from the changelog's first offset, which is at most the offset that was refused: a
 * restore of it that starts there or below is accepted (a changelog whose first records were deleted has the task
 * rebuilt once, needlessly). One that starts further on met the defect again, the brokers still failing, and is
 * refused in turn.
 *
 * <p>Only persistent stores are watched; the replay's in-memory stores have no changelog to restore.
 */
public final class EmptiedStateRepair {

    private static final Logger LOG = LoggerFactory.getLogger(EmptiedStateRepair.class);

    private final Map<Integer, WatchedBytesStore> open = new ConcurrentHashMap<>();
    /** Partitions whose task is to be rebuilt, with the offset their restore started from. */
    private final Map<Integer, Long> emptied = new ConcurrentHashMap<>();
    /** Partitions whose task was rebuilt, with the offset refused: their next restore starts there or below. */
    private final Map<Integer, Long> refused = new ConcurrentHashMap<>();
    private final AtomicLong rebuilt = new AtomicLong();

    /** The holding-state stores of {@code supplier}, watched; other stores are returned as they are. */
    KeyValueBytesStoreSupplier watched(KeyValueBytesStoreSupplier supplier) {
        return StoreNames.HOLDING_STATE.equals(supplier.name()) ? WatchedBytesStore.supplier(supplier, this) : supplier;
    }

    void opened(int partition, WatchedBytesStore watched) {
        open.put(partition, watched);
    }

    void closed(int partition, WatchedBytesStore watched) {
        if (open.remove(partition, watched)) {
            // closed before it decided anything (moved to another instance): its next restore here is checked anew
            emptied.remove(partition);
        }
    }

    /**
     * Called as Kafka Streams starts restoring {@code store}'s partition {@code partition} of an active task from
     * {@code startingOffset}: marks the task to be rebuilt if its holding state holds nothing yet claims a changelog
     * position past the start.
     */
    public void restoreStarting(String store, int partition, long startingOffset) {
        if (!StoreNames.HOLDING_STATE.equals(store)) {
            return;
        }
        Long before = refused.remove(partition);
        if (before != null && startingOffset <= before) {
            LOG.info("task of partition {} rebuilt: {} restores from offset {}, the changelog's start", partition,
                    store, startingOffset);
            return;
        }
        WatchedBytesStore watched = open.get(partition);
        if (startingOffset > 0 && watched != null && watched.holdsNothing()) {
            emptied.put(partition, startingOffset);
            LOG.warn("{} of partition {} holds no holding, yet Kafka Streams restores it from changelog offset {}: "
                    + "offsets of a transaction that a broker outage aborted, kept by a Kafka Streams 4.4 defect "
                    + "(or records deleted from the changelog's start). The task is rebuilt from its changelogs' start "
                    + "before it decides anything.", store, partition, startingOffset);
        }
    }

    /**
     * Throws, for Kafka Streams to wipe the task and restore it from its changelogs' start, if the task's holding
     * state was restored from past the changelog's start into an empty store. Called before a task decides anything.
     */
    void throwIfEmptied(TaskId task) {
        if (emptied.isEmpty()) {
            return;
        }
        Long startingOffset = emptied.remove(task.partition());
        if (startingOffset != null) {
            refused.put(task.partition(), startingOffset);
            rebuilt.incrementAndGet();
            throw new TaskCorruptedException(Set.of(task));
        }
    }

    /** How many tasks were handed to Kafka Streams to rebuild so far. */
    public long rebuiltTasks() {
        return rebuilt.get();
    }

    /** Whether a task waits to be rebuilt. */
    boolean awaitsRebuild() {
        return !emptied.isEmpty();
    }
}
