package com.lockupguard.topology;

/**
 * Who stamps the orders topic's records, as the start finds the topic: the broker as it takes them
 * ({@code LogAppendTime}, the default), so that a record's time is the broker's clock, or their producers
 * ({@code CreateTime}), whose times may be history or a clock running fast. Unknown until the start has read the topic:
 * taken as the producers' meanwhile, and in the replay and tests.
 */
public final class OrderStamps {

    private volatile boolean byBroker;

    public void set(boolean stampedByBroker) {
        this.byBroker = stampedByBroker;
    }

    /**
     * From when an id (or a reservation's close) is remembered: the guard's clock or, on a topic the broker stamps, the
     * record's time when that is later. A guard whose clock runs behind the broker's (a host months behind, set right
     * later) would otherwise count the retention from a time already past at the correction, and forget at once ids
     * it saw moments before, deciding a resend again. A producer's time is not taken: one stamped years ahead would
     * keep its id for years.
     */
    long rememberedFrom(long wallClock, long recordTimestamp) {
        return byBroker ? Math.max(wallClock, recordTimestamp) : wallClock;
    }
}
