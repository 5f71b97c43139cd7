package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.contract.PositionMapper;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.Position;
import com.lockupguard.serde.Utf8KeyDeserializer;
import com.lockupguard.state.CompactPositionSerde;
import com.lockupguard.state.LegacyStoreValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the guard's topology. Agreements and order events are both keyed by holding, so they
 * meet in one task without repartitioning; the orders topic carries a holding's proposed orders
 * and execution reports, taken in the order they were appended.
 *
 * <pre>
 *  agreements ──► agreement-processor ──┬──────────────────────────────► orders-dlq
 *                        │              └──────────────────────────────► agreement-audit (every version)
 *              [holding-state] [release-schedule]
 *                        │
 *  orders ──► order-events-processor ───┬──► orders-approved      (a proposed order's decision)
 *  (orders and           │    ▲         ├──► orders-blocked
 *   execution reports)   │    │         ├──► execution-results    (a report's result)
 *     [seen-orders] [reservations]      ├──► compliance-alerts    (fills no approval covered)
 *     [seen-executions]  │              └──► orders-dlq
 *            wall-clock punctuators: window boundaries, id retention
 *
 *  both processors ──► [positions-outbox] ──(at each commit, each holding's latest)──► holding-positions
 * </pre>
 *
 * The positions outbox is a Kafka Streams table with a record cache and no store behind it: the
 * processors put each holding's new position into it, and the cache forwards the latest one per
 * holding when the task commits. The table's own input never carries a record.
 */
public final class GuardTopology {

    static final String AGREEMENTS_SOURCE = "agreements-source";
    static final String ORDERS_SOURCE = "orders-source";
    static final String AGREEMENT_PROCESSOR = "agreement-processor";
    static final String ORDER_EVENTS_PROCESSOR = "order-events-processor";
    static final String APPROVED_SINK = "approved-sink";
    static final String BLOCKED_SINK = "blocked-sink";
    /** Where both processors forward dead letters: a merge into the dead-letter sink. */
    static final String POSITIONS_SINK = "positions-sink";
    static final String AGREEMENT_AUDIT_SINK = "agreement-audit-sink";
    static final String EXECUTION_RESULTS_SINK = "execution-results-sink";
    static final String COMPLIANCE_ALERTS_SINK = "compliance-alerts-sink";
    private static final String OUTBOX_INPUT = "positions-outbox-input";
    private static final String OUTBOX_TABLE = "positions-outbox-table";
    private static final String OUTBOX_FLUSH = "positions-outbox-flush";

    private GuardTopology() {
    }

    public static Topology build(GuardTopics topics) {
        return build(topics, DecisionObserver.NONE);
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer) {
        return build(topics, observer, TopologyOptions.service());
    }

    public static Topology build(GuardTopics topics, DecisionObserver observer, TopologyOptions options) {
        LockupRules rules = new LockupRules();
        LegacyStoreValues legacy = topics.legacyStoreValues(new DecisionWire(topics)::encode);
        TopologyOptions.Storage storage = options.storage();
        StreamsBuilder builder = new StreamsBuilder();
        // keys that are not UTF-8 are refused, not read with a replacement character (Utf8KeyDeserializer)
        Serde<String> keys = Serdes.serdeFrom(new StringSerializer(), new Utf8KeyDeserializer());

        // cached (persistent): a busy holding is written many times between two commits, its changelog once per
        // commit. The ids are not: nearly every order brings a new one, so a cache of them would fill with ids
        // and evict on every put, holding states and positions too, before they coalesce
        builder.addStateStore(store(options, StoreNames.HOLDING_STATE, Serdes.ByteArray(), true, false));
        builder.addStateStore(store(options, StoreNames.SEEN_ORDERS, Serdes.ByteArray(), false, false));
        builder.addStateStore(store(options, StoreNames.SEEN_EXECUTIONS, Serdes.ByteArray(), false, false));
        if (storage.mayHoldOlderValues()) {
            builder.addStateStore(store(options, StoreNames.RESERVATIONS, Serdes.ByteArray(), false, false));
        }
        if (options.publishPositions()) {
            // scanned for due boundaries at every punctuation
            builder.addStateStore(store(options, StoreNames.RELEASE_SCHEDULE, Serdes.String(), false, true));
        }
        if (options.idRetention() != null) {
            builder.addStateStore(sweepStore(options.storage()));
        }

        KStream<String, Agreement> agreements = builder.stream(topics.agreements().name(),
                Consumed.with(keys, topics.agreements().valueSerde()).withName(AGREEMENTS_SOURCE));
        KStream<String, SpecificRecord> orders = builder.stream(topics.orders().name(),
                Consumed.with(keys, topics.orders().valueSerde()).withName(ORDERS_SOURCE));

        List<String> agreementStores = new ArrayList<>(List.of(StoreNames.HOLDING_STATE));
        List<String> orderStores = new ArrayList<>(List.of(StoreNames.HOLDING_STATE, StoreNames.SEEN_ORDERS,
                StoreNames.SEEN_EXECUTIONS));
        if (storage.mayHoldOlderValues()) {
            orderStores.add(StoreNames.RESERVATIONS);
        }
        if (options.idRetention() != null) {
            orderStores.add(StoreNames.ID_SWEEP);
        }
        if (options.publishPositions()) {
            positionsOutbox(agreements, topics);
            agreementStores.addAll(List.of(StoreNames.RELEASE_SCHEDULE, StoreNames.POSITIONS_OUTBOX));
            orderStores.addAll(List.of(StoreNames.RELEASE_SCHEDULE, StoreNames.POSITIONS_OUTBOX));
        }

        // one for every task's processors: the log's budget of dead-letter lines is the instance's, not a task's
        DeadLetterLog deadLetterLines = DeadLetters.newLog();
        KStream<String, Object> agreementOutputs = agreements.process(
                () -> new AgreementProcessor(rules, legacy, observer, options.publishPositions(),
                        options.inputPartitions(), options.emptiedState(), topics.agreementAudit(), deadLetterLines),
                Named.as(AGREEMENT_PROCESSOR), agreementStores.toArray(String[]::new));
        KStream<String, Object> orderOutputs = orders.process(
                () -> new OrderEventsProcessor(rules, topics, legacy, observer, options, deadLetterLines),
                Named.as(ORDER_EVENTS_PROCESSOR), orderStores.toArray(String[]::new));

        // every answer arrives encoded by its processor, which encodes it before it changes any state: an answer that
        // cannot be encoded changes nothing. Decisions (DecisionWire): the same bytes are remembered for a retry.
        orderOutputs.to(topics.approved().name(), produced(APPROVED_SINK));
        orderOutputs.to(topics.blocked().name(), produced(BLOCKED_SINK));
        orderOutputs.to(topics.executionResults().name(), produced(EXECUTION_RESULTS_SINK));
        orderOutputs.to(topics.complianceAlerts().name(), produced(COMPLIANCE_ALERTS_SINK));
        agreementOutputs.to(topics.agreementAudit().name(), produced(AGREEMENT_AUDIT_SINK));
        // refused records reach the dead-letter topic through ProcessingFailureHandler, as they were received
        return builder.build();
    }

    /**
     * The positions outbox: a table cached in front of an {@link OutboxStore}, written by the processors, whose
     * cache forwards each holding's latest position to the positions topic at every commit (or when it evicts
     * one). Its input is the agreements stream with every record dropped, since a table needs one.
     */
    private static void positionsOutbox(KStream<String, Agreement> agreements, GuardTopics topics) {
        Serializer<com.lockupguard.avro.Position> avro = topics.positions().valueSerde().serializer();
        Serializer<Position> published = (topic, position) -> position == null ? null
                : avro.serialize(topic, PositionMapper.toAvro(position));
        agreements.flatMapValues(agreement -> List.<Position>of(), Named.as(OUTBOX_INPUT))
                .toTable(Named.as(OUTBOX_TABLE), Materialized.<String, Position>as(
                                OutboxStore.supplier(StoreNames.POSITIONS_OUTBOX))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new CompactPositionSerde())
                        .withCachingEnabled()
                        .withLoggingDisabled())
                .toStream(Named.as(OUTBOX_FLUSH))
                .to(topics.positions().name(), Produced.with(Serdes.String(), Serdes.serdeFrom(published,
                        new CompactPositionSerde().deserializer())).withName(POSITIONS_SINK));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(TopologyOptions options, String name,
            Serde<V> values, boolean cached, boolean scanned) {
        TopologyOptions.Storage storage = options.storage();
        KeyValueBytesStoreSupplier supplier = storage.supplier(name, scanned);
        StoreBuilder<KeyValueStore<String, V>> builder = Stores.keyValueStoreBuilder(
                storage.logs() ? options.emptiedState().watched(supplier) : supplier, Serdes.String(), values);
        if (!storage.logs()) {
            builder = builder.withLoggingDisabled();
        }
        return cached && storage.caches() ? builder.withCachingEnabled() : builder;
    }

    /**
     * Where the id stores' walks stand ({@link StoreNames#ID_SWEEP}): two keys, in memory, restored whole from the
     * changelog the service gives it (no RocksDB instance, memtable or block cache for them), which the sweep writes
     * every ten seconds while a walk moves. Not watched for a restore into an empty store: it is empty between walks,
     * and a walk begun again from the first key loses nothing.
     */
    private static StoreBuilder<KeyValueStore<String, String>> sweepStore(TopologyOptions.Storage storage) {
        StoreBuilder<KeyValueStore<String, String>> builder = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.ID_SWEEP), Serdes.String(), Serdes.String());
        return storage.logs() ? builder : builder.withLoggingDisabled();
    }

    /**
     * How a processor's encoded output of one type reaches its sink: forwarded to the sink by name, so only its
     * records, each the bytes the processor encoded.
     */
    private static Produced<String, Object> produced(String sinkName) {
        ByteArraySerializer bytes = new ByteArraySerializer();
        Serializer<Object> serializer = (topic, value) -> bytes.serialize(topic, (byte[]) value);
        Deserializer<Object> unused = (topic, data) -> {
            throw new UnsupportedOperationException("a sink only writes");
        };
        return Produced.with(Serdes.String(), Serdes.serdeFrom(serializer, unused)).withName(sinkName);
    }
}
