package com.lockupguard.rules;

import java.util.Objects;

/**
 * An order id already decided for a holding: its content, the outcome of its first decision and, for
 * an approved disposition, where its reservation stands ({@code status}; null when the order opened
 * none, or was approved before reservations were kept, which counts as filled: its shares were counted
 * as sold). The first decision itself stays with the caller, who answers a retry with it.
 */
public record PriorOrder(OrderKind kind, long quantity, Outcome outcome, ReservationStatus status) {

    public PriorOrder {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The id of {@code decision}'s order, remembered with it. */
    public static PriorOrder of(OrderKind kind, long quantity, Decision decision) {
        return new PriorOrder(kind, quantity, decision.outcome(), null);
    }

    /** Whether a sale or transfer with this id was approved on the holding. */
    public boolean isApprovedDisposition() {
        return outcome == Outcome.APPROVED && kind != OrderKind.PURCHASE;
    }

    /** Where its reservation stands now that it is not open: filled unless a CANCEL released it. */
    ReservationStatus closedStatus() {
        return status == ReservationStatus.CANCELLED ? ReservationStatus.CANCELLED : ReservationStatus.FILLED;
    }
}
