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
 * corrupted; its dirty close aborts the transaction, which fails too, and so keeps the changelog offsets the task's
 * producer had acknowledged; the task's stores are wiped and the task revived with those offsets, which a checkpoint
 * then writes into the new, empty stores (where Kafka Streams keeps a store's changelog offset). The restore then
 * starts past everything the changelogs hold: the task's holdings are gone, every order is blocked
 * UNKNOWN_AGREEMENT, and an agreement sent again would start from nothing sold; or its remembered orders are gone,
 * open reservations with them, so that retries are decided again and fills lose their approvals. A restart does not
 * help, since the wrong offsets are on disk.
 *
 * <p>The signs, at the start of an active task's restore past offset 0 into a store that holds nothing:
 * <ul>
 *   <li>the holding state: a holding is never deleted, so a holding-state store that holds no holding has applied no
 *   committed changelog record, and must restore from the changelog's first offset, which is 0 unless records were
 *   deleted from its start. This holds on disk too, after a restart;</li>
 *   <li>any other store (remembered ids, whose keys are forgotten after their retention): one this process opened
 *   without a changelog offset, so freshly created, whose restore must then start at the changelog's first
 *   offset too. (A standby's store, opened fresh and then kept up to date, holds what it applied by the time it is
 *   promoted, unless every key it applied was deleted since: then it is rebuilt once, needlessly.)</li>
 * </ul>
 * The task's first record or punctuation after such a restore then throws {@link TaskCorruptedException}, on which
 * Kafka Streams closes it (the transaction aborted, the broker being back), wipes its stores and restores them from
 * the changelogs' start.
 *
 * <p>The rebuilt task restores each store from the changelog's first offset, which is at most the offset that was
 * refused: a restore that starts there or below is accepted (a changelog whose first records were deleted has the task
 * rebuilt once, needlessly). One that starts further on met the defect again, the brokers still failing, and is
 * refused in turn.
 *
 * <p>Only persistent stores are watched; the replay's in-memory stores have no changelog to restore.
 */
public final class EmptiedStateRepair {

    private static final Logger LOG = LoggerFactory.getLogger(EmptiedStateRepair.class);

    /** A store of one task, by the partition its task and changelog share. */
    private record StorePartition(String store, int partition) {
    }

    private final Map<StorePartition, WatchedBytesStore> open = new ConcurrentHashMap<>();
    /** Stores whose task is to be rebuilt, with the offset their restore started from. */
    private final Map<StorePartition, Long> emptied = new ConcurrentHashMap<>();
    /** Stores whose task was rebuilt, with the offset refused: their next restore starts there or below. */
    private final Map<StorePartition, Long> refused = new ConcurrentHashMap<>();
    private final AtomicLong rebuilt = new AtomicLong();

    /** The stores of {@code supplier}, watched. */
    KeyValueBytesStoreSupplier watched(KeyValueBytesStoreSupplier supplier) {
        return WatchedBytesStore.supplier(supplier, this);
    }

    void opened(String store, int partition, WatchedBytesStore watched) {
        open.put(new StorePartition(store, partition), watched);
    }

    void closed(String store, int partition, WatchedBytesStore watched) {
        StorePartition key = new StorePartition(store, partition);
        if (open.remove(key, watched)) {
            // closed before it decided anything (moved to another instance): its next restore here is checked anew
            emptied.remove(key);
        }
    }

    /**
     * Called as Kafka Streams starts restoring {@code store}'s partition {@code partition} of an active task from
     * {@code startingOffset}: marks the task to be rebuilt if the store holds nothing yet claims a changelog position
     * it cannot have.
     */
    public void restoreStarting(String store, int partition, long startingOffset) {
        StorePartition key = new StorePartition(store, partition);
        Long before = refused.remove(key);
        if (before != null && startingOffset <= before) {
            LOG.info("{} of partition {} restores from offset {}, at or below the offset refused before ({}): "
                    + "accepted", store, partition, startingOffset, before);
            return;
        }
        WatchedBytesStore watched = open.get(key);
        if (startingOffset == 0 || watched == null) {
            return;
        }
        boolean signed = StoreNames.HOLDING_STATE.equals(store) || watched.openedFresh();
        if (signed && watched.holdsNothing()) {
            emptied.put(key, startingOffset);
            LOG.warn("{} of partition {} holds nothing, yet Kafka Streams restores it from changelog offset {}: "
                    + "offsets of a transaction that a broker outage aborted, kept by a Kafka Streams 4.4 defect "
                    + "(or records deleted from the changelog's start). The task is rebuilt from its changelogs' start "
                    + "before it decides anything.", store, partition, startingOffset);
        }
    }

    /**
     * Throws, for Kafka Streams to wipe the task and restore it from its changelogs' start, if a store of the task was
     * restored from past the changelog's start into an empty store. Called before a task decides anything.
     */
    void throwIfEmptied(TaskId task) {
        if (emptied.isEmpty()) {
            return;
        }
        boolean found = false;
        for (StorePartition key : emptied.keySet()) {
            Long startingOffset = key.partition() == task.partition() ? emptied.remove(key) : null;
            if (startingOffset != null) {
                refused.put(key, startingOffset);
                found = true;
            }
        }
        if (found) {
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

    /** Whether the task of {@code partition} waits to be rebuilt. */
    boolean awaitsRebuild(int partition) {
        return emptied.keySet().stream().anyMatch(key -> key.partition() == partition);
    }
}
