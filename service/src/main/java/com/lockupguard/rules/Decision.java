package com.lockupguard.rules;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one answer to one order (RULES.md section 6). Decisions made without holding state
 * (INVALID_ORDER, UNKNOWN_AGREEMENT, DUPLICATE_ORDER_ID, PURCHASE) carry no evaluation time and
 * no position.
 *
 * @param orderAt       timestamp of the order record
 * @param maxAllowedNow largest quantity of this kind approvable now; null only for an approved PURCHASE
 */
public record Decision(
        OrderRequest order,
        Instant orderAt,
        Outcome outcome,
        List<Reason> reasons,
        Long maxAllowedNow,
        Instant evaluatedAt,
        Position position) {

    public Decision {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(orderAt, "orderAt");
        Objects.requireNonNull(outcome, "outcome");
        reasons = List.copyOf(reasons);
        if ((outcome == Outcome.APPROVED) != reasons.isEmpty()) {
            throw new IllegalArgumentException("an approval has no reasons and a block has at least one");
        }
    }

    public boolean isApproved() {
        return outcome == Outcome.APPROVED;
    }

    static Decision blockedWithoutState(OrderRequest order, Instant orderAt, Reason reason) {
        return new Decision(order, orderAt, Outcome.BLOCKED, List.of(reason), 0L, null, null);
    }
}
