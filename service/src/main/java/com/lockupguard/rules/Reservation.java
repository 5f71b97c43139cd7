package com.lockupguard.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * An approved disposition's open reservation (RULES.md section 9): how its quantity was consumed
 * and how much of it fills (or a later-window fill's give-back) have taken.
 *
 * @param window      the window it was approved in: fills evaluated there (or earlier) use it
 * @param fromTranche of the quantity, what came from period k's tranche (non-cumulative PERIOD k)
 * @param fromCarry   of the quantity, what came from the carried First Release Shares (non-cumulative PERIOD k)
 * @param taken       what fills and give-backs have taken from it so far, tranche part first
 * @param openedAt    the approval's evaluation time
 */
public record Reservation(String orderId, OrderKind kind, Window window, long fromTranche, long fromCarry,
        long quantity, long taken, Instant openedAt) {

    public Reservation {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(openedAt, "openedAt");
        if (kind == OrderKind.PURCHASE || quantity <= 0 || taken < 0 || taken >= quantity || fromTranche < 0
                || fromCarry < 0 || fromTranche + fromCarry > quantity) {
            throw new IllegalArgumentException("not an open reservation: " + orderId + " " + kind + " "
                    + quantity + " taken " + taken);
        }
    }

    /** What is still reserved. */
    public long rest() {
        return quantity - taken;
    }

    /** Of the tranche part, what fills and give-backs have not taken yet (they take the tranche part first). */
    long fromTrancheLeft() {
        return Math.max(0, fromTranche - taken);
    }

    /** This reservation after {@code shares} more were taken, or null when that uses it up. */
    Reservation take(long shares) {
        long after = taken + shares;
        return after >= quantity ? null
                : new Reservation(orderId, kind, window, fromTranche, fromCarry, quantity, after, openedAt);
    }
}
