package com.lockupguard.topology;

/** The guard's state stores; each is persistent and backed by a changelog topic {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

    /** Holding key to the holding's agreement, counters and evaluation clock. */
    public static final String HOLDING_STATE = "holding-state";
    /** {@code investorId/securityId/orderId} to the first order with that id and its decision. */
    public static final String SEEN_ORDERS = "seen-orders";
    /**
     * When each holding's next window boundary comes: {@code <boundary epoch millis, 19 digits>/<holding>} to the
     * holding, so that the punctuator reads only the holdings whose boundary has passed, in time order.
     */
    public static final String RELEASE_SCHEDULE = "release-schedule";

    private StoreNames() {
    }

    /** The release-schedule key of a holding's boundary at {@code epochMillis}. */
    public static String scheduleKey(long epochMillis, String holdingKey) {
        if (epochMillis < 0) {
            throw new IllegalArgumentException("a boundary before 1970: " + epochMillis);
        }
        String millis = Long.toString(epochMillis);
        StringBuilder key = new StringBuilder(20 + holdingKey.length());
        key.append("0".repeat(19 - millis.length())).append(millis).append('/').append(holdingKey);
        return key.toString();
    }

    /** The boundary instant of a release-schedule key. */
    public static long scheduleTime(String scheduleKey) {
        return Long.parseLong(scheduleKey.substring(0, 19));
    }

    /** The seen-orders key of an order on a holding; ids never contain '/', so it is unambiguous. */
    public static String seenOrderKey(String holdingKey, String orderId) {
        return holdingKey + '/' + orderId;
    }
}
