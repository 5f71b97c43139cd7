package com.lockupguard.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rule engine: RULES.md as pure functions, no Kafka. Callers load the holding's state and
 * what they remember of the order or execution id, ask, then store what the ruling says.
 */
public final class LockupRules {

    /**
     * Decides one order (RULES.md section 4).
     *
     * @param at      the order record's timestamp
     * @param holding the holding's state, or null when no agreement has arrived for it
     * @param prior   the first order with this id on this holding, or null
     */
    public Ruling decide(OrderRequest order, Instant at, HoldingState holding, PriorOrder prior) {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(at, "at");
        Instant orderAt = SupportedTime.toMillis(at);
        // 1. a malformed order: nothing else is checked, nothing changes, nothing is remembered
        if (!order.isWellFormed() || !SupportedTime.contains(orderAt)) {
            return unchanged(Decision.blockedWithoutState(order, orderAt, Reason.INVALID_ORDER), false);
        }
        // 2. a retry gets its first answer; a reused id with new content is blocked
        if (prior != null) {
            return order.sameContentAs(prior)
                    ? Ruling.REPEATED
                    : unchanged(Decision.blockedWithoutState(order, orderAt, Reason.DUPLICATE_ORDER_ID), false);
        }
        // 3. a purchase is not a disposition
        if (order.kind() == OrderKind.PURCHASE) {
            return unchanged(new Decision(order, orderAt, Outcome.APPROVED, List.of(), null, null, null), true);
        }
        // 4. fail closed
        if (holding == null) {
            return unchanged(Decision.blockedWithoutState(order, orderAt, Reason.UNKNOWN_AGREEMENT), true);
        }
        return decideDisposition(order, orderAt, holding);
    }

    private Ruling decideDisposition(OrderRequest order, Instant orderAt, HoldingState holding) {
        Instant t = holding.evaluationTime(orderAt);
        HoldingState clocked = holding.withClock(t);
        LockupCalendar calendar = clocked.agreement().calendar();
        Window window = calendar.windowAt(t);
        // 5. windows and registration
        List<Reason> gates = gates(order.kind(), window, calendar.registeredAt(t));
        if (!gates.isEmpty()) {
            return blocked(order, orderAt, gates, 0, t, clocked, calendar);
        }
        // 6. capacity
        long capacity = Capacity.of(clocked, window);
        List<Reason> caps = Capacity.blockingReasons(clocked, window, order.quantity());
        if (!caps.isEmpty()) {
            return blocked(order, orderAt, caps, capacity, t, clocked, calendar);
        }
        // 7. approved, maxAllowedNow computed before the order is applied; the approval opens a reservation
        long quantity = order.quantity();
        long fromTranche = Capacity.fromTranche(clocked, window, quantity);
        long fromCarry = window.phase() == Phase.PERIOD && clocked.terms().trancheMode() == TrancheMode.NON_CUMULATIVE
                ? quantity - fromTranche : 0;
        Reservation reservation = new Reservation(order.orderId(), order.kind(), window, fromTranche, fromCarry,
                quantity, 0, t);
        HoldingState after = Capacity.consume(clocked, window, quantity);
        after = after.with(after.counters().withReserved(quantity));
        Decision decision = new Decision(order, orderAt, Outcome.APPROVED, List.of(), capacity, t,
                position(after, t, calendar));
        return new Ruling(decision, after, true, false, reservation);
    }

    private static List<Reason> gates(OrderKind kind, Window window, boolean registered) {
        List<Reason> reasons = new ArrayList<>(3);
        if (window.phase() == Phase.LOCKUP) {
            reasons.add(Reason.LOCKUP_ACTIVE);
        }
        if (window.phase() == Phase.FIRST && kind != OrderKind.PUBLIC_SALE) {
            reasons.add(Reason.TRANSFER_NOT_PERMITTED);
        }
        if (kind == OrderKind.PUBLIC_SALE && !registered) {
            reasons.add(Reason.NOT_REGISTERED);
        }
        return reasons;
    }

    private Ruling blocked(OrderRequest order, Instant orderAt, List<Reason> reasons, long maxAllowedNow, Instant t,
            HoldingState clocked, LockupCalendar calendar) {
        Decision decision = new Decision(order, orderAt, Outcome.BLOCKED, reasons, maxAllowedNow, t,
                position(clocked, t, calendar));
        return new Ruling(decision, clocked, true, false, null);
    }

    private static Ruling unchanged(Decision decision, boolean remember) {
        return new Ruling(decision, null, remember, false, null);
    }

    /**
     * Applies one execution report (RULES.md section 9).
     *
     * @param at          the report record's timestamp (when it happened)
     * @param holding     the holding's state, or null when no agreement has arrived for it
     * @param prior       the first report with this execution id on this holding, or null
     * @param order       what is remembered of the report's order id on this holding, or null
     * @param reservation the order's open reservation, or null when it has none open
     */
    public ExecutionRuling applyExecution(ExecutionRequest report, Instant at, HoldingState holding,
            PriorExecution prior, PriorOrder order, Reservation reservation) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(at, "at");
        Instant reportAt = SupportedTime.toMillis(at);
        // 1. a malformed report
        if (!report.isWellFormed() || !SupportedTime.contains(reportAt)) {
            return ExecutionRuling.notApplied(ExecutionResult.INVALID);
        }
        // 2. a transport retry is ignored; a reused id with other content is refused
        if (prior != null) {
            return ExecutionRuling.notApplied(report.sameContentAs(prior)
                    ? ExecutionResult.DUPLICATE : ExecutionResult.DUPLICATE_EXECUTION_ID);
        }
        // 3. fail closed
        if (holding == null) {
            return ExecutionRuling.notApplied(ExecutionResult.UNKNOWN_AGREEMENT);
        }
        // 4. applied at t, which moves the holding's clock
        Instant t = holding.evaluationTime(reportAt);
        HoldingState clocked = holding.withClock(t);
        return report.kind() == ExecutionKind.CANCEL
                ? cancel(report, t, clocked, reservation)
                : fill(report, t, clocked, order, reservation);
    }

    private ExecutionRuling cancel(ExecutionRequest report, Instant t, HoldingState state, Reservation reservation) {
        if (reservation == null) {
            return applied(t, state, null, 0L, null, null);
        }
        long rest = reservation.rest();
        HoldingState released = release(state, reservation, rest);
        return applied(t, released, null, rest, null,
                new ExecutionRuling.ReservationChange(reservation.orderId(), null, ReservationStatus.CANCELLED));
    }

    private ExecutionRuling fill(ExecutionRequest report, Instant t, HoldingState state, PriorOrder order,
            Reservation reservation) {
        long q = report.quantity();
        if (order != null && order.kind() == OrderKind.PURCHASE && order.outcome() == Outcome.APPROVED) {
            return applied(t, state, 0L, null, null, null); // a purchase is not a disposition
        }
        LockupCalendar calendar = state.agreement().calendar();
        Window window = calendar.windowAt(t);
        long covered = 0;
        AlertType uncoveredAs;
        ExecutionRuling.ReservationChange change = null;
        OrderKind kind = OrderKind.PUBLIC_SALE;
        if (reservation != null) {
            kind = reservation.kind();
            long taken = Math.min(q, reservation.rest());
            if (window.isLaterThan(reservation.window())) {
                // a reservation covers fills only while its window lasts: the shares it would have covered go back
                // to its window's buckets, and all q are counted where they sold
                state = release(state, reservation, taken);
                uncoveredAs = AlertType.LATE_FILL;
            } else {
                covered = taken;
                state = state.with(state.counters().withReserved(-taken));
                uncoveredAs = AlertType.OVERFILL;
            }
            Reservation after = reservation.take(taken);
            change = new ExecutionRuling.ReservationChange(reservation.orderId(), after,
                    after == null ? ReservationStatus.FILLED : ReservationStatus.OPEN);
        } else if (order != null && order.isApprovedDisposition()) {
            kind = order.kind();
            uncoveredAs = order.closedStatus() == ReservationStatus.CANCELLED ? AlertType.LATE_FILL : AlertType.OVERFILL;
        } else {
            uncoveredAs = AlertType.UNAPPROVED_SALE;
        }
        long uncovered = q - covered;
        Alert alert = null;
        if (uncovered > 0) {
            long allowedNow = maxAllowedNow(kind, state, window, calendar.registeredAt(t));
            state = Capacity.consume(state, window, uncovered);
            alert = Alert.of(uncoveredAs, uncovered, allowedNow, kind);
        }
        return applied(t, state, covered, null, alert, change);
    }

    /** {@code shares} of an open reservation given back to its window's buckets, and no longer reserved. */
    private static HoldingState release(HoldingState state, Reservation reservation, long shares) {
        // no longer reserved first: reserved shares are part of the used ones, never more
        return Capacity.giveBack(state.with(state.counters().withReserved(-shares)), reservation, shares);
    }

    /** The maxAllowedNow an order of {@code kind} would get in {@code window}: 0 where a gate blocks it. */
    private static long maxAllowedNow(OrderKind kind, HoldingState state, Window window, boolean registered) {
        return gates(kind, window, registered).isEmpty() ? Capacity.of(state, window) : 0;
    }

    private ExecutionRuling applied(Instant t, HoldingState state, Long covered, Long released, Alert alert,
            ExecutionRuling.ReservationChange change) {
        return new ExecutionRuling(ExecutionResult.APPLIED, covered, released, alert, t, state, position(state, t),
                change, true);
    }

    /**
     * Applies a valid agreement version to a holding (RULES.md section 1). Once shares have been used
     * at or after the First Release instant, a version that would move the calendar is rejected.
     *
     * @param current the holding's state, or null for its first agreement
     */
    public AgreementUpdate applyAgreement(HoldingState current, AgreementTerms terms) {
        Objects.requireNonNull(terms, "terms");
        if (current == null) {
            return new AgreementUpdate.Applied(HoldingState.fresh(terms));
        }
        if (!current.holding().equals(terms.holding())) {
            throw new IllegalArgumentException("agreement for " + terms.holding() + " applied to " + current.holding());
        }
        String move = calendarMove(current.terms(), terms);
        if (move == null) {
            return new AgreementUpdate.Applied(current.withTerms(terms));
        }
        if (current.hasUsedSharesSinceFirstRelease()) {
            return new AgreementUpdate.Rejected("the holding has already used " + current.usedTotal()
                    + " shares, so its calendar cannot move (" + move
                    + "); a correction after sales is a manual compliance action");
        }
        // the new calendar numbers its periods afresh; no period has used any of its tranche
        return new AgreementUpdate.Applied(current.withTerms(terms).with(current.counters().withPeriodsRenumbered()));
    }

    private static String calendarMove(AgreementTerms before, AgreementTerms after) {
        if (!before.timeZone().equals(after.timeZone())) {
            return "timeZone " + before.timeZone() + " -> " + after.timeZone();
        }
        if (before.trancheDays() != after.trancheDays()) {
            return "trancheDays " + before.trancheDays() + " -> " + after.trancheDays();
        }
        if (before.trancheMode() != after.trancheMode()) {
            return "trancheMode " + before.trancheMode() + " -> " + after.trancheMode();
        }
        LockupCalendar was = before.calendar();
        LockupCalendar now = after.calendar();
        if (!was.firstRelease().equals(now.firstRelease())) {
            return "First Release instant " + was.firstRelease() + " -> " + now.firstRelease();
        }
        if (!was.secondReleaseDate().equals(now.secondReleaseDate())) {
            return "Second Release Date " + was.secondReleaseDate() + " -> " + now.secondReleaseDate();
        }
        return null;
    }

    /** The holding's position at instant t (RULES.md sections 6 and 9). */
    public Position position(HoldingState state, Instant t) {
        return position(state, t, state.agreement().calendar());
    }

    private static Position position(HoldingState state, Instant t, LockupCalendar calendar) {
        Window window = calendar.windowAt(t);
        boolean registered = calendar.registeredAt(t);
        long capacity = Capacity.of(state, window);
        long availableNow = window.phase() == Phase.LOCKUP || !registered ? 0 : capacity;
        Instant nextReleaseAt = null;
        Long availableAtNextRelease = null;
        if (!state.isSoldOut()) {
            nextReleaseAt = calendar.nextWindowStart(window, t);
            availableAtNextRelease = Capacity.of(state, calendar.windowAt(nextReleaseAt));
        }
        AgreementTerms terms = state.terms();
        Counters counters = state.counters();
        return new Position(terms.holding(), t, window, registered, terms.totalShares(), counters.soldToDate(),
                counters.reservedTotal(), capacity, counters.usedTotal() + capacity, availableNow, nextReleaseAt,
                availableAtNextRelease, calendar.firstRelease(), calendar.secondReleaseStart(), calendar.rule144Date(),
                state.agreement().version(), state.agreement().termsHash());
    }
}
