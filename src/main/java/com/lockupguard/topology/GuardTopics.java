package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.serde.SpecificAvroSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An immutable description of the guard's topics and stores with their serdes: what the
 * topology factory, the service, the replay and the tests share.
 */
public final class GuardTopics {

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
    private final Serde<HoldingState> holdingStateSerde;
    private final Serde<SeenOrder> seenOrderSerde;

    private GuardTopics(TopicNames names, Serde<Agreement> agreementSerde, Serde<ProposedOrder> orderSerde,
            Serde<Decision> decisionSerde, Serde<HoldingState> holdingStateSerde, Serde<SeenOrder> seenOrderSerde) {
        this.names = names;
        Serde<String> keys = Serdes.String();
        this.agreements = new Topic<>(names.agreements(), keys, agreementSerde);
        this.orders = new Topic<>(names.orders(), keys, orderSerde);
        this.approved = new Topic<>(names.approved(), keys, decisionSerde);
        this.blocked = new Topic<>(names.blocked(), keys, decisionSerde);
        this.deadLetters = new Topic<>(names.deadLetters(), keys, Serdes.ByteArray());
        this.holdingStateSerde = holdingStateSerde;
        this.seenOrderSerde = seenOrderSerde;
    }

    /** Topics with the guard's Avro serdes, configured from {@code serdeConfig} ({@code schema.registry.url}, ...). */
    public static GuardTopics avro(TopicNames names, Map<String, ?> serdeConfig) {
        return new GuardTopics(names,
                SpecificAvroSerde.forValues(Agreement.class, serdeConfig),
                SpecificAvroSerde.forValues(ProposedOrder.class, serdeConfig),
                SpecificAvroSerde.forValues(Decision.class, serdeConfig),
                SpecificAvroSerde.forValues(HoldingState.class, serdeConfig),
                SpecificAvroSerde.forValues(SeenOrder.class, serdeConfig));
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

    public Serde<HoldingState> holdingStateSerde() {
        return holdingStateSerde;
    }

    public Serde<SeenOrder> seenOrderSerde() {
        return seenOrderSerde;
    }
}
