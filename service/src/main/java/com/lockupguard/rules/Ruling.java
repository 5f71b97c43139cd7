package com.lockupguard.rules;

/**
 * What the rules decided for one order and what the caller must store.
 *
 * @param stateAfter the holding's new state, or null when the holding does not change
 * @param remember   whether to remember the order id with this decision (RULES.md section 4, check 2)
 */
public record Ruling(Decision decision, HoldingState stateAfter, boolean remember) {
}
