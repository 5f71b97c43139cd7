package com.lockupguard.topology;

import com.lockupguard.rules.LockupRules;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the guard's topology. Agreements and orders are both keyed by holding, so they meet
 * in one task without repartitioning; both processors share the holding-state store.
 *
 * <pre>
 *  agreements ──► agreement-processor ──┬──────────────────────────────► orders-dlq
 *                        │              │
 *                  [holding-state]      │
 *                        │              │
 *  orders ─────► order-processor ───────┼──► orders-approved
 *                        │              ├──► orders-blocked
 *                  [seen-orders]        └──► orders-dlq
 * </pre>
 */
public final class GuardTopology {

    static final String AGREEMENTS_SOURCE = "agreements-source";
    static final String ORDERS_SOURCE = "orders-source";
    static final String AGREEMENT_PROCESSOR = "agreement-processor";
    static final String ORDER_PROCESSOR = "order-processor";

    private GuardTopology() {
    }

    public static Topology build(GuardTopics topics) {
        return build(topics, DecisionObserver.NONE);
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer) {
        LockupRules rules = new LockupRules();
        Topology topology = new Topology();
        topology.addSource(AGREEMENTS_SOURCE, topics.agreements().keySerde().deserializer(),
                topics.agreements().valueSerde().deserializer(), topics.agreements().name());
        topology.addSource(ORDERS_SOURCE, topics.orders().keySerde().deserializer(),
                topics.orders().valueSerde().deserializer(), topics.orders().name());

        topology.addProcessor(AGREEMENT_PROCESSOR,
                () -> new AgreementProcessor(rules, topics.agreements().valueSerde().serializer(), observer),
                AGREEMENTS_SOURCE);
        topology.addProcessor(ORDER_PROCESSOR,
                () -> new OrderProcessor(rules, topics.orders().valueSerde().serializer(), observer),
                ORDERS_SOURCE);

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.HOLDING_STATE),
                topics.agreements().keySerde(), topics.holdingStateSerde()), AGREEMENT_PROCESSOR, ORDER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SEEN_ORDERS),
                topics.orders().keySerde(), topics.seenOrderSerde()), ORDER_PROCESSOR);

        topology.addSink(OrderProcessor.APPROVED_SINK, topics.approved().name(),
                topics.approved().keySerde().serializer(), topics.approved().valueSerde().serializer(),
                ORDER_PROCESSOR);
        topology.addSink(OrderProcessor.BLOCKED_SINK, topics.blocked().name(),
                topics.blocked().keySerde().serializer(), topics.blocked().valueSerde().serializer(),
                ORDER_PROCESSOR);
        topology.addSink(OrderProcessor.DEAD_LETTER_SINK, topics.deadLetters().name(),
                topics.deadLetters().keySerde().serializer(), topics.deadLetters().valueSerde().serializer(),
                AGREEMENT_PROCESSOR, ORDER_PROCESSOR);
        return topology;
    }
}
