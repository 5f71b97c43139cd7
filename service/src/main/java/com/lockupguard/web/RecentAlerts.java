package com.lockupguard.web;

import com.lockupguard.avro.ComplianceAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The latest compliance alerts in memory, ordered by the guard's evaluation time (then by arrival,
 * since the feed reads partitions side by side): the oldest are forgotten first when there are
 * more than {@code capacity}.
 */
final class RecentAlerts {

    private record Slot(Instant evaluatedAt, long arrival) {
        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::evaluatedAt).thenComparingLong(Slot::arrival);
    }

    private final int capacity;
    private final NavigableMap<Slot, ComplianceAlert> alerts = new TreeMap<>(Slot.ORDER);
    private long arrivals;

    RecentAlerts(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(ComplianceAlert alert) {
        alerts.put(new Slot(alert.getEvaluatedAt(), arrivals++), alert);
        while (alerts.size() > capacity) {
            alerts.pollFirstEntry();
        }
    }

    /** Up to {@code limit} alerts, newest first, of {@code investorId} and {@code securityId} where they are not null. */
    synchronized List<ComplianceAlert> newestFirst(String investorId, String securityId, int limit) {
        List<ComplianceAlert> found = new ArrayList<>(Math.min(limit, alerts.size()));
        for (ComplianceAlert alert : alerts.descendingMap().values()) {
            if (found.size() == limit) {
                break;
            }
            if ((investorId == null || investorId.equals(alert.getInvestorId()))
                    && (securityId == null || securityId.equals(alert.getSecurityId()))) {
                found.add(alert);
            }
        }
        return found;
    }
}
