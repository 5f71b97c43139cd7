package com.lockupguard.state;

import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.ReservationStatus;
import java.util.Objects;

/**
 * An order id the guard decided for a holding, as the seen-orders store keeps it: the first order's
 * kind and quantity, its decision exactly as written to its topic, and — for an approved sale or
 * transfer — where its reservation stands, with the open reservation itself while it is open.
 *
 * @param decision     the first decision in the wire format of its topic (orders-approved or orders-blocked),
 *                     emitted again, marked as repeated, for a retry
 * @param status       the reservation's status, or null when the order opened none
 * @param reservation  the open reservation when status is OPEN; null when closed, or (status OPEN) in a value
 *                     written by a guard that kept open reservations in a store of their own
 * @param rememberedAt wall-clock epoch millis from which the id's retention runs: when the guard first saw the
 *                     order, or when its reservation closed; {@link #SINCE_UNKNOWN} in a value written before
 *                     the guard kept it
 */
public record RememberedOrder(OrderKind kind, long quantity, Outcome outcome, byte[] decision,
        ReservationStatus status, Reservation reservation, long rememberedAt) {

    /** The rememberedAt of a value written by a guard that did not keep it: its retention starts when it is next swept. */
    public static final long SINCE_UNKNOWN = Long.MIN_VALUE;

    public RememberedOrder {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(decision, "decision");
        if (reservation != null && status != ReservationStatus.OPEN) {
            throw new IllegalArgumentException("only an open reservation is kept, status is " + status);
        }
    }

    /** A first decision: its reservation, if it opened one, is open. */
    public static RememberedOrder decided(OrderKind kind, long quantity, Outcome outcome, byte[] decision,
            Reservation opened, long now) {
        return new RememberedOrder(kind, quantity, outcome, decision, opened == null ? null : ReservationStatus.OPEN,
                opened, now);
    }

    /** What the rules need to know of the id. */
    public PriorOrder prior() {
        return new PriorOrder(kind, quantity, outcome, status);
    }

    /** Whether the reservation is open but kept elsewhere: a value of a guard older than this one. */
    public boolean hasReservationElsewhere() {
        return status == ReservationStatus.OPEN && reservation == null;
    }

    /** The same order with its open reservation as it now stands. */
    public RememberedOrder withOpen(Reservation open) {
        return new RememberedOrder(kind, quantity, outcome, decision, ReservationStatus.OPEN, open, rememberedAt);
    }

    /** The same order with its reservation closed at {@code now}: the id's retention runs again from then. */
    public RememberedOrder closed(ReservationStatus closedAs, long now) {
        if (closedAs == ReservationStatus.OPEN) {
            throw new IllegalArgumentException("a closed reservation is FILLED or CANCELLED");
        }
        return new RememberedOrder(kind, quantity, outcome, decision, closedAs, null, now);
    }

    /** The same order, its retention running from {@code since}. */
    public RememberedOrder rememberedSince(long since) {
        return new RememberedOrder(kind, quantity, outcome, decision, status, reservation, since);
    }
}
