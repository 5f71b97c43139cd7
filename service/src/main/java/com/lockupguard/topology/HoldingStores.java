package com.lockupguard.topology;

import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.SeenExecution;
import com.lockupguard.avro.SeenOrder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stores of a holding that orders and execution reports meet in: its state, the order ids it
 * remembers, its open reservations and the execution ids it remembers (keys: {@link StoreNames}).
 */
record HoldingStores(KeyValueStore<String, HoldingState> holdings, KeyValueStore<String, SeenOrder> seenOrders,
        KeyValueStore<String, OpenReservation> reservations, KeyValueStore<String, SeenExecution> seenExecutions) {

    static HoldingStores of(ProcessorContext<?, ?> context) {
        return new HoldingStores(context.getStateStore(StoreNames.HOLDING_STATE),
                context.getStateStore(StoreNames.SEEN_ORDERS), context.getStateStore(StoreNames.RESERVATIONS),
                context.getStateStore(StoreNames.SEEN_EXECUTIONS));
    }
}
