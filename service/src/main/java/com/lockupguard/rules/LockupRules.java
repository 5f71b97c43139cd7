package com.lockupguard.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rule engine: RULES.md as pure functions, no Kafka. Callers load the holding's state and
 * the order id's prior decision, ask, then store what the {@link Ruling} says.
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
                    ? new Ruling(prior.decision(), null, false, true)
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
        LockupCalendar calendar = clocked.terms().calendar();
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
        // 7. approved, maxAllowedNow computed before the order is applied
        HoldingState after = Capacity.consume(clocked, window, order.quantity());
        Decision decision = new Decision(order, orderAt, Outcome.APPROVED, List.of(), capacity, t,
                position(after, t, calendar));
        return new Ruling(decision, after, true, false);
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
        return new Ruling(decision, clocked, true, false);
    }

    private static Ruling unchanged(Decision decision, boolean remember) {
        return new Ruling(decision, null, remember, false);
    }

    /**
     * Applies a valid agreement version to a holding (RULES.md section 1). Once anything is sold,
     * a version that would move the calendar is rejected.
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
        if (current.soldTotal() > 0) {
            String move = calendarMove(current.terms(), terms);
            if (move != null) {
                return new AgreementUpdate.Rejected("the holding has already sold " + current.soldTotal()
                        + " shares, so its calendar cannot move (" + move
                        + "); a correction after sales is a manual compliance action");
            }
        }
        return new AgreementUpdate.Applied(current.withTerms(terms));
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

    /** The holding's position at instant t (RULES.md section 6). */
    public Position position(HoldingState state, Instant t) {
        return position(state, t, state.terms().calendar());
    }

    private static Position position(HoldingState state, Instant t, LockupCalendar calendar) {
        Window window = calendar.windowAt(t);
        boolean registered = calendar.registeredAt(t);
        long capacity = Capacity.of(state, window);
        long availableNow = window.phase() == Phase.LOCKUP || !registered ? 0 : capacity;
        Instant nextReleaseAt = null;
        Long availableAtNextRelease = null;
        if (!state.isSoldOut()) {
            nextReleaseAt = calendar.nextWindowStart(window);
            availableAtNextRelease = Capacity.of(state, calendar.windowAt(nextReleaseAt));
        }
        AgreementTerms terms = state.terms();
        return new Position(terms.holding(), t, window, registered, terms.totalShares(), state.soldTotal(), capacity,
                state.soldTotal() + capacity, availableNow, nextReleaseAt, availableAtNextRelease,
                calendar.firstRelease(), calendar.secondReleaseStart(), calendar.rule144Date(),
                state.agreement().version(), state.agreement().termsHash());
    }
}
