package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import java.time.Instant;
import java.util.List;

/**
 * The latest decisions in memory, newest first by decision time — the holding's evaluation time, or the
 * order's time for a decision made without holding state: the oldest are forgotten first when there are more
 * than {@code capacity}. A retry's repeated decision carries its first decision's times, so it is listed next
 * to it.
 */
final class RecentDecisions {

    private final NewestFirst<Decision> decisions;

    RecentDecisions(int capacity) {
        decisions = new NewestFirst<>(capacity, RecentDecisions::decidedAt);
    }

    static Instant decidedAt(Decision decision) {
        return decision.getEvaluatedAt() != null ? decision.getEvaluatedAt() : decision.getOrderAt();
    }

    void add(Decision decision) {
        decisions.add(decision);
    }

    /** {@code decision}, read at {@code place}: listed there among the decisions of its time. */
    void add(Decision decision, RecordPlace place) {
        decisions.add(decision, place);
    }

    /** Up to {@code limit} decisions, newest first, of {@code investorId} and {@code securityId} unless null. */
    List<Decision> newestFirst(String investorId, String securityId, int limit) {
        return decisions.list(decision -> (investorId == null || investorId.equals(decision.getInvestorId()))
                && (securityId == null || securityId.equals(decision.getSecurityId())), limit);
    }
}
