package com.lockupguard.serde;

import com.lockupguard.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of a topic that carries several Avro record types, Confluent-style: each record is
 * read into the generated class its writer schema names (one of the accepted ones, else a
 * SerializationException that dead-letters it). Each type is written under its own subject: the
 * first type under {@code <topic>-value} (what its producers have always used), the others under
 * {@code <topic>-<full name>} (TopicRecordNameStrategy).
 */
public final class OneOfAvroSerde implements Serde<SpecificRecord> {

    private final List<Class<? extends SpecificRecord>> types;
    private final Map<Class<?>, AvroSerializer<SpecificRecord>> serializers = new HashMap<>();
    private final AvroDeserializer<SpecificRecord> deserializer;

    public OneOfAvroSerde(List<Class<? extends SpecificRecord>> types, SchemaRegistryClient registry) {
        this.types = List.copyOf(types);
        for (Class<? extends SpecificRecord> type : this.types) {
            serializers.put(type, new AvroSerializer<>(registry));
        }
        this.deserializer = new AvroDeserializer<>(registry, this.types);
    }

    /** The subject strategy a type's records are written under. */
    public SubjectNames strategyOf(Class<? extends SpecificRecord> type) {
        return type.equals(types.get(0)) ? SubjectNames.TOPIC_NAME : SubjectNames.TOPIC_RECORD_NAME;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        for (Class<? extends SpecificRecord> type : types) {
            Map<String, Object> own = new HashMap<>(configs);
            own.put(isKey ? SubjectNames.KEY_STRATEGY_CONFIG : SubjectNames.VALUE_STRATEGY_CONFIG,
                    strategyOf(type).configName());
            own.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
            serializers.get(type).configure(own, isKey);
        }
        Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<SpecificRecord> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            AvroSerializer<SpecificRecord> serializer = serializers.get(record.getClass());
            if (serializer == null) {
                throw new org.apache.kafka.common.errors.SerializationException(record.getClass().getName()
                        + " does not go on this topic; it carries " + types);
            }
            return serializer.serialize(topic, record);
        };
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return deserializer;
    }
}
