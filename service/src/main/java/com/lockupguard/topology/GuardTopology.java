package com.lockupguard.topology;

import com.lockupguard.rules.LockupRules;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the guard's topology. Agreements and orders are both keyed by holding, so they meet
 * in one task without repartitioning; both processors share the holding-state store.
 *
 * <pre>
 *  agreements ──► agreement-processor ──┬──────────────────────────────► orders-dlq
 *                        │              ├──────────────────────────────► holding-positions
 *                        │              └──────────────────────────────► agreement-audit (every version)
 *              [holding-state] [release-schedule]
 *                        │
 *  orders ─────► order-processor ───────┬──► orders-approved
 *                        │   ▲          ├──► orders-blocked
 *                [seen-orders]  │       ├──► orders-dlq
 *                 wall-clock punctuator └──► holding-positions (also when a window boundary passes)
 * </pre>
 */
public final class GuardTopology {

    static final String AGREEMENTS_SOURCE = "agreements-source";
    static final String ORDERS_SOURCE = "orders-source";
    static final String AGREEMENT_PROCESSOR = "agreement-processor";
    static final String ORDER_PROCESSOR = "order-processor";
    static final String APPROVED_SINK = "approved-sink";
    static final String BLOCKED_SINK = "blocked-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String POSITIONS_SINK = "positions-sink";
    static final String AGREEMENT_AUDIT_SINK = "agreement-audit-sink";
    /** How often, in wall-clock time, the guard publishes positions of holdings whose window boundary passed. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(5);

    private GuardTopology() {
    }

    public static Topology build(GuardTopics topics) {
        return build(topics, DecisionObserver.NONE);
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer) {
        return build(topics, observer, DEFAULT_PUNCTUATION_INTERVAL);
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer, Duration punctuationInterval) {
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
                () -> new OrderProcessor(rules, topics.orders().valueSerde().serializer(), observer,
                        punctuationInterval),
                ORDERS_SOURCE);

        // cached: a busy holding is written many times between two commits, its changelog once per commit
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.HOLDING_STATE),
                topics.agreements().keySerde(), topics.holdingStateSerde()).withCachingEnabled(),
                AGREEMENT_PROCESSOR, ORDER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SEEN_ORDERS),
                topics.orders().keySerde(), topics.seenOrderSerde()), ORDER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.RELEASE_SCHEDULE),
                Serdes.String(), Serdes.String()), AGREEMENT_PROCESSOR, ORDER_PROCESSOR);

        topology.addSink(APPROVED_SINK, topics.approved().name(),
                topics.approved().keySerde().serializer(), topics.approved().valueSerde().serializer(),
                ORDER_PROCESSOR);
        topology.addSink(BLOCKED_SINK, topics.blocked().name(),
                topics.blocked().keySerde().serializer(), topics.blocked().valueSerde().serializer(),
                ORDER_PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters().name(),
                topics.deadLetters().keySerde().serializer(), topics.deadLetters().valueSerde().serializer(),
                AGREEMENT_PROCESSOR, ORDER_PROCESSOR);
        topology.addSink(POSITIONS_SINK, topics.positions().name(), topics.positions().keySerde().serializer(),
                topics.positions().valueSerde().serializer(), AGREEMENT_PROCESSOR, ORDER_PROCESSOR);
        topology.addSink(AGREEMENT_AUDIT_SINK, topics.agreementAudit().name(),
                topics.agreementAudit().keySerde().serializer(), topics.agreementAudit().valueSerde().serializer(),
                AGREEMENT_PROCESSOR);
        return topology;
    }
}
