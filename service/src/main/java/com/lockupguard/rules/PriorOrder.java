package com.lockupguard.rules;

import java.util.Objects;

/** An order id already decided for a holding: its content and its first decision. */
public record PriorOrder(OrderKind kind, long quantity, Decision decision) {

    public PriorOrder {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(decision, "decision");
    }
}
