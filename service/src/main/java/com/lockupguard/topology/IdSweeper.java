package com.lockupguard.topology;

import com.lockupguard.state.RememberedExecution;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StateCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets order and execution ids remembered longer than the retention, in wall-clock time since the guard
 * first saw them (an order whose reservation closed: since it closed), or since the broker stamped them when
 * that is later ({@link OrderStamps}). An open reservation is never forgotten, nor an execution id while the
 * order it reported on is remembered. Walks the stores a slice at a time on a wall-clock punctuation,
 * resuming where it stopped (kept in the {@link StoreNames#ID_SWEEP} store, so that a task started again goes
 * on from there), so that a task is never stalled for long, and starts a store's next walk {@link #walkEvery}
 * after its last one started (a small store is not re-read a thousand entries a second for nothing): an id is
 * forgotten at most that, plus one walk, after its retention passed. A value written before the guard kept
 * the time it first saw an id starts its retention when the walk first meets it. A value the guard cannot
 * read is kept (it may be an open reservation), walked past, and logged the first time a walk meets it (not
 * at every walk).
 */
final class IdSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(IdSweeper.class);

    /** How often a slice is swept. */
    static final Duration INTERVAL = Duration.ofMillis(100);
    /**
     * Entries of each store read per slice: a thousand a second per task, so a million ids are walked in about a
     * quarter of an hour, in slices short enough (well under a millisecond) not to delay the orders behind them.
     */
    static final int SLICE = 100;
    /** The longest pause between two walks of a store. */
    static final Duration LONGEST_PAUSE = Duration.ofHours(1);
    /**
     * How often a walk's cursor is kept in the {@link StoreNames#ID_SWEEP} store while it moves: a task started again
     * walks again at most what was walked since (ten thousand entries), and the store's changelog gets a record per
     * walk every ten seconds rather than at every commit.
     */
    static final Duration KEEP_CURSOR_EVERY = Duration.ofSeconds(10);
    /** Unreadable values warned about, per store, before further ones are logged at DEBUG only. */
    static final int UNREADABLE_WARNINGS = 1_000;

    private final HoldingStores stores;
    private final KeyValueStore<String, String> cursors;
    private final long retentionMillis;
    private final long walkEveryMillis;
    private final Walk orders = new Walk(StoreNames.SEEN_ORDERS);
    private final Walk executions = new Walk(StoreNames.SEEN_EXECUTIONS);
    /** Whether the walks were resumed from the cursors store: at this task's first slice. */
    private boolean resumed;

    /**
     * Where a store's walk stands: its cursor (null: between walks) and when it started; and the values it could not
     * read.
     */
    private static final class Walk {
        final String store;
        String cursor;
        long startedAt = Long.MIN_VALUE;
        /** The cursor last kept in the cursors store (null: none), and when (MIN_VALUE: not by this task). */
        String kept;
        long keptAt = Long.MIN_VALUE;
        final UnreadableValues unreadable = new UnreadableValues();

        Walk(String store) {
            this.store = store;
        }

        /** Goes on where the last walk kept in {@code cursors} stopped, if it had not ended. */
        void resumeFrom(KeyValueStore<String, String> cursors) {
            cursor = cursors.get(store);
            kept = cursor;
        }

        /** Whether the cursor is to be kept at {@code now}: the walk ended, or it moved on for a while. */
        boolean keepDue(long now) {
            if (cursor == null) {
                return kept != null;
            }
            return keptAt == Long.MIN_VALUE || now - keptAt >= KEEP_CURSOR_EVERY.toMillis();
        }

        /** Whether a slice is due at {@code now}: a walk is under way, or the next one is due. */
        boolean due(long now, long walkEveryMillis) {
            if (cursor != null) {
                return true;
            }
            if (startedAt != Long.MIN_VALUE && now - startedAt < walkEveryMillis) {
                return false;
            }
            startedAt = now;
            return true;
        }
    }

    IdSweeper(HoldingStores stores, KeyValueStore<String, String> cursors, Duration retention) {
        this.stores = stores;
        this.cursors = cursors;
        this.retentionMillis = retention.toMillis();
        this.walkEveryMillis = walkEvery(retention).toMillis();
    }

    /** How often a store's walk starts: a tenth of the retention, between one slice interval and an hour. */
    static Duration walkEvery(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        return tenth.compareTo(INTERVAL) < 0 ? INTERVAL : tenth.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : tenth;
    }

    /** Sweeps a slice every {@link #INTERVAL}, each once {@code check} has not thrown. */
    void schedule(ProcessingContext context, Runnable check) {
        context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            check.run();
            sweep(now);
        });
    }

    void sweep(long now) {
        if (!resumed) {
            orders.resumeFrom(cursors);
            executions.resumeFrom(cursors);
            resumed = true;
        }
        long cutoff = now - retentionMillis;
        if (orders.due(now, walkEveryMillis)) {
            sweep(now, stores.seenOrders(), orders, (key, value) -> {
                StateCodec.Retention retention = stores.codec().orderRetention(value, StoreNames.idOf(key));
                if (retention.since() == RememberedOrder.SINCE_UNKNOWN) {
                    return stores.codec().encode(
                            stores.codec().order(value, StoreNames.idOf(key)).rememberedSince(now));
                }
                return retention.isForgettable(cutoff) ? FORGET : KEEP;
            });
        }
        if (executions.due(now, walkEveryMillis)) {
            sweep(now, stores.seenExecutions(), executions, (key, value) -> {
                RememberedExecution execution = stores.codec().execution(value);
                if (execution.rememberedAt() == RememberedOrder.SINCE_UNKNOWN) {
                    return stores.codec().encode(execution.rememberedSince(now));
                }
                // kept while its order is remembered: a fill of an open order, redelivered, is not sold twice
                return execution.isForgettable(cutoff) && !orderRemembered(key, execution) ? FORGET : KEEP;
            });
        }
    }

    /** Whether the order an execution id of seen-executions reported on is still in seen-orders. */
    private boolean orderRemembered(String executionKey, RememberedExecution execution) {
        String holding = executionKey.substring(0, executionKey.lastIndexOf('/'));
        return stores.seenOrders().get(StoreNames.idKey(holding, execution.orderId())) != null;
    }

    /** What to do with an entry: keep it ({@link #KEEP}), forget it ({@link #FORGET}), or put the value returned. */
    private interface Verdict {
        byte[] on(String key, byte[] value);
    }

    private static final byte[] KEEP = null;
    /** A marker, compared by identity: no encoded value is empty. */
    private static final byte[] FORGET = new byte[0];

    /**
     * The keys of one store whose values the walk could not read and has warned about: a walk meets them again every
     * time, and one warning each is enough. Bounded, so that a store full of unreadable values cannot fill the heap.
     */
    private static final class UnreadableValues {
        private final Set<String> warned = new HashSet<>();

        void report(String store, String key, RuntimeException e) {
            if (warned.contains(key)) {
                LOG.debug("{} still holds a value the guard cannot read under '{}'", store, key);
            } else if (warned.size() < UNREADABLE_WARNINGS) {
                warned.add(key);
                LOG.warn("{} holds a value the guard cannot read under '{}': kept, never forgotten ({})", store, key,
                        e.getMessage());
                if (warned.size() == UNREADABLE_WARNINGS) {
                    LOG.warn("{}: {} unreadable values reported; any further ones are logged at DEBUG only", store,
                            UNREADABLE_WARNINGS);
                }
            } else {
                LOG.debug("{} holds a value the guard cannot read under '{}': kept ({})", store, key, e.getMessage());
            }
        }
    }

    /**
     * The verdict on one entry; an entry whose value cannot be read is kept and walked past, or the walk would stop
     * on it for good, every slice failing there. A registry that is away or refuses the guard stops the slice.
     */
    private static byte[] verdictOrKeep(String store, KeyValue<String, byte[]> entry, UnreadableValues unreadable,
            Verdict verdict) {
        try {
            return verdict.on(entry.key, entry.value);
        } catch (RuntimeException e) {
            // any failure to read one value, corrupt or beyond what the reading foresaw, is the value's, not the walk's
            if (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent()) {
                throw e;
            }
            unreadable.report(store, entry.key, e);
            return KEEP;
        }
    }

    /** Sweeps one slice of {@code store} from where {@code walk} stands, and moves the walk on (kept in cursors). */
    private void sweep(long now, KeyValueStore<String, byte[]> store, Walk walk, Verdict verdict) {
        List<KeyValue<String, byte[]>> changes = new ArrayList<>();
        String last = null;
        int read = 0;
        try (KeyValueIterator<String, byte[]> entries = store.range(walk.cursor, null)) {
            while (entries.hasNext() && read < SLICE) {
                KeyValue<String, byte[]> entry = entries.next();
                read++;
                last = entry.key;
                byte[] change = verdictOrKeep(store.name(), entry, walk.unreadable, verdict);
                if (change == FORGET) {
                    changes.add(KeyValue.pair(entry.key, null));
                } else if (change != KEEP) {
                    changes.add(KeyValue.pair(entry.key, change));
                }
            }
        }
        // changed after the iterator is closed: a store need not support writes under an open iterator
        for (KeyValue<String, byte[]> change : changes) {
            if (change.value == null) {
                store.delete(change.key);
            } else {
                store.put(change.key, change.value);
            }
        }
        walk.cursor = read < SLICE ? null : StoreNames.after(last); // null: the walk ended, the next starts at the top
        if (walk.keepDue(now)) {
            if (walk.cursor == null) {
                cursors.delete(walk.store);
            } else {
                cursors.put(walk.store, walk.cursor);
            }
            walk.kept = walk.cursor;
            walk.keptAt = now;
        }
    }
}
