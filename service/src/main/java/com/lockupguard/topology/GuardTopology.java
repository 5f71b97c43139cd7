package com.lockupguard.topology;

import com.lockupguard.rules.LockupRules;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the guard's topology. Agreements and order events are both keyed by holding, so they
 * meet in one task without repartitioning; the orders topic carries a holding's proposed orders
 * and execution reports, taken in the order they were appended.
 *
 * <pre>
 *  agreements ──► agreement-processor ──┬──────────────────────────────────► orders-dlq
 *                        │              ├──────────────────────────────────► agreement-audit (every version)
 *                        │              └──────────────────────────────────► holding-positions
 *              [holding-state] [release-schedule]
 *                        │
 *  orders ──► order-events-processor ───┬──► orders-approved      (a proposed order's decision)
 *  (orders and           │    ▲         ├──► orders-blocked
 *   execution reports)   │    │         ├──► execution-results    (a report's result)
 *     [seen-orders] [reservations]      ├──► compliance-alerts    (fills no approval covered)
 *     [seen-executions]  │              ├──► orders-dlq
 *                wall-clock punctuator  └──► holding-positions (also when a window boundary passes)
 * </pre>
 */
public final class GuardTopology {

    static final String AGREEMENTS_SOURCE = "agreements-source";
    static final String ORDERS_SOURCE = "orders-source";
    static final String AGREEMENT_PROCESSOR = "agreement-processor";
    static final String ORDER_EVENTS_PROCESSOR = "order-events-processor";
    static final String APPROVED_SINK = "approved-sink";
    static final String BLOCKED_SINK = "blocked-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String POSITIONS_SINK = "positions-sink";
    static final String AGREEMENT_AUDIT_SINK = "agreement-audit-sink";
    static final String EXECUTION_RESULTS_SINK = "execution-results-sink";
    static final String COMPLIANCE_ALERTS_SINK = "compliance-alerts-sink";
    private GuardTopology() {
    }

    public static Topology build(GuardTopics topics) {
        return build(topics, DecisionObserver.NONE);
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer) {
        return build(topics, observer, TopologyOptions.service());
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer, TopologyOptions options) {
        TopologyOptions.Storage storage = options.storage();
        LockupRules rules = new LockupRules();
        Topology topology = new Topology();
        topology.addSource(AGREEMENTS_SOURCE, topics.agreements().keySerde().deserializer(),
                topics.agreements().valueSerde().deserializer(), topics.agreements().name());
        topology.addSource(ORDERS_SOURCE, topics.orders().keySerde().deserializer(),
                topics.orders().valueSerde().deserializer(), topics.orders().name());

        topology.addProcessor(AGREEMENT_PROCESSOR,
                () -> new AgreementProcessor(rules, topics.agreements().valueSerde().serializer(), observer,
                        options.publishPositions()),
                AGREEMENTS_SOURCE);
        topology.addProcessor(ORDER_EVENTS_PROCESSOR,
                () -> new OrderEventsProcessor(rules, topics.orders().valueSerde().serializer(), observer, options),
                ORDERS_SOURCE);

        // cached (persistent): a busy holding is written many times between two commits, its changelog once per commit
        store(topology, storage, StoreNames.HOLDING_STATE, topics.holdingStateSerde(), true, AGREEMENT_PROCESSOR,
                ORDER_EVENTS_PROCESSOR);
        store(topology, storage, StoreNames.SEEN_ORDERS, topics.seenOrderSerde(), false, ORDER_EVENTS_PROCESSOR);
        store(topology, storage, StoreNames.RESERVATIONS, topics.reservationSerde(), true, ORDER_EVENTS_PROCESSOR);
        store(topology, storage, StoreNames.SEEN_EXECUTIONS, topics.seenExecutionSerde(), false,
                ORDER_EVENTS_PROCESSOR);
        store(topology, storage, StoreNames.RELEASE_SCHEDULE, Serdes.String(), false, AGREEMENT_PROCESSOR,
                ORDER_EVENTS_PROCESSOR);

        sink(topology, APPROVED_SINK, topics.approved(), ORDER_EVENTS_PROCESSOR);
        sink(topology, BLOCKED_SINK, topics.blocked(), ORDER_EVENTS_PROCESSOR);
        sink(topology, EXECUTION_RESULTS_SINK, topics.executionResults(), ORDER_EVENTS_PROCESSOR);
        sink(topology, COMPLIANCE_ALERTS_SINK, topics.complianceAlerts(), ORDER_EVENTS_PROCESSOR);
        sink(topology, DEAD_LETTER_SINK, topics.deadLetters(), AGREEMENT_PROCESSOR, ORDER_EVENTS_PROCESSOR);
        sink(topology, POSITIONS_SINK, topics.positions(), AGREEMENT_PROCESSOR, ORDER_EVENTS_PROCESSOR);
        sink(topology, AGREEMENT_AUDIT_SINK, topics.agreementAudit(), AGREEMENT_PROCESSOR);
        return topology;
    }

    private static <V> void store(Topology topology, TopologyOptions.Storage storage, String name, Serde<V> values,
            boolean cached, String... processors) {
        StoreBuilder<KeyValueStore<String, V>> builder = Stores.keyValueStoreBuilder(storage.supplier(name),
                Serdes.String(), values);
        topology.addStateStore(cached && storage.caches() ? builder.withCachingEnabled() : builder, processors);
    }

    private static <V> void sink(Topology topology, String name, GuardTopics.Topic<String, V> topic,
            String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), parents);
    }
}
