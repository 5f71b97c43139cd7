package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.registry.SchemaBootstrap;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.serde.SpecificAvroSerde;
import com.lockupguard.serde.SubjectNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private final Topic<String, ProposedOrder> orders;
    private final Topic<String, Decision> approved;
    private final Topic<String, Decision> blocked;
    private final Topic<String, byte[]> deadLetters;
    private final Topic<String, Position> positions;
    private final Topic<String, AgreementAudit> agreementAudit;
    private final Serde<HoldingState> holdingStateSerde;
    private final Serde<SeenOrder> seenOrderSerde;
    private final SchemaRegistryClient registry;

    /** The value serde of each Avro type, all configured alike. */
    private interface ValueSerdes {
        <T extends SpecificRecord> Serde<T> of(Class<T> type);
    }

    private GuardTopics(TopicNames names, ValueSerdes serdes, SchemaRegistryClient registry) {
        this.names = names;
        Serde<String> keys = Serdes.String();
        Serde<Decision> decisionSerde = serdes.of(Decision.class);
        this.agreements = new Topic<>(names.agreements(), keys, serdes.of(Agreement.class));
        this.orders = new Topic<>(names.orders(), keys, serdes.of(ProposedOrder.class));
        this.approved = new Topic<>(names.approved(), keys, decisionSerde);
        this.blocked = new Topic<>(names.blocked(), keys, decisionSerde);
        this.deadLetters = new Topic<>(names.deadLetters(), keys, Serdes.ByteArray());
        this.positions = new Topic<>(names.positions(), keys, serdes.of(Position.class));
        this.agreementAudit = new Topic<>(names.agreementAudit(), keys, serdes.of(AgreementAudit.class));
        this.holdingStateSerde = serdes.of(HoldingState.class);
        this.seenOrderSerde = serdes.of(SeenOrder.class);
        this.registry = registry;
    }

    /**
     * Topics with the guard's Avro serdes, configured from {@code serdeConfig}
     * ({@code schema.registry.url}, ...), all on one registry client. When {@code default.value.serde}
     * names another class (Confluent's {@code SpecificAvroSerde}, say), that class serves every
     * topic and store instead.
     */
    public static GuardTopics avro(TopicNames names, Map<String, ?> serdeConfig) {
        Object pluggedIn = serdeConfig.get(VALUE_SERDE_CONFIG);
        if (pluggedIn != null && !pluggedIn.toString().equals(SpecificAvroSerde.class.getName())) {
            return new GuardTopics(names, new ValueSerdes() {
                @Override
                public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                    return plugged(pluggedIn, serdeConfig);
                }
            }, null);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(serdeConfig);
        return new GuardTopics(names, new ValueSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
                serde.configure(serdeConfig, false);
                return serde;
            }
        }, registry);
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

    /** Every subject the guard reads or writes, with the schema it uses (Confluent's TopicNameStrategy). */
    public List<SchemaBootstrap.Subject> subjects(String applicationId) {
        return List.of(
                new SchemaBootstrap.Subject(SubjectNames.of(names.agreements(), false), Agreement.getClassSchema(), false),
                new SchemaBootstrap.Subject(SubjectNames.of(names.orders(), false), ProposedOrder.getClassSchema(), false),
                new SchemaBootstrap.Subject(SubjectNames.of(names.approved(), false), Decision.getClassSchema(), true),
                new SchemaBootstrap.Subject(SubjectNames.of(names.blocked(), false), Decision.getClassSchema(), true),
                new SchemaBootstrap.Subject(SubjectNames.of(names.positions(), false), Position.getClassSchema(), true),
                new SchemaBootstrap.Subject(SubjectNames.of(names.agreementAudit(), false),
                        AgreementAudit.getClassSchema(), true),
                new SchemaBootstrap.Subject(SubjectNames.of(changelog(applicationId, StoreNames.HOLDING_STATE), false),
                        HoldingState.getClassSchema(), true),
                new SchemaBootstrap.Subject(SubjectNames.of(changelog(applicationId, StoreNames.SEEN_ORDERS), false),
                        SeenOrder.getClassSchema(), true));
    }

    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    public TopicNames names() {
        return names;
    }

    public Topic<String, Agreement> agreements() {
        return agreements;
    }

    public Topic<String, ProposedOrder> orders() {
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

    public Serde<HoldingState> holdingStateSerde() {
        return holdingStateSerde;
    }

    public Serde<SeenOrder> seenOrderSerde() {
        return seenOrderSerde;
    }
}
