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
 * restore then starts past everything the changelog holds: the task's holdings are gone, every order is blocked UNKNOWN_AGREEMENT, and, worse,
 * an agreement sent again would start from nothing sold. A restart does not help, since the wrong offset is on disk.
 *
 * <p>The sign is certain for the holding state: a holding is never deleted, so a holding-state store that holds no
 * holding has applied no committed changelog record, and its restore must start at the changelog's first offset, 0
 * (a compacted changelog keeps it). One that starts later with nothing in the store was handed offsets it never
 * applied. The task's first record or punctuation after such a restore then throws {@link TaskCorruptedException}, on
 * which Kafka Streams closes it (the transaction aborted, the broker being back), wipes its stores and restores them
 * from the changelogs' start. Its next restore is not checked again: it starts at the changelog's start by
 * construction, whatever that is (should records have been deleted from a changelog's start, a fresh store restores
 * from past 0 too: it is rebuilt once, needlessly, and then accepted).
 *
 * <p>Only persistent stores are watched; the replay's in-memory stores have no changelog to restore.
 */
public final class EmptiedStateRepair {

    private static final Logger LOG = LoggerFactory.getLogger(EmptiedStateRepair.class);

    private final Map<Integer, WatchedBytesStore> open = new ConcurrentHashMap<>();
    private final Set<Integer> emptied = ConcurrentHashMap.newKeySet();
    private final Set<Integer> rebuilding = ConcurrentHashMap.newKeySet();
    private final AtomicLong rebuilt = new AtomicLong();

    /** The holding-state stores of {@code supplier}, watched; other stores are returned as they are. */
    KeyValueBytesStoreSupplier watched(KeyValueBytesStoreSupplier supplier) {
        return StoreNames.HOLDING_STATE.equals(supplier.name()) ? WatchedBytesStore.supplier(supplier, this) : supplier;
    }

    void opened(String store, int partition, WatchedBytesStore watched) {
        open.put(partition, watched);
    }

    void closed(String store, int partition, WatchedBytesStore watched) {
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
        if (rebuilding.remove(partition)) {
            LOG.info("task of partition {} rebuilt: {} restores from offset {}, the changelog's start", partition,
                    store, startingOffset);
            return;
        }
        WatchedBytesStore watched = open.get(partition);
        if (startingOffset > 0 && watched != null && watched.holdsNothing()) {
            emptied.add(partition);
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
        if (!emptied.isEmpty() && emptied.remove(task.partition())) {
            rebuilding.add(task.partition());
            rebuilt.incrementAndGet();
            throw new TaskCorruptedException(Set.of(task));
        }
    }

    /** How many tasks were rebuilt so far. */
    public long rebuiltTasks() {
        return rebuilt.get();
    }

    /** Whether a task waits to be rebuilt. */
    public boolean awaitsRebuild() {
        return !emptied.isEmpty();
    }
}
