package com.lockupguard.topology;

/** The guard's state stores; each is persistent and backed by a changelog topic {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

    /** Holding key to the holding's agreement, counters and evaluation clock. */
    public static final String HOLDING_STATE = "holding-state";
    /**
     * {@code investorId/securityId/orderId} to the first order with that id, its decision and, for an approved
     * sale or transfer, where its reservation stands.
     */
    public static final String SEEN_ORDERS = "seen-orders";
    /** {@code investorId/securityId/orderId} to the order's open reservation (RULES.md section 9); deleted once closed. */
    public static final String RESERVATIONS = "reservations";
    /** {@code investorId/securityId/executionId} to what the first report with that id said. */
    public static final String SEEN_EXECUTIONS = "seen-executions";
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

    /**
     * The key of an order or execution id on a holding, in seen-orders, reservations and seen-executions;
     * ids never contain '/', so it is unambiguous, and a holding's keys share {@link #idPrefix}.
     */
    public static String idKey(String holdingKey, String id) {
        return holdingKey + '/' + id;
    }

    /** What every id key of a holding starts with, for a prefix scan. */
    public static String idPrefix(String holdingKey) {
        return holdingKey + '/';
    }
}
