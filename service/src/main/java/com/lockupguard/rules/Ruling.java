package com.lockupguard.rules;

/**
 * What the rules decided for one order and what the caller must store.
 *
 * @param decision   the decision to emit; null when {@code repeated}
 * @param stateAfter the holding's new state, or null when the holding does not change
 * @param remember   whether to remember the order id with this decision (RULES.md section 4, check 2)
 * @param repeated   whether the decision is the id's first decision, answered again to a retry: the
 *                   caller emits what it stored for the id, marked as repeated, and changes nothing
 * @param opened     the reservation an approved disposition opens (RULES.md section 9), or null
 */
public record Ruling(Decision decision, HoldingState stateAfter, boolean remember, boolean repeated,
        Reservation opened) {

    /** A retry of an order id decided before with the same content: answered with what was stored for it. */
    public static final Ruling REPEATED = new Ruling(null, null, false, true, null);

    public Ruling {
        if ((decision == null) != repeated) {
            throw new IllegalArgumentException("a repeated ruling carries no decision (the stored one is emitted), "
                    + "every other one does");
        }
        if (repeated && (stateAfter != null || remember)) {
            throw new IllegalArgumentException("a repeated decision changes nothing and is not remembered again");
        }
        if (opened != null && (stateAfter == null || !decision.isApproved())) {
            throw new IllegalArgumentException("only an approval on the holding opens a reservation");
        }
    }
}
