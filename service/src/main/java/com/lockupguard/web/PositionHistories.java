package com.lockupguard.web;

import com.lockupguard.avro.Position;
import com.lockupguard.web.DecisionHistory.HistoryPoint;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each holding's positions over time, for its chart: the newest {@code perHolding} of each, and no more than
 * {@code inAll} over all holdings. Every instance reads every partition's positions, so without the second bound the
 * heap would grow with the number of holdings the guard has ever seen (about 130 bytes a point): past it, the
 * holdings least recently updated or asked for are forgotten first, whole.
 */
final class PositionHistories {

    private final int perHolding;
    private final long inAll;
    /** By holding, least recently updated or read first. Guarded by itself. */
    private final Map<String, NavigableMap<Instant, HistoryPoint>> byHolding = new LinkedHashMap<>(16, 0.75f, true);
    private long points;

    PositionHistories(int perHolding, long inAll) {
        this.perHolding = perHolding;
        this.inAll = inAll;
    }

    /** Files {@code position} under {@code holding}; throws for a position without its holding's key. */
    void add(String holding, Position position) {
        if (holding == null) {
            throw new IllegalArgumentException("a position without its holding's key cannot be charted");
        }
        synchronized (byHolding) {
            NavigableMap<Instant, HistoryPoint> history = byHolding.computeIfAbsent(holding, h -> new TreeMap<>());
            if (history.put(position.getAsOf(), HistoryPoint.of(position)) == null) {
                points++;
            }
            if (history.size() > perHolding) {
                history.pollFirstEntry();
                points--;
            }
            Iterator<Map.Entry<String, NavigableMap<Instant, HistoryPoint>>> eldest = byHolding.entrySet().iterator();
            while (points > inAll && eldest.hasNext()) {
                Map.Entry<String, NavigableMap<Instant, HistoryPoint>> forgotten = eldest.next();
                if (!forgotten.getKey().equals(holding)) {
                    points -= forgotten.getValue().size();
                    eldest.remove();
                }
            }
        }
    }

    /** The holding's points, oldest first. */
    List<HistoryPoint> of(String holding) {
        synchronized (byHolding) {
            NavigableMap<Instant, HistoryPoint> history = byHolding.get(holding);
            return history == null ? List.of() : List.copyOf(history.values());
        }
    }

    /** Points kept, over all holdings. */
    long points() {
        synchronized (byHolding) {
            return points;
        }
    }
}
