package com.lockupguard.rules;

/**
 * The window an instant falls in: a phase, and for {@link Phase#PERIOD} the period index k
 * (0 from the Second Release Date). {@code period} is -1 outside PERIOD.
 */
public record Window(Phase phase, long period) {

    public static final Window LOCKUP = new Window(Phase.LOCKUP, -1);
    public static final Window FIRST = new Window(Phase.FIRST, -1);

    public Window {
        if ((phase == Phase.PERIOD) != (period >= 0)) {
            throw new IllegalArgumentException("period index " + period + " does not fit phase " + phase);
        }
    }

    public static Window period(long k) {
        return new Window(Phase.PERIOD, k);
    }

    /** Whether this window comes after {@code other}: LOCKUP, FIRST, then PERIOD 0, 1, 2, ... */
    public boolean isLaterThan(Window other) {
        return phase != other.phase ? phase.compareTo(other.phase) > 0 : period > other.period;
    }

    @Override
    public String toString() {
        return phase == Phase.PERIOD ? "PERIOD " + period : phase.name();
    }
}
