package com.lockupguard.topology;

import com.lockupguard.rules.Reservation;
import com.lockupguard.state.RememberedExecution;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StateCodec;
import com.lockupguard.state.StoredHolding;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stores a holding's orders, reports and agreements meet in — its state, the order ids and
 * execution ids it remembers (keys: {@link StoreNames}) — read and written through one processor's
 * {@link StateCodec}. Values are bytes in the stores and their changelogs, encoded by that codec: here,
 * and by the {@link IdSweeper}, which walks the raw id stores.
 */
final class HoldingStores {

    private final KeyValueStore<String, byte[]> holdings;
    private final KeyValueStore<String, byte[]> seenOrders;
    private final KeyValueStore<String, byte[]> legacyReservations;
    private final KeyValueStore<String, byte[]> seenExecutions;
    private final StateCodec codec;

    private HoldingStores(KeyValueStore<String, byte[]> holdings, KeyValueStore<String, byte[]> seenOrders,
            KeyValueStore<String, byte[]> legacyReservations, KeyValueStore<String, byte[]> seenExecutions,
            StateCodec codec) {
        this.holdings = holdings;
        this.seenOrders = seenOrders;
        this.legacyReservations = legacyReservations;
        this.seenExecutions = seenExecutions;
        this.codec = codec;
    }

    /**
     * Every store of a holding, for the order events processor; {@code withOlderReservations} where an older guard's
     * reservations store may hold open reservations ({@link TopologyOptions.Storage#mayHoldOlderValues()}).
     */
    static HoldingStores all(ProcessingContext context, StateCodec codec, boolean withOlderReservations) {
        return new HoldingStores(context.getStateStore(StoreNames.HOLDING_STATE),
                context.getStateStore(StoreNames.SEEN_ORDERS),
                withOlderReservations ? context.getStateStore(StoreNames.RESERVATIONS) : null,
                context.getStateStore(StoreNames.SEEN_EXECUTIONS), codec);
    }

    /** Only the holding states, for the agreement processor. */
    static HoldingStores holdingsOnly(ProcessingContext context, StateCodec codec) {
        return new HoldingStores(context.getStateStore(StoreNames.HOLDING_STATE), null, null, null, codec);
    }

    StoredHolding holding(String holdingKey) {
        byte[] value = holdings.get(holdingKey);
        return value == null ? null : codec.holding(value);
    }

    void put(String holdingKey, StoredHolding holding) {
        holdings.put(holdingKey, codec.encode(holding));
    }

    /** The stored holdings, in key order, from {@code fromKey} (null: the first) on, their values as stored. */
    KeyValueIterator<String, byte[]> holdingsFrom(String fromKey) {
        return fromKey == null ? holdings.all() : holdings.range(fromKey, null);
    }

    /** What is remembered of order id {@code orderId} under its key (holding and id), or null. */
    RememberedOrder order(String idKey, String orderId) {
        byte[] value = seenOrders.get(idKey);
        return value == null ? null : codec.order(value, orderId);
    }

    void put(String idKey, RememberedOrder order) {
        seenOrders.put(idKey, codec.encode(order));
    }

    /**
     * The order's open reservation: kept with it, or — for an order an older guard approved — in the
     * reservations store it used; null when none is open.
     */
    Reservation openReservation(String idKey, String orderId, RememberedOrder order) {
        return codec.openReservation(order, idKey, orderId,
                legacyReservations == null ? null : legacyReservations::get);
    }

    /** Stores {@code order} as it now stands; an open reservation an older guard kept apart is kept with it from now on. */
    void update(String idKey, RememberedOrder before, RememberedOrder after) {
        put(idKey, after);
        if (before.hasReservationElsewhere() && legacyReservations != null) {
            legacyReservations.delete(idKey);
        }
    }

    RememberedExecution execution(String idKey) {
        byte[] value = seenExecutions.get(idKey);
        return value == null ? null : codec.execution(value);
    }

    void put(String idKey, RememberedExecution execution) {
        seenExecutions.put(idKey, codec.encode(execution));
    }

    KeyValueStore<String, byte[]> seenOrders() {
        return seenOrders;
    }

    KeyValueStore<String, byte[]> seenExecutions() {
        return seenExecutions;
    }

    StateCodec codec() {
        return codec;
    }
}
