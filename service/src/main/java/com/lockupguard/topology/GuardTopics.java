package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.avro.SeenExecution;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.registry.SchemaBootstrap;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.serde.OneOfAvroSerde;
import com.lockupguard.serde.SpecificAvroSerde;
import com.lockupguard.serde.SubjectNames;
import com.lockupguard.state.LegacyStoreValues;
import com.lockupguard.state.StateCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * An immutable description of the guard's topics and stores with their serdes: what the
 * topology factory, the service, the replay and the tests share.
 */
public final class GuardTopics {

    /** Kafka Streams' name for the value serde class: here, the serde of every Avro topic and store. */
    public static final String VALUE_SERDE_CONFIG = "default.value.serde";

    /** A topic's name with its key and value serdes. */
    public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(keySerde, "keySerde");
            Objects.requireNonNull(valueSerde, "valueSerde");
        }
    }

    private final TopicNames names;
    private final Topic<String, Agreement> agreements;
    private final Topic<String, SpecificRecord> orders;
    private final Topic<String, Decision> approved;
    private final Topic<String, Decision> blocked;
    private final Topic<String, byte[]> deadLetters;
    private final Topic<String, Position> positions;
    private final Topic<String, AgreementAudit> agreementAudit;
    private final Topic<String, ReportResult> executionResults;
    private final Topic<String, ComplianceAlert> complianceAlerts;
    private final Serde<HoldingState> holdingStateSerde;
    private final Serde<SeenOrder> seenOrderSerde;
    private final Serde<OpenReservation> reservationSerde;
    private final Serde<SeenExecution> seenExecutionSerde;
    private final SchemaRegistryClient registry;
    /** The strategy the guard's outputs are written under; null when a plugged-in serde's cannot be known. */
    private final SubjectNames writtenSubjects;
    /** The plugged-in serde's class name, or null for the guard's own serdes. */
    private final String pluggedSerde;
    /** The {@code value.subject.name.strategy} setting as given, for a message. */
    private final Object strategySetting;

    /** The record types the orders topic carries: proposed orders (its first type) and execution reports. */
    public static final List<Class<? extends SpecificRecord>> ORDER_EVENTS = List.of(ProposedOrder.class,
            ExecutionReport.class);

    /** The value serde of each Avro type, all configured alike. */
    private interface ValueSerdes {
        <T extends SpecificRecord> Serde<T> of(Class<T> type);

        /** The serde of an input's type: its producers' subject, whatever strategy the guard writes with. */
        default <T extends SpecificRecord> Serde<T> ofInput(Class<T> type) {
            return of(type);
        }

        Serde<SpecificRecord> oneOf(List<Class<? extends SpecificRecord>> types);
    }

    private GuardTopics(TopicNames names, ValueSerdes serdes, SchemaRegistryClient registry,
            SubjectNames writtenSubjects, String pluggedSerde, Object strategySetting) {
        this.names = names;
        this.writtenSubjects = writtenSubjects;
        this.pluggedSerde = pluggedSerde;
        this.strategySetting = strategySetting;
        Serde<String> keys = Serdes.String();
        Serde<Decision> decisionSerde = serdes.of(Decision.class);
        this.agreements = new Topic<>(names.agreements(), keys, serdes.ofInput(Agreement.class));
        this.orders = new Topic<>(names.orders(), keys, serdes.oneOf(ORDER_EVENTS));
        this.approved = new Topic<>(names.approved(), keys, decisionSerde);
        this.blocked = new Topic<>(names.blocked(), keys, decisionSerde);
        this.deadLetters = new Topic<>(names.deadLetters(), keys, Serdes.ByteArray());
        this.positions = new Topic<>(names.positions(), keys, serdes.of(Position.class));
        this.agreementAudit = new Topic<>(names.agreementAudit(), keys, serdes.of(AgreementAudit.class));
        this.executionResults = new Topic<>(names.executionResults(), keys, serdes.of(ReportResult.class));
        this.complianceAlerts = new Topic<>(names.complianceAlerts(), keys, serdes.of(ComplianceAlert.class));
        this.holdingStateSerde = serdes.of(HoldingState.class);
        this.seenOrderSerde = serdes.of(SeenOrder.class);
        this.reservationSerde = serdes.of(OpenReservation.class);
        this.seenExecutionSerde = serdes.of(SeenExecution.class);
        this.registry = registry;
    }

    /**
     * Topics with the guard's Avro serdes, configured from {@code serdeConfig}
     * ({@code schema.registry.url}, ...), all on one registry client. When {@code default.value.serde}
     * names another class (Confluent's {@code SpecificAvroSerde}, say), that class serves every
     * topic and store instead, and names its subjects as Confluent's serializers do, by
     * {@code value.subject.name.strategy}: known for Confluent's own strategies, unknown for a class of another's.
     */
    public static GuardTopics avro(TopicNames names, Map<String, ?> serdeConfig) {
        Object pluggedIn = serdeConfig.get(VALUE_SERDE_CONFIG);
        Object strategy = serdeConfig.get(SubjectNames.VALUE_STRATEGY_CONFIG);
        if (pluggedIn != null && !pluggedIn.toString().equals(SpecificAvroSerde.class.getName())) {
            return new GuardTopics(names, new ValueSerdes() {
                @Override
                public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                    return plugged(pluggedIn, serdeConfig);
                }

                @Override
                public Serde<SpecificRecord> oneOf(List<Class<? extends SpecificRecord>> types) {
                    return plugged(pluggedIn, serdeConfig);
                }
            }, null, SubjectNames.named(strategy).orElse(null), pluggedIn.toString(), strategy);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(serdeConfig);
        return new GuardTopics(names, new ValueSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
                serde.configure(serdeConfig, false);
                return serde;
            }

            @Override
            public <T extends SpecificRecord> Serde<T> ofInput(Class<T> type) {
                Map<String, Object> inputConfig = new HashMap<>(serdeConfig);
                inputConfig.put(SubjectNames.VALUE_STRATEGY_CONFIG, SubjectNames.TOPIC_NAME.configName());
                SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
                serde.configure(inputConfig, false);
                return serde;
            }

            @Override
            public Serde<SpecificRecord> oneOf(List<Class<? extends SpecificRecord>> types) {
                OneOfAvroSerde serde = new OneOfAvroSerde(types, registry);
                serde.configure(serdeConfig, false);
                return serde;
            }
        }, registry, SubjectNames.fromConfig(SubjectNames.VALUE_STRATEGY_CONFIG, strategy), null, strategy);
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<T> plugged(Object className, Map<String, ?> serdeConfig) {
        try {
            Serde<T> serde = (Serde<T>) Utils.newInstance(className.toString(), Serde.class);
            serde.configure(serdeConfig, false);
            return serde;
        } catch (ClassNotFoundException e) {
            throw new ConfigException(VALUE_SERDE_CONFIG, className, "class not found on the classpath");
        }
    }

    /** The registry client behind the built-in Avro serdes, or empty when a plugged-in serde is used. */
    public Optional<SchemaRegistryClient> registry() {
        return Optional.ofNullable(registry);
    }

    /** The plugged-in serde's class name ({@code default.value.serde}), or empty for the guard's own serdes. */
    public Optional<String> pluggedSerde() {
        return Optional.ofNullable(pluggedSerde);
    }

    /**
     * Why the subjects the guard writes under cannot be named: a plugged-in serde told a
     * {@code value.subject.name.strategy} of its own, which only that class knows. Empty when {@link #subjects()}
     * names them.
     */
    public Optional<String> whySubjectsUnknown() {
        if (writtenSubjects != null) {
            return Optional.empty();
        }
        return Optional.of(VALUE_SERDE_CONFIG + " " + pluggedSerde + " is a plugged-in serde with "
                + SubjectNames.VALUE_STRATEGY_CONFIG + "=" + strategySetting
                + ", a strategy of its own: the guard cannot know the subjects it writes under (it knows "
                + "TopicNameStrategy, RecordNameStrategy and TopicRecordNameStrategy only)");
    }

    /**
     * Every subject the guard reads or writes, with the schema it uses. It reads under Confluent's
     * TopicNameStrategy, and TopicRecordNameStrategy for the execution reports that share the orders topic; it
     * writes under {@code value.subject.name.strategy} (TopicNameStrategy unless set), as its serializers do — a
     * plugged-in serde too, as Confluent's does. (The stores' changelogs are in the guard's compact encoding, not
     * Avro: they have no subject.)
     *
     * @throws IllegalStateException when they cannot be known ({@link #whySubjectsUnknown()})
     */
    public List<SchemaBootstrap.Subject> subjects() {
        whySubjectsUnknown().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        return List.of(
                new SchemaBootstrap.Subject(SubjectNames.of(names.agreements(), false), Agreement.getClassSchema(), false),
                new SchemaBootstrap.Subject(SubjectNames.of(names.orders(), false), ProposedOrder.getClassSchema(), false),
                new SchemaBootstrap.Subject(SubjectNames.TOPIC_RECORD_NAME.subject(names.orders(), false,
                        ExecutionReport.getClassSchema()), ExecutionReport.getClassSchema(), false),
                written(names.approved(), Decision.getClassSchema()),
                written(names.blocked(), Decision.getClassSchema()),
                written(names.positions(), Position.getClassSchema()),
                written(names.agreementAudit(), AgreementAudit.getClassSchema()),
                written(names.executionResults(), ReportResult.getClassSchema()),
                written(names.complianceAlerts(), ComplianceAlert.getClassSchema()));
    }

    /**
     * The subject of the orders the guard writes itself ({@code POST /api/orders}): its own serde writes a proposed
     * order under {@code <orders>-value} whatever the strategy (what the desks' producers use); a plugged-in serde,
     * under the strategy's subject.
     *
     * @throws IllegalStateException when it cannot be known ({@link #whySubjectsUnknown()})
     */
    public SchemaBootstrap.Subject ordersWritten() {
        whySubjectsUnknown().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        SubjectNames strategy = pluggedSerde == null ? SubjectNames.TOPIC_NAME : writtenSubjects;
        return new SchemaBootstrap.Subject(strategy.subject(names.orders(), false, ProposedOrder.getClassSchema()),
                ProposedOrder.getClassSchema(), true);
    }

    private SchemaBootstrap.Subject written(String topic, org.apache.avro.Schema schema) {
        return new SchemaBootstrap.Subject(writtenSubjects.subject(topic, false, schema), schema, true);
    }

    public TopicNames names() {
        return names;
    }

    public Topic<String, Agreement> agreements() {
        return agreements;
    }

    /** Proposed orders and execution reports ({@link #ORDER_EVENTS}). */
    public Topic<String, SpecificRecord> orders() {
        return orders;
    }

    public Topic<String, Decision> approved() {
        return approved;
    }

    public Topic<String, Decision> blocked() {
        return blocked;
    }

    public Topic<String, byte[]> deadLetters() {
        return deadLetters;
    }

    public Topic<String, Position> positions() {
        return positions;
    }

    public Topic<String, AgreementAudit> agreementAudit() {
        return agreementAudit;
    }

    public Topic<String, ReportResult> executionResults() {
        return executionResults;
    }

    public Topic<String, ComplianceAlert> complianceAlerts() {
        return complianceAlerts;
    }

    /** A codec of the guard's store values that reads an older guard's too: one per thread, it caches agreements. */
    public StateCodec stateCodec() {
        return new StateCodec(legacyStoreValues(new DecisionWire(this)::encode));
    }

    /**
     * How the guard reads the store values an older guard wrote, as Avro with this registry: every
     * value an upgraded guard restores from its changelogs until it writes the value again, compact.
     */
    public LegacyStoreValues legacyStoreValues(Function<Decision, byte[]> decisionWire) {
        return new LegacyStoreValues(new LegacyStoreValues.Readers(holdingStateSerde.deserializer(),
                seenOrderSerde.deserializer(), reservationSerde.deserializer(), seenExecutionSerde.deserializer(),
                decisionWire));
    }
}
