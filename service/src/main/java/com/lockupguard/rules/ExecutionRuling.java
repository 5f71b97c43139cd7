package com.lockupguard.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * What the rules made of one execution report (RULES.md section 9) and what the caller must store.
 *
 * @param covered     for an applied FILL, the shares its order's live reservation covered; else null
 * @param released    for an applied CANCEL, the shares its order's reservation gave back; else null
 * @param alert       the uncovered shares of an applied FILL, or null
 * @param evaluatedAt for an applied report, the holding's evaluation time; else null
 * @param stateAfter  for an applied report, the holding's new state (its clock moved); else null
 * @param position    for an applied report, the holding's position after it; else null
 * @param reservation the report's order's reservation, when the report changed it; else null
 * @param remember    whether to remember the execution id (only applied reports are)
 */
public record ExecutionRuling(ExecutionResult result, Long covered, Long released, Alert alert, Instant evaluatedAt,
        HoldingState stateAfter, Position position, ReservationChange reservation, boolean remember) {

    /** A reservation after a report: still open with less rest, filled, or cancelled. */
    public record ReservationChange(String orderId, Reservation after, ReservationStatus status) {
        public ReservationChange {
            Objects.requireNonNull(orderId, "orderId");
            if ((after != null) != (status == ReservationStatus.OPEN)) {
                throw new IllegalArgumentException("an open reservation has its rest, a closed one none");
            }
        }
    }

    public ExecutionRuling {
        Objects.requireNonNull(result, "result");
        if ((result == ExecutionResult.APPLIED) != (stateAfter != null) || remember != (stateAfter != null)) {
            throw new IllegalArgumentException("only an applied report changes the holding and is remembered");
        }
    }

    static ExecutionRuling notApplied(ExecutionResult result) {
        return new ExecutionRuling(result, null, null, null, null, null, null, null, false);
    }
}
