package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The latest decisions in memory, ordered by decision time — the holding's evaluation time, or the order's
 * time for a decision made without holding state — then by arrival, since the feed reads the approved and
 * blocked topics' partitions side by side (after a restart, one partition's backlog after another's). The
 * oldest are forgotten first when there are more than {@code capacity}. A retry's repeated decision carries
 * its first decision's times, so it is listed next to it.
 */
final class RecentDecisions {

    private record Slot(Instant decidedAt, long arrival) {
        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::decidedAt).thenComparingLong(Slot::arrival);
    }

    private final int capacity;
    private final NavigableMap<Slot, Decision> decisions = new TreeMap<>(Slot.ORDER);
    private long arrivals;

    RecentDecisions(int capacity) {
        this.capacity = capacity;
    }

    static Instant decidedAt(Decision decision) {
        return decision.getEvaluatedAt() != null ? decision.getEvaluatedAt() : decision.getOrderAt();
    }

    synchronized void add(Decision decision) {
        decisions.put(new Slot(decidedAt(decision), arrivals++), decision);
        while (decisions.size() > capacity) {
            decisions.pollFirstEntry();
        }
    }

    /** Up to {@code limit} decisions, newest first, of {@code investorId} unless it is null. */
    synchronized List<Decision> newestFirst(String investorId, int limit) {
        List<Decision> found = new ArrayList<>(Math.min(limit, decisions.size()));
        for (Decision decision : decisions.descendingMap().values()) {
            if (found.size() == limit) {
                break;
            }
            if (investorId == null || investorId.equals(decision.getInvestorId())) {
                found.add(decision);
            }
        }
        return found;
    }
}
