package com.lockupguard.topology;

import java.util.List;
import java.util.Set;

/**
 * The guard's state stores. In the service each is persistent and backed by a changelog topic
 * {@code <application.id>-<name>-changelog} (but the positions outbox); their values are in the compact
 * encoding of {@link com.lockupguard.state.StateCodec}, or the Avro an older guard wrote.
 */
public final class StoreNames {

    /** Holding key to the holding's agreement, counters and evaluation clock. */
    public static final String HOLDING_STATE = "holding-state";
    /**
     * {@code investorId/securityId/orderId} to the first order with that id, its decision and, for an approved
     * sale or transfer, where its reservation stands, with the open reservation (RULES.md section 9) itself.
     */
    public static final String SEEN_ORDERS = "seen-orders";
    /**
     * Where an older guard kept open reservations, {@code investorId/securityId/orderId} to the
     * reservation: read, moved into seen-orders and deleted as each is next used; nothing new is put here.
     */
    public static final String RESERVATIONS = "reservations";
    /**
     * Each holding's latest position since the last commit: a record cache with nothing behind it, flushed to
     * the positions topic at every commit (no changelog).
     */
    public static final String POSITIONS_OUTBOX = "positions-outbox";
    /** {@code investorId/securityId/executionId} to what the first report with that id said. */
    public static final String SEEN_EXECUTIONS = "seen-executions";
    /**
     * When each holding's next window boundary comes: {@code <boundary epoch millis, 19 digits>/<holding>} to the
     * holding, so that the punctuator reads only the holdings whose boundary has passed, in time order.
     */
    public static final String RELEASE_SCHEDULE = "release-schedule";
    /**
     * Where each id store's walk ({@link IdSweeper}) stands: the store's name to the key its next slice starts from,
     * nothing between walks. In memory (two keys), with a changelog, so that a task started again, here or on another
     * instance, goes on where its walk stopped: a walk of millions of ids takes hours, and one begun again from the
     * first key at every start would never reach the last keys of a task started more often than that. Not among
     * {@link #withChangelogs()}: it holds no state whose loss matters (a walk begun again from the first key).
     */
    public static final String ID_SWEEP = "id-sweep";

    private StoreNames() {
    }

    /** The stores backed by a changelog in the service: every store but the positions outbox. */
    public static List<String> withChangelogs() {
        return List.of(HOLDING_STATE, SEEN_ORDERS, RESERVATIONS, SEEN_EXECUTIONS, RELEASE_SCHEDULE);
    }

    /**
     * The stores every guard has kept since the first, whose changelogs exist once a guard has read its inputs:
     * the agreements, counters and clocks of the holdings, and the remembered orders with their open reservations.
     * (The others came later: an older guard's application id need not have their changelogs yet.)
     */
    public static List<String> alwaysKept() {
        return List.of(HOLDING_STATE, SEEN_ORDERS);
    }

    /** The changelogs of {@code applicationId}'s stores among {@code topics}, by name. */
    public static List<String> changelogsAmong(String applicationId, Set<String> topics) {
        return withChangelogs().stream().map(store -> changelogTopic(applicationId, store)).filter(topics::contains)
                .sorted().toList();
    }

    /** The changelog topic Kafka Streams keeps for {@code store} of the application {@code applicationId}. */
    public static String changelogTopic(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
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

    /** The id of an id key: what follows the holding's key. */
    public static String idOf(String idKey) {
        return idKey.substring(idKey.lastIndexOf('/') + 1);
    }

    /** The smallest key after {@code key}, for a range that continues past it. */
    static String after(String key) {
        return key + '\u0000';
    }

    /** What every id key of a holding starts with, for a prefix scan. */
    public static String idPrefix(String holdingKey) {
        return holdingKey + '/';
    }
}
