package com.lockupguard.rules;

/**
 * A holding's counters (RULES.md sections 5 and 9). All arithmetic on them is exact: a sum that
 * would overflow throws instead of wrapping.
 *
 * @param usedTotal           shares sold or reserved (the rules' usedTotal; sections 4–6 call it soldTotal)
 * @param soldInFirstWindow   of usedTotal, consumed in the first window or the lock-up
 * @param carryUsed           unsold First Release Shares consumed after the Second Release Date
 * @param trancheUsedPeriod   period index k whose tranche {@code trancheUsed} counts, -1 for none: the latest period
 *                            anything was consumed in
 * @param trancheUsed         shares of period trancheUsedPeriod's tranche used
 * @param previousTrancheUsed shares of the tranche of the period before trancheUsedPeriod used. Read again only where
 *                            a clock falls back across midnight: the local date, and with it the period, then runs
 *                            back by a day for an hour (America/St_Johns before 2011), into a period whose tranche
 *                            is what was left of it (RULES.md sections 2 and 4: trancheUsed(k) is per period).
 *                            Under one calendar, earlier periods have lapsed for good: the evaluation clock never
 *                            runs backwards, and a clock change moves the local date back by one day at most (a
 *                            calendar that moves numbers its periods afresh: {@link #withPeriodsRenumbered()})
 * @param lockupConsumed      of usedTotal, consumed by fills evaluated in the lock-up (they do not freeze the calendar)
 * @param reservedTotal       of usedTotal, the rests of the open reservations
 */
public record Counters(long usedTotal, long soldInFirstWindow, long carryUsed, long trancheUsedPeriod,
        long trancheUsed, long previousTrancheUsed, long lockupConsumed, long reservedTotal) {

    public static final Counters NONE = new Counters(0, 0, 0, -1, 0, 0, 0, 0);

    public Counters {
        if (usedTotal < 0 || soldInFirstWindow < 0 || carryUsed < 0 || trancheUsed < 0 || trancheUsedPeriod < -1
                || previousTrancheUsed < 0 || lockupConsumed < 0 || reservedTotal < 0 || reservedTotal > usedTotal) {
            throw new IllegalArgumentException("counters out of range: " + usedTotal + ", " + soldInFirstWindow + ", "
                    + carryUsed + ", " + trancheUsedPeriod + ", " + trancheUsed + ", " + previousTrancheUsed + ", "
                    + lockupConsumed + ", " + reservedTotal);
        }
    }

    /** Shares of period k's tranche already used. */
    public long trancheUsedIn(long k) {
        if (k == trancheUsedPeriod) {
            return trancheUsed;
        }
        return k == trancheUsedPeriod - 1 ? previousTrancheUsed : 0;
    }

    /** Shares actually sold: used, less what open reservations hold. */
    public long soldToDate() {
        return usedTotal - reservedTotal;
    }

    Counters withUsed(long delta) {
        return new Counters(Math.addExact(usedTotal, delta), soldInFirstWindow, carryUsed, trancheUsedPeriod,
                trancheUsed, previousTrancheUsed, lockupConsumed, reservedTotal);
    }

    Counters withFirstWindow(long delta) {
        return new Counters(usedTotal, Math.addExact(soldInFirstWindow, delta), carryUsed, trancheUsedPeriod,
                trancheUsed, previousTrancheUsed, lockupConsumed, reservedTotal);
    }

    Counters withCarry(long delta) {
        return new Counters(usedTotal, soldInFirstWindow, Math.addExact(carryUsed, delta), trancheUsedPeriod,
                trancheUsed, previousTrancheUsed, lockupConsumed, reservedTotal);
    }

    /** Period k's tranche used {@code delta} more (less, when negative); a lapsed period's is left alone. */
    Counters withTranche(long k, long delta) {
        if (delta == 0 || k < trancheUsedPeriod - 1) {
            return this; // the tranche of a period before the previous one has lapsed: nothing to count or give back
        }
        if (k == trancheUsedPeriod - 1) {
            // floored: a guard before this counter kept only trancheUsed, so a state it wrote reads 0 here
            return new Counters(usedTotal, soldInFirstWindow, carryUsed, trancheUsedPeriod, trancheUsed,
                    Math.max(0, Math.addExact(previousTrancheUsed, delta)), lockupConsumed, reservedTotal);
        }
        return new Counters(usedTotal, soldInFirstWindow, carryUsed, k, Math.addExact(trancheUsedIn(k), delta),
                trancheUsedIn(k - 1), lockupConsumed, reservedTotal);
    }

    /**
     * The counters under a calendar that numbers its periods afresh (an agreement version that moves it, accepted only
     * while nothing has been used since the First Release instant, so no period has used its tranche): no period
     * counted yet. Else a period before the previous one of the old numbering would count as lapsed, and sales in
     * it would not count against its tranche.
     */
    Counters withPeriodsRenumbered() {
        return new Counters(usedTotal, soldInFirstWindow, carryUsed, -1, 0, 0, lockupConsumed, reservedTotal);
    }

    Counters withLockup(long delta) {
        return new Counters(usedTotal, soldInFirstWindow, carryUsed, trancheUsedPeriod, trancheUsed,
                previousTrancheUsed, Math.addExact(lockupConsumed, delta), reservedTotal);
    }

    Counters withReserved(long delta) {
        return new Counters(usedTotal, soldInFirstWindow, carryUsed, trancheUsedPeriod, trancheUsed,
                previousTrancheUsed, lockupConsumed, Math.addExact(reservedTotal, delta));
    }
}
