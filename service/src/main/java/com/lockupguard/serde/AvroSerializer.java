package com.lockupguard.serde;

import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records in Confluent's wire format, registering or looking up their schema
 * under the subject the configured strategy names ({@code <topic>-key|value} by default;
 * {@code key|value.subject.name.strategy} as Confluent's serializer takes it). Schema ids are
 * cached per subject, so that the hot path never calls the registry.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    static {
        GeneratedClassTrust.install();
    }

    private static final ThreadLocal<EncodeBuffer> BUFFER = ThreadLocal.withInitial(EncodeBuffer::new);

    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister;
    private boolean useLatestVersion;
    private Duration latestCacheTtl;
    private SubjectNames subjects = SubjectNames.TOPIC_NAME;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<Object>> writers = new ConcurrentHashMap<>();
    /** The last schema written to each topic, with its id and writer: the hot path's only lookup. */
    private final Map<String, Target> lastTargetByTopic = new ConcurrentHashMap<>();
    /** With use.latest.version: each subject's latest schema, and when it was asked for. */
    private final Map<String, Latest> latestBySubject = new ConcurrentHashMap<>();

    private record Latest(Target target, long askedAtNanos) {
    }

    /** A topic's schema, its id, and how to write it: by hand where {@link DecisionEncoder} can, else Avro's writer. */
    private record Target(Schema schema, int id, SpecificDatumWriter<Object> writer,
            DecisionEncoder.RecordEncoder hand) {

        Target(Schema schema, int id, SpecificDatumWriter<Object> writer) {
            this(schema, id, writer, DecisionEncoder.forSchema(schema));
        }

        /** Avro's writer only: what is written to another schema than its own may be a generic record. */
        static Target writerOnly(Schema schema, int id, SpecificDatumWriter<Object> writer) {
            return new Target(schema, id, writer, null);
        }

        /** By hand only for the generated class: a generic record read with its schema goes to Avro's writer. */
        void write(Object value, BinaryEncoder out) throws IOException {
            if (hand != null && value instanceof SpecificRecord) {
                hand.encode(value, out);
            } else {
                writer.write(value, out);
            }
        }
    }

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
        this.latestCacheTtl = config.latestCacheTtl();
        String strategy = isKey ? SubjectNames.KEY_STRATEGY_CONFIG : SubjectNames.VALUE_STRATEGY_CONFIG;
        this.subjects = SubjectNames.fromConfig(strategy, configs.get(strategy));
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
        Target last = lastTargetByTopic.get(topic);
        if (last != null && last.schema() == record.getSchema()) {
            return encodeOrFail(last, record, topic);
        }
        String subject = subjects.subject(topic, isKey, record.getSchema());
        try {
            if (useLatestVersion) {
                Target latest = latest(subject);
                Object value = latest.schema().equals(record.getSchema())
                        ? record
                        : SchemaResolution.convert(record, latest.schema());
                return encode(latest, value);
            }
            Schema schema = record.getSchema();
            Target target = new Target(schema, schemaId(subject, schema), writer(schema));
            lastTargetByTopic.put(topic, target);
            return encode(target, record);
        } catch (SchemaRegistryException e) {
            String what = e instanceof SchemaRegistryException.Unavailable ? "schema registry unavailable for "
                    : "schema registry refused ";
            throw new SerializationException(what + record.getSchema().getFullName() + " for subject '" + subject
                    + "': " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + record.getSchema().getFullName()
                    + " for subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    private byte[] encodeOrFail(Target target, T record, String topic) {
        try {
            return encode(target, record);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + record.getSchema().getFullName()
                    + " for topic '" + topic + "': " + e.getMessage(), e);
        }
    }

    /** The subject's latest schema, asked of the registry once per {@code latest.cache.ttl.sec}, not per record. */
    private Target latest(String subject) {
        long now = System.nanoTime();
        Latest cached = latestBySubject.get(subject);
        if (cached != null && (latestCacheTtl == null || now - cached.askedAtNanos() < latestCacheTtl.toNanos())) {
            return cached.target();
        }
        SchemaMetadata latest = registry.getLatestSchemaMetadata(subject);
        Target target = Target.writerOnly(latest.schema(), latest.id(), writer(latest.schema()));
        latestBySubject.put(subject, new Latest(target, now));
        return target;
    }

    private SpecificDatumWriter<Object> writer(Schema schema) {
        return writers.computeIfAbsent(schema, SpecificDatumWriter::new);
    }

    private static byte[] encode(Target target, Object value) throws IOException {
        EncodeBuffer buffer = BUFFER.get();
        BinaryEncoder encoder = buffer.start(target.id());
        target.write(value, encoder);
        encoder.flush();
        return buffer.toByteArray();
    }

    /**
     * A thread's reusable output buffer and buffered encoder: one copy per record, the result, instead
     * of a growing stream's copies and a lock per byte.
     */
    private static final class EncodeBuffer extends OutputStream {
        private byte[] bytes = new byte[1024];
        private int size;
        private BinaryEncoder encoder;

        BinaryEncoder start(int schemaId) {
            // reconfiguring a buffered encoder first writes out what it still holds: the rest of a record whose
            // encoding failed. That goes into the old record's space, which the header and the new record replace.
            encoder = EncoderFactory.get().binaryEncoder(this, encoder);
            size = WireFormat.HEADER_SIZE;
            WireFormat.writeHeader(bytes, schemaId);
            return encoder;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
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
