package com.lockupguard.topology;

import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupCalendar;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.Position;
import com.lockupguard.state.CorruptStoreValueException;
import com.lockupguard.state.NewerGuardStateException;
import com.lockupguard.state.StoredHolding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores holdings' new states and publishes their positions: into the positions outbox, whose
 * record cache keeps each holding's latest until the commit, when Kafka Streams writes it to the
 * positions topic (so a holding decided many times between two commits is published once, the
 * latest state winning). Keeps the release schedule: after each position the holding is due again
 * at its next window boundary, so that a dashboard sees a release happen even when no order comes.
 */
final class PositionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(PositionPublisher.class);

    /** Most boundary positions published per punctuation; the rest follow at the next one. */
    static final int MAX_PER_PUNCTUATION = 1_000;

    /**
     * The release-schedule key that says this task's holdings were walked for those an older guard stored without
     * their next boundary; after every boundary's key ('~' sorts after digits), so never taken for one.
     */
    static final String OLDER_HOLDINGS_SCHEDULED = "~older-holdings-scheduled";

    /**
     * Most holdings walked per punctuation for those an older guard stored without their next boundary; of those, at
     * most {@link #MAX_PER_PUNCTUATION} are written, so that a thread's tasks, all punctuated between two commits,
     * are never stalled for long.
     */
    static final int OLDER_HOLDINGS_PER_PUNCTUATION = 10_000;

    private final LockupRules rules;
    private final ProcessingContext context;
    private final HoldingStores holdings;
    private final KeyValueStore<String, String> schedule;
    private final TimestampedKeyValueStore<String, Position> outbox;
    /** Whether the walk for older holdings is done, or was before this task started here. */
    private boolean olderHoldingsScheduled;
    /** The holding the walk for older holdings goes on from; null before it starts. */
    private String olderHoldingsFrom;

    /**
     * @param schedule the release schedule, or null when positions are not published
     * @param outbox   the positions outbox, or null when positions are not published: then only the holding's
     *                 state is stored
     */
    private PositionPublisher(LockupRules rules, ProcessingContext context, HoldingStores holdings,
            KeyValueStore<String, String> schedule, TimestampedKeyValueStore<String, Position> outbox) {
        this.rules = rules;
        this.context = context;
        this.holdings = holdings;
        this.schedule = schedule;
        this.outbox = outbox;
    }

    static PositionPublisher of(LockupRules rules, ProcessingContext context, HoldingStores holdings,
            boolean publishing) {
        return publishing
                ? new PositionPublisher(rules, context, holdings, context.getStateStore(StoreNames.RELEASE_SCHEDULE),
                        context.getStateStore(StoreNames.POSITIONS_OUTBOX))
                : new PositionPublisher(rules, context, holdings, null, null);
    }

    /** Publishes passed window boundaries every {@code interval} of wall-clock time, when positions are published. */
    void schedule(ProcessingContext context, Duration interval) {
        if (outbox != null) {
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        }
    }

    /**
     * Stores a holding's new state and publishes its position: {@code previous} is the stored holding it
     * replaces (null for a new holding), whose schedule entry it moves.
     */
    void store(String holdingKey, StoredHolding previous, HoldingState state, Position position) {
        if (outbox == null) {
            holdings.put(holdingKey, new StoredHolding(state, null));
            return;
        }
        Position published = notBehindPublished(previous, state, position);
        reschedule(holdingKey, scheduledAt(previous), published.nextReleaseAt());
        holdings.put(holdingKey, new StoredHolding(state, published.nextReleaseAt() != null
                ? published.nextReleaseAt() : state.agreement().calendar().nextWindowStart(published.window(),
                        published.asOf())));
        outbox.put(holdingKey, ValueAndTimestamp.make(published, published.asOf().toEpochMilli()));
    }

    /** Where a stored holding is in the release schedule: at its next boundary, unless it is sold out. */
    private static Instant scheduledAt(StoredHolding holding) {
        return holding == null || holding.state().isSoldOut() ? null : holding.nextBoundaryAt();
    }

    /**
     * The position to publish after a record evaluated at {@code position}'s instant: that position, unless
     * window boundaries after it were already published — the record waited in a backlog while the wall clock
     * passed them. Then the holding, with the record counted, is published as of the latest of those
     * boundaries, so that its published position never goes back to an earlier window (the record's own
     * position is in its decision or result). Boundaries still ahead of the wall clock are never published.
     */
    private Position notBehindPublished(StoredHolding previous, HoldingState state, Position position) {
        Instant publishedBefore = previous == null ? null : previous.nextBoundaryAt();
        if (publishedBefore == null || position.nextReleaseAt() != null
                && !position.nextReleaseAt().isBefore(publishedBefore)) {
            return position; // nearly always: nothing after the record's own window was published
        }
        // walked on the calendar, not on positions: a record that sells the holding out has no next release
        LockupCalendar calendar = state.agreement().calendar();
        long now = context.currentSystemTimeMs();
        Instant asOf = position.asOf();
        Instant next = calendar.nextWindowStart(calendar.windowAt(asOf), asOf);
        while (next.isAfter(asOf) && next.isBefore(publishedBefore) && next.toEpochMilli() <= now) {
            asOf = next;
            next = calendar.nextWindowStart(calendar.windowAt(asOf), asOf);
        }
        return asOf.equals(position.asOf()) ? position : rules.position(state, asOf);
    }

    /**
     * Publishes the position of every holding whose boundary is at or before {@code now}, each
     * boundary in turn when several have passed (after downtime, say), up to
     * {@link #MAX_PER_PUNCTUATION} per call so that a task is never stalled for long.
     */
    void punctuate(long now) {
        scheduleOlderHoldings(now);
        int budget = MAX_PER_PUNCTUATION;
        while (budget > 0) {
            List<KeyValue<String, String>> due = due(now, budget);
            if (due.isEmpty()) {
                return;
            }
            for (KeyValue<String, String> entry : due) {
                budget--;
                long boundary;
                try {
                    boundary = StoreNames.scheduleTime(entry.key);
                } catch (RuntimeException unreadable) {
                    // a key no guard wrote (a changelog damaged by hand, say), sorted before the boundaries behind
                    // it: dropped, its holding put back where its state says, or every punctuation would stop here
                    LOG.error("release schedule key {} cannot be read ({}): dropped", entry.key,
                            unreadable.toString());
                    schedule.delete(entry.key);
                    StoredHolding stored = readable(entry);
                    reschedule(entry.value, null, scheduledAt(stored));
                    continue;
                }
                StoredHolding stored = readable(entry);
                Instant scheduledAt = scheduledAt(stored);
                if (scheduledAt == null || scheduledAt.toEpochMilli() != boundary) {
                    schedule.delete(entry.key); // left behind by an update: the holding is scheduled elsewhere
                    continue;
                }
                HoldingState state = stored.state();
                store(entry.value, stored, state, rules.position(state, Instant.ofEpochMilli(boundary)));
            }
        }
    }

    /**
     * Holdings an older guard stored without their next boundary — 0.1.0, which kept no release schedule, or a guard
     * that did not publish positions — are in no schedule: none of their releases would be published until a record
     * came for them, nor would they be on the positions topic. Once per task, a slice a punctuation ({@link
     * #OLDER_HOLDINGS_PER_PUNCTUATION} walked, {@link #MAX_PER_PUNCTUATION} written), each is put back on the
     * schedule, never publishing a position earlier than one a record could bring after it:
     * <ul>
     * <li>a holding with a record evaluated is published as of that record's evaluation (the position its answer
     * carried; a later record is never evaluated earlier), and the boundaries passed since follow through the
     * schedule, each in turn, as after downtime;
     * <li>a holding no record has reached yet (an agreement alone) is published at its next boundary after now, or
     * with its first record: a record of the backlog may be earlier than now.
     * </ul>
     * The schedule then remembers that the walk was done.
     */
    private void scheduleOlderHoldings(long now) {
        if (olderHoldingsScheduled) {
            return;
        }
        if (schedule.get(OLDER_HOLDINGS_SCHEDULED) != null) {
            olderHoldingsScheduled = true;
            return;
        }
        List<KeyValue<String, StoredHolding>> older = new ArrayList<>();
        String next = null;
        try (KeyValueIterator<String, byte[]> stored = holdings.holdingsFrom(olderHoldingsFrom)) {
            for (int walked = 0; stored.hasNext(); walked++) {
                KeyValue<String, byte[]> entry = stored.next();
                if (walked == OLDER_HOLDINGS_PER_PUNCTUATION || older.size() == MAX_PER_PUNCTUATION) {
                    next = entry.key;
                    break;
                }
                byte[] value = entry.value;
                StoredHolding holding = readable(entry.key, () -> holdings.codec().holding(value));
                if (holding != null && holding.nextBoundaryAt() == null) {
                    older.add(new KeyValue<>(entry.key, holding));
                }
            }
        }
        for (KeyValue<String, StoredHolding> entry : older) { // written once the store's iterator is closed
            HoldingState state = entry.value.state();
            if (state.clock() != null) {
                store(entry.key, entry.value, state, rules.position(state, state.clock()));
            } else {
                LockupCalendar calendar = state.agreement().calendar();
                Instant wallClock = Instant.ofEpochMilli(now);
                Instant boundary = calendar.nextWindowStart(calendar.windowAt(wallClock), wallClock);
                reschedule(entry.key, null, state.isSoldOut() ? null : boundary);
                holdings.put(entry.key, new StoredHolding(state, boundary));
            }
        }
        if (!older.isEmpty()) {
            LOG.info("put back on the release schedule {} holding(s) an older guard stored without their next "
                    + "release", older.size());
        }
        olderHoldingsFrom = next;
        if (next == null) {
            schedule.put(OLDER_HOLDINGS_SCHEDULED, "done");
            olderHoldingsScheduled = true;
        }
    }

    /**
     * The stored holding a schedule entry names, or null when there is none — or none the guard can read: its entry
     * is then dropped (and the holding's records are dead-lettered as they come), or every punctuation would stop
     * on it for good and no release behind it would ever be published. A registry that is away stops the punctuation.
     */
    private StoredHolding readable(KeyValue<String, String> entry) {
        return readable(entry.value, () -> holdings.holding(entry.value));
    }

    private static StoredHolding readable(String holdingKey, Supplier<StoredHolding> read) {
        try {
            return read.get();
        } catch (CorruptStoreValueException e) {
            // dropped, a newer guard's holding would lose its schedule entry, and the newer guard its releases
            if (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent()
                    || e instanceof NewerGuardStateException) {
                throw e;
            }
            LOG.error("holding {}'s stored state cannot be read: its releases are not published ({})", holdingKey,
                    e.getMessage());
            return null;
        }
    }

    private List<KeyValue<String, String>> due(long now, int limit) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> entries = schedule.range(StoreNames.scheduleKey(0, ""),
                StoreNames.scheduleKey(now, "\uffff"))) {
            while (entries.hasNext() && due.size() < limit) {
                due.add(entries.next());
            }
        }
        return due;
    }

    /**
     * Moves a holding's schedule entry from {@code previous} to {@code next}. Most orders leave the
     * boundary where it was: then the entry is already there and nothing is written.
     */
    private void reschedule(String holdingKey, Instant previous, Instant next) {
        if (Objects.equals(previous, next)) {
            return;
        }
        if (previous != null) {
            schedule.delete(StoreNames.scheduleKey(previous.toEpochMilli(), holdingKey));
        }
        if (next != null) {
            schedule.put(StoreNames.scheduleKey(next.toEpochMilli(), holdingKey), holdingKey);
        }
    }
}
