package com.lockupguard.topology;

import java.util.List;
import java.util.Objects;

/** The guard's topic names. */
public record TopicNames(String agreements, String orders, String approved, String blocked, String deadLetters,
        String positions) {

    public TopicNames {
        Objects.requireNonNull(agreements, "agreements");
        Objects.requireNonNull(orders, "orders");
        Objects.requireNonNull(approved, "approved");
        Objects.requireNonNull(blocked, "blocked");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(positions, "positions");
    }

    public static TopicNames defaults() {
        return new TopicNames("agreements", "orders", "orders-approved", "orders-blocked", "orders-dlq",
                "holding-positions");
    }

    /** The two inputs: keyed by holding and co-partitioned. */
    public List<String> inputs() {
        return List.of(agreements, orders);
    }

    public List<String> all() {
        return List.of(agreements, orders, approved, blocked, deadLetters, positions);
    }
}
