package com.lockupguard.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * What the guard keeps per holding: the agreement in force, the counters of RULES.md sections 5
 * and 9 and the evaluation clock. Counters and clock survive a new agreement version. The open
 * reservations themselves are kept per order id, beside it; the counters hold their total.
 *
 * @param clock the holding's last evaluation time, null before its first disposition or report
 */
public record HoldingState(AgreementInForce agreement, Counters counters, Instant clock) {

    public HoldingState {
        Objects.requireNonNull(agreement, "agreement");
        Objects.requireNonNull(counters, "counters");
    }

    /** A holding whose first agreement just arrived: nothing sold, no evaluation yet. */
    public static HoldingState fresh(AgreementTerms terms) {
        return new HoldingState(AgreementInForce.first(terms), Counters.NONE, null);
    }

    public AgreementTerms terms() {
        return agreement.terms();
    }

    public HoldingKey holding() {
        return terms().holding();
    }

    /** Shares sold or reserved: usedTotal of RULES.md section 9 (soldTotal of sections 4–6). */
    public long usedTotal() {
        return counters.usedTotal();
    }

    /** Evaluation time of an order or report at {@code at}: time never runs backwards per holding. */
    public Instant evaluationTime(Instant at) {
        return clock != null && clock.isAfter(at) ? clock : at;
    }

    public boolean isSoldOut() {
        return counters.usedTotal() >= terms().totalShares();
    }

    /**
     * Whether shares have been used at or after the First Release instant, which freezes the calendar
     * (RULES.md sections 1 and 9): a stray sale in the lock-up does not.
     */
    public boolean hasUsedSharesSinceFirstRelease() {
        return counters.usedTotal() - counters.lockupConsumed() > 0;
    }

    /** The next agreement version in force, counters and clock carried over. */
    HoldingState withTerms(AgreementTerms newTerms) {
        return new HoldingState(agreement.next(newTerms), counters, clock);
    }

    HoldingState withClock(Instant t) {
        return new HoldingState(agreement, counters, t);
    }

    HoldingState with(Counters newCounters) {
        return new HoldingState(agreement, newCounters, clock);
    }
}
