package com.lockupguard.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * What the guard keeps per holding: the agreement in force, the counters of RULES.md section 5
 * and the evaluation clock. Counters and clock survive a new agreement version.
 *
 * @param trancheUsedPeriod period index k whose tranche {@code trancheUsed} counts, -1 for none;
 *                          earlier periods' tranches have lapsed, since the clock never runs backwards
 * @param clock the holding's last evaluation time, null before its first disposition
 */
public record HoldingState(
        AgreementInForce agreement,
        long soldTotal,
        long soldInFirstWindow,
        long carryUsed,
        long trancheUsedPeriod,
        long trancheUsed,
        Instant clock) {

    public HoldingState {
        Objects.requireNonNull(agreement, "agreement");
        if (soldTotal < 0 || soldInFirstWindow < 0 || carryUsed < 0 || trancheUsed < 0 || trancheUsedPeriod < -1) {
            throw new IllegalArgumentException("counters must not be negative");
        }
    }

    /** A holding whose first agreement just arrived: nothing sold, no evaluation yet. */
    public static HoldingState fresh(AgreementTerms terms) {
        return new HoldingState(AgreementInForce.first(terms), 0, 0, 0, -1, 0, null);
    }

    public AgreementTerms terms() {
        return agreement.terms();
    }

    public HoldingKey holding() {
        return terms().holding();
    }

    /** Shares of period k's tranche already used. */
    public long trancheUsedIn(long k) {
        return trancheUsedPeriod == k ? trancheUsed : 0;
    }

    /** Evaluation time of an order at {@code at}: time never runs backwards per holding. */
    public Instant evaluationTime(Instant at) {
        return clock != null && clock.isAfter(at) ? clock : at;
    }

    public boolean isSoldOut() {
        return soldTotal >= terms().totalShares();
    }

    /** The next agreement version in force, counters and clock carried over. */
    HoldingState withTerms(AgreementTerms newTerms) {
        return new HoldingState(agreement.next(newTerms), soldTotal, soldInFirstWindow, carryUsed, trancheUsedPeriod,
                trancheUsed, clock);
    }

    HoldingState withClock(Instant t) {
        return new HoldingState(agreement, soldTotal, soldInFirstWindow, carryUsed, trancheUsedPeriod, trancheUsed, t);
    }

    HoldingState withCounters(long newSoldTotal, long newSoldInFirstWindow, long newCarryUsed,
            long newTrancheUsedPeriod, long newTrancheUsed) {
        return new HoldingState(agreement, newSoldTotal, newSoldInFirstWindow, newCarryUsed, newTrancheUsedPeriod,
                newTrancheUsed, clock);
    }
}
