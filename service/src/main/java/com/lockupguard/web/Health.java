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

    /** Whether it is ready, and the state it was read in: a 200 never comes with a state that says otherwise. */
    record Readiness(boolean ready, String state) {
    }

    /**
     * {@link #ready()} with {@link #state()} as one answer. An implementation whose state can move between the two
     * reads (a rebalance starting) reads it once: read one after the other, a guard was seen answering 200 with
     * {@code "state":"REBALANCING"}.
     */
    default Readiness readiness() {
        String state = state();
        return new Readiness(ready(), state);
    }

    /** Why it is not ready when {@link #state()} does not say (the decision feed is down, say), or null. */
    default ReadinessReason reason() {
        return null;
    }
}
