package com.lockupguard.web;

/** Whether the guard is alive and ready to decide, for /health/live and /health/ready. */
public interface Health {

    /** Not failed: the process should be left running. */
    boolean live();

    /** Running and its stores queryable: decisions and queries will be answered now. */
    boolean ready();

    /** A word for people: RUNNING, REBALANCING, ... */
    String state();

    /**
     * Whether the guard is stopping, or has stopped, deciding: on its own (a topic of its changed, a permission it
     * needs is gone) or because Kafka Streams failed. An order sent now would not be decided by this instance.
     */
    default boolean stopping() {
        return false;
    }

    /** Why it is not ready when {@link #state()} does not say (the decision feed is down, say), or null. */
    default ReadinessReason reason() {
        return null;
    }
}
