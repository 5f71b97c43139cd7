package com.lockupguard.topology;

import com.lockupguard.rules.Decision;

/** Told of every decision and dead letter the topology produces: the hook for metrics and live views. */
public interface DecisionObserver {

    DecisionObserver NONE = new DecisionObserver() {
    };

    /** A decision was forwarded for an order record with timestamp {@code orderTimestamp}. */
    default void decided(Decision decision, long orderTimestamp) {
    }

    /** A record the topology could read was dead-lettered. */
    default void deadLettered(DeadLetterReason reason) {
    }
}
