package com.lockupguard.rules;

import java.util.Objects;

/**
 * Shares sold that no live approval covered (RULES.md section 9).
 *
 * @param quantity          the uncovered shares, counted as sold anyway
 * @param allowedNow        the maxAllowedNow an order of the reservation's kind (a public sale when there
 *                          was none) would have got at the fill's evaluation time, before they were counted
 * @param breachesAgreement whether the uncovered shares are more than that: the agreement itself was broken
 * @param allowedFor        the kind allowedNow is for: the reservation's, or PUBLIC_SALE
 */
public record Alert(AlertType type, long quantity, boolean breachesAgreement, long allowedNow, OrderKind allowedFor) {

    public Alert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(allowedFor, "allowedFor");
        if (quantity <= 0 || allowedNow < 0) {
            throw new IllegalArgumentException("an alert is about some uncovered shares");
        }
        if (breachesAgreement != (quantity > allowedNow)) {
            throw new IllegalArgumentException("breachesAgreement is quantity > allowedNow");
        }
    }

    static Alert of(AlertType type, long quantity, long allowedNow, OrderKind allowedFor) {
        return new Alert(type, quantity, quantity > allowedNow, allowedNow, allowedFor);
    }
}
