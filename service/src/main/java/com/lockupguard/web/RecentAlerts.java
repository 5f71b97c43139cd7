package com.lockupguard.web;

import com.lockupguard.avro.ComplianceAlert;
import java.util.List;

/**
 * The latest compliance alerts in memory, newest first by the guard's evaluation time: the oldest
 * are forgotten first when there are more than {@code capacity}.
 */
final class RecentAlerts {

    private final NewestFirst<ComplianceAlert> alerts;

    RecentAlerts(int capacity) {
        alerts = new NewestFirst<>(capacity, ComplianceAlert::getEvaluatedAt);
    }

    void add(ComplianceAlert alert) {
        alerts.add(alert);
    }

    /** Up to {@code limit} alerts, newest first, of {@code investorId} and {@code securityId} where they are not null. */
    List<ComplianceAlert> newestFirst(String investorId, String securityId, int limit) {
        return alerts.list(alert -> (investorId == null || investorId.equals(alert.getInvestorId()))
                && (securityId == null || securityId.equals(alert.getSecurityId())), limit);
    }
}
