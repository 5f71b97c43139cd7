package com.lockupguard.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Capacity of a holding in a window (RULES.md section 4, check 6, and section 5), and what
 * approvals, uncovered fills and give-backs do to the counters (section 9). Comparisons are made
 * against remaining room ({@code q > limit - used}) so that no sum can overflow; sums that cannot
 * be avoided (uncovered fills are counted without any check) are exact.
 */
final class Capacity {

    private Capacity() {
    }

    /** min(window capacity, totalShares - usedTotal), never negative; 0 in lock-up. */
    static long of(HoldingState state, Window window) {
        AgreementTerms terms = state.terms();
        long used = state.usedTotal();
        long windowCapacity = switch (window.phase()) {
            case LOCKUP -> 0;
            case FIRST -> terms.firstReleaseShares() - used;
            case PERIOD -> terms.trancheMode() == TrancheMode.NON_CUMULATIVE
                    ? trancheLeft(state, window.period()) + carryLeft(state)
                    : cumulativeLimit(terms, window.period()) - used;
        };
        return Math.max(0, Math.min(windowCapacity, terms.totalShares() - used));
    }

    /** The capacity reasons that block {@code quantity} in {@code window}, in RULES.md order. */
    static List<Reason> blockingReasons(HoldingState state, Window window, long quantity) {
        AgreementTerms terms = state.terms();
        long used = state.usedTotal();
        List<Reason> reasons = new ArrayList<>(2);
        switch (window.phase()) {
            case FIRST -> {
                if (quantity > terms.firstReleaseShares() - used) {
                    reasons.add(Reason.FIRST_RELEASE_CAP);
                }
            }
            case PERIOD -> {
                long room = terms.trancheMode() == TrancheMode.NON_CUMULATIVE
                        ? trancheLeft(state, window.period()) + carryLeft(state)
                        : cumulativeLimit(terms, window.period()) - used;
                if (quantity > room) {
                    reasons.add(Reason.PERIOD_CAP);
                }
            }
            case LOCKUP -> throw new IllegalStateException("no capacity check in lock-up");
        }
        if (quantity > terms.totalShares() - used) {
            reasons.add(Reason.TOTAL_CAP);
        }
        return reasons;
    }

    /** Of {@code quantity} consumed in {@code window}, what comes from period k's tranche (section 5). */
    static long fromTranche(HoldingState state, Window window, long quantity) {
        return window.phase() == Phase.PERIOD && state.terms().trancheMode() == TrancheMode.NON_CUMULATIVE
                ? Math.min(quantity, trancheLeft(state, window.period()))
                : 0;
    }

    /**
     * Section 5: what {@code quantity} consumed in {@code window} does to the counters, whether an
     * approval consumes it or a fill no approval covered (section 9, also in the lock-up).
     */
    static HoldingState consume(HoldingState state, Window window, long quantity) {
        Counters counters = state.counters().withUsed(quantity);
        counters = switch (window.phase()) {
            case LOCKUP -> counters.withFirstWindow(quantity).withLockup(quantity);
            case FIRST -> counters.withFirstWindow(quantity);
            case PERIOD -> {
                long fromTranche = fromTranche(state, window, quantity);
                yield state.terms().trancheMode() == TrancheMode.CUMULATIVE ? counters
                        : counters.withTranche(window.period(), fromTranche).withCarry(quantity - fromTranche);
            }
        };
        return state.with(counters);
    }

    /**
     * Section 9: {@code shares} of a reservation given back to the buckets its approval consumed,
     * its tranche part first (the part fills use); a lapsed tranche stays lapsed.
     */
    static HoldingState giveBack(HoldingState state, Reservation reservation, long shares) {
        Counters counters = state.counters().withUsed(-shares);
        Window window = reservation.window();
        if (window.phase() == Phase.FIRST) {
            counters = counters.withFirstWindow(-shares);
        } else if (window.phase() == Phase.PERIOD && state.terms().trancheMode() == TrancheMode.NON_CUMULATIVE) {
            long tranche = Math.min(shares, reservation.fromTrancheLeft());
            counters = counters.withTranche(window.period(), -tranche).withCarry(-(shares - tranche));
        }
        return state.with(counters);
    }

    /** trancheShares - trancheUsed(k), floored at 0. */
    static long trancheLeft(HoldingState state, long k) {
        return Math.max(0, state.terms().trancheShares() - state.counters().trancheUsedIn(k));
    }

    /** First Release Shares unsold at SRD and not yet sold since: sellable at any time. Floored at 0. */
    static long carryLeft(HoldingState state) {
        Counters counters = state.counters();
        return Math.max(0, state.terms().firstReleaseShares() - counters.soldInFirstWindow() - counters.carryUsed());
    }

    /** min(totalShares, firstReleaseShares + (k+1) * trancheShares), without overflow for any k. */
    static long cumulativeLimit(AgreementTerms terms, long k) {
        long periods = k + 1;
        long room = terms.totalShares() - terms.firstReleaseShares();
        if (periods > room / terms.trancheShares()) {
            return terms.totalShares();
        }
        return Math.min(terms.totalShares(), terms.firstReleaseShares() + periods * terms.trancheShares());
    }
}
