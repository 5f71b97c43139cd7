package com.lockupguard.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Capacity of a holding in a window (RULES.md section 4, check 6, and section 5). All arithmetic
 * compares against remaining room ({@code q > limit - sold}) so that no sum can overflow.
 */
final class Capacity {

    private Capacity() {
    }

    /** min(window capacity, totalShares - soldTotal), never negative; 0 in lock-up. */
    static long of(HoldingState state, Window window) {
        AgreementTerms terms = state.terms();
        long windowCapacity = switch (window.phase()) {
            case LOCKUP -> 0;
            case FIRST -> terms.firstReleaseShares() - state.soldTotal();
            case PERIOD -> terms.trancheMode() == TrancheMode.NON_CUMULATIVE
                    ? trancheLeft(state, window.period()) + carryLeft(state)
                    : cumulativeLimit(terms, window.period()) - state.soldTotal();
        };
        return Math.max(0, Math.min(windowCapacity, terms.totalShares() - state.soldTotal()));
    }

    /** The capacity reasons that block {@code quantity} in {@code window}, in RULES.md order. */
    static List<Reason> blockingReasons(HoldingState state, Window window, long quantity) {
        AgreementTerms terms = state.terms();
        List<Reason> reasons = new ArrayList<>(2);
        switch (window.phase()) {
            case FIRST -> {
                if (quantity > terms.firstReleaseShares() - state.soldTotal()) {
                    reasons.add(Reason.FIRST_RELEASE_CAP);
                }
            }
            case PERIOD -> {
                long room = terms.trancheMode() == TrancheMode.NON_CUMULATIVE
                        ? trancheLeft(state, window.period()) + carryLeft(state)
                        : cumulativeLimit(terms, window.period()) - state.soldTotal();
                if (quantity > room) {
                    reasons.add(Reason.PERIOD_CAP);
                }
            }
            case LOCKUP -> throw new IllegalStateException("no capacity check in lock-up");
        }
        if (quantity > terms.totalShares() - state.soldTotal()) {
            reasons.add(Reason.TOTAL_CAP);
        }
        return reasons;
    }

    /** Section 5: what an approved {@code quantity} in {@code window} consumes. */
    static HoldingState consume(HoldingState state, Window window, long quantity) {
        long soldTotal = state.soldTotal() + quantity;
        return switch (window.phase()) {
            case FIRST -> state.withCounters(soldTotal, state.soldInFirstWindow() + quantity, state.carryUsed(),
                    state.trancheUsedPeriod(), state.trancheUsed());
            case PERIOD -> {
                if (state.terms().trancheMode() == TrancheMode.CUMULATIVE) {
                    yield state.withCounters(soldTotal, state.soldInFirstWindow(), state.carryUsed(),
                            state.trancheUsedPeriod(), state.trancheUsed());
                }
                long k = window.period();
                long fromTranche = Math.min(quantity, trancheLeft(state, k));
                yield state.withCounters(soldTotal, state.soldInFirstWindow(),
                        state.carryUsed() + (quantity - fromTranche), k, state.trancheUsedIn(k) + fromTranche);
            }
            case LOCKUP -> throw new IllegalStateException("nothing is consumed in lock-up");
        };
    }

    /** trancheShares - trancheUsed(k), floored at 0. */
    static long trancheLeft(HoldingState state, long k) {
        return Math.max(0, state.terms().trancheShares() - state.trancheUsedIn(k));
    }

    /** First Release Shares unsold at SRD and not yet sold since: sellable at any time. Floored at 0. */
    static long carryLeft(HoldingState state) {
        return Math.max(0, state.terms().firstReleaseShares() - state.soldInFirstWindow() - state.carryUsed());
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
