package com.lockupguard.topology;

/** The guard's state stores; each is persistent and backed by a changelog topic {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

    /** Holding key to the holding's agreement, counters and evaluation clock. */
    public static final String HOLDING_STATE = "holding-state";
    /** {@code investorId/securityId/orderId} to the first order with that id and its decision. */
    public static final String SEEN_ORDERS = "seen-orders";

    private StoreNames() {
    }

    /** The seen-orders key of an order on a holding; ids never contain '/', so it is unambiguous. */
    public static String seenOrderKey(String holdingKey, String orderId) {
        return holdingKey + '/' + orderId;
    }
}
