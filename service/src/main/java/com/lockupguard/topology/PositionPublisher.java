package com.lockupguard.topology;

import com.lockupguard.avro.HoldingState;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.contract.PositionMapper;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.Position;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Publishes holdings' positions to the positions topic and keeps the release schedule: after
 * each position, the holding is due again at its next window boundary, so that a dashboard
 * sees a release happen even when no order comes.
 */
final class PositionPublisher {

    /** Most boundary positions published per punctuation; the rest follow at the next one. */
    static final int MAX_PER_PUNCTUATION = 1_000;

    private final LockupRules rules;
    private final ProcessorContext<String, Object> context;
    private final KeyValueStore<String, HoldingState> holdings;
    private final KeyValueStore<String, String> schedule;
    private final boolean publishing;

    /** @param publishing whether positions go to the positions topic; otherwise only the holding's state is stored */
    PositionPublisher(LockupRules rules, ProcessorContext<String, Object> context,
            KeyValueStore<String, HoldingState> holdings, KeyValueStore<String, String> schedule, boolean publishing) {
        this.rules = rules;
        this.context = context;
        this.holdings = holdings;
        this.schedule = schedule;
        this.publishing = publishing;
    }

    /** Publishes passed window boundaries every {@code interval} of wall-clock time, when positions are published. */
    void schedule(java.time.Duration interval) {
        if (publishing) {
            context.schedule(interval, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                    this::punctuate);
        }
    }

    /**
     * Stores a holding's new state and publishes its position: {@code previous} is the state it
     * replaces (null for a new holding), whose schedule entry it moves.
     */
    void store(String holdingKey, HoldingState previous, com.lockupguard.rules.HoldingState state, Position position) {
        HoldingState stored = HoldingStateMapper.toAvro(state);
        if (!publishing) {
            holdings.put(holdingKey, stored);
            return;
        }
        stored.setNextBoundaryAt(position.nextReleaseAt());
        reschedule(holdingKey, previous == null ? null : previous.getNextBoundaryAt(), position.nextReleaseAt());
        holdings.put(holdingKey, stored);
        context.forward(new Record<>(holdingKey, (Object) PositionMapper.toAvro(position),
                position.asOf().toEpochMilli()), GuardTopology.POSITIONS_SINK);
    }

    /**
     * Publishes the position of every holding whose boundary is at or before {@code now}, each
     * boundary in turn when several have passed (after downtime, say), up to
     * {@link #MAX_PER_PUNCTUATION} per call so that a task is never stalled for long.
     */
    void punctuate(long now) {
        int budget = MAX_PER_PUNCTUATION;
        while (budget > 0) {
            List<KeyValue<String, String>> due = due(now, budget);
            if (due.isEmpty()) {
                return;
            }
            for (KeyValue<String, String> entry : due) {
                budget--;
                long boundary = StoreNames.scheduleTime(entry.key);
                HoldingState stored = holdings.get(entry.value);
                if (stored == null || stored.getNextBoundaryAt() == null
                        || stored.getNextBoundaryAt().toEpochMilli() != boundary) {
                    schedule.delete(entry.key); // left behind by an update: the holding is scheduled elsewhere
                    continue;
                }
                com.lockupguard.rules.HoldingState state = HoldingStateMapper.toRules(stored);
                store(entry.value, stored, state, rules.position(state, Instant.ofEpochMilli(boundary)));
            }
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
