package com.lockupguard.topology;

import com.lockupguard.rules.Decision;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionRuling;

/** Told of every decision, report result and dead letter the topology produces: the hook for metrics and live views. */
public interface DecisionObserver {

    DecisionObserver NONE = new DecisionObserver() {
    };

    /**
     * A decision was forwarded for an order record with timestamp {@code orderTimestamp}; {@code repeated} when it
     * is a retry's answer, the order id's first decision emitted again (RULES.md §4.2), which decided nothing new.
     * By default the same as {@link #decided(Decision, long)}, for an observer that does not tell them apart.
     */
    default void decided(Decision decision, long orderTimestamp, boolean repeated) {
        decided(decision, orderTimestamp);
    }

    /** A decision, first or repeated, was forwarded for an order record with timestamp {@code orderTimestamp}. */
    default void decided(Decision decision, long orderTimestamp) {
    }

    /** A result (and its alert, if any) was forwarded for an execution report with timestamp {@code reportTimestamp}. */
    default void reported(ExecutionRequest report, ExecutionRuling ruling, long reportTimestamp) {
    }

    /**
     * Told, before the first decision, whether the orders topic stamps each order as the broker takes it
     * (LogAppendTime), so that an order's age is all waiting, or carries its client's stamp (CreateTime), which may
     * be history replayed.
     */
    default void ordersStampedOnArrival(boolean onArrival) {
    }

    /** A record the topology could read was dead-lettered. */
    default void deadLettered(DeadLetterReason reason) {
    }
}
