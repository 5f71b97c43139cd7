package com.lockupguard.serde;

import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records in Confluent's wire format, registering or looking up their schema
 * under the subject the configured strategy names ({@code <topic>-key|value} by default;
 * {@code key|value.subject.name.strategy} as Confluent's serializer takes it). Schema ids are
 * cached per subject, so that the hot path never calls the registry.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();

    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister;
    private boolean useLatestVersion;
    private SubjectNames subjects = SubjectNames.TOPIC_NAME;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<Object>> writers = new ConcurrentHashMap<>();

    public AvroSerializer() {
    }

    /** A serializer on a given registry client (tests, tools); configure() may still override settings. */
    public AvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
        this.autoRegister = true;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.subjects = SubjectNames.fromConfig(configs.get(isKey ? SubjectNames.KEY_STRATEGY_CONFIG
                : SubjectNames.VALUE_STRATEGY_CONFIG));
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        String subject = subjects.subject(topic, isKey, record.getSchema());
        try {
            if (useLatestVersion) {
                SchemaMetadata latest = registry.getLatestSchemaMetadata(subject);
                Object value = latest.schema().equals(record.getSchema())
                        ? record
                        : SchemaResolution.convert(record, latest.schema());
                return encode(latest.id(), latest.schema(), value);
            }
            Schema schema = record.getSchema();
            return encode(schemaId(subject, schema), schema, record);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("schema registry refused " + record.getSchema().getFullName()
                    + " for subject '" + subject + "': " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + record.getSchema().getFullName()
                    + " for subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    private byte[] encode(int schemaId, Schema schema, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, schemaId);
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, ENCODER.get());
        ENCODER.set(encoder);
        writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private int schemaId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        int id = autoRegister ? registry.register(subject, schema) : registry.getId(subject, schema);
        ids.put(schema, id);
        return id;
    }

    @Override
    public void close() {
        // the registry client is shared; its owner closes it
    }
}
