package com.lockupguard.serde;

import com.lockupguard.registry.ReadableAs;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes Confluent wire-format Avro: the writer's schema comes from the registry by the
 * id in the header (cached), the reader's schema is the target class's when one is given, else
 * the generated class named by the writer schema ({@code specific.avro.reader=true}), else the
 * writer's (a GenericRecord). Every failure is a {@link SerializationException} naming the
 * topic and what is wrong, so that Kafka Streams can dead-letter the record; a string whose bytes
 * are not UTF-8 is one ({@link StrictUtf8Decoder}), not read with a replacement character.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    static {
        GeneratedClassTrust.install();
    }

    static final String VALUE_SCHEMA_ID_HEADER = "__value_schema_id";
    static final String KEY_SCHEMA_ID_HEADER = "__key_schema_id";
    private static final Logger LOG = LoggerFactory.getLogger(AvroDeserializer.class);
    private static final ThreadLocal<StrictUtf8Decoder> DECODER = ThreadLocal.withInitial(StrictUtf8Decoder::new);

    private final Schema readerSchema;
    private final Map<String, Schema> readerSchemasByName;
    private SchemaRegistryClient registry;
    private boolean specificReader;
    /** The header in which Confluent's serializers name the schema instead, when told to: not read. */
    private String schemaIdHeader = VALUE_SCHEMA_ID_HEADER;
    private final Map<Integer, Reading<T>> readersById = new ConcurrentHashMap<>();

    /**
     * How records of one writer schema are read: the datum reader, and whether bytes the writer wrote can only be
     * read as a string (the reader's schema holds no bytes), so that they are checked as UTF-8 as strings are. Avro's
     * readers (its fast reader, the default, as its resolving one) read a writer's bytes only as the reader's bytes
     * or as a string they are promoted to, and skip those of a field the reader lacks. A reader schema with bytes
     * (or a decimal on bytes) would leave promoted strings unchecked: none of the guard's contracts has one, and a
     * test says so.
     */
    private record Reading<T>(DatumReader<T> reader, boolean bytesAreText) {
    }

    public AvroDeserializer() {
        this(null, (Class<? extends SpecificRecord>) null);
    }

    /** A deserializer into {@code targetClass}, resolving every writer schema against its schema. */
    public AvroDeserializer(Class<? extends SpecificRecord> targetClass) {
        this(null, targetClass);
    }

    public AvroDeserializer(SchemaRegistryClient registry, Class<? extends SpecificRecord> targetClass) {
        this.registry = registry;
        this.readerSchema = targetClass == null ? null : SpecificData.get().getSchema(targetClass);
        this.readerSchemasByName = null;
        this.specificReader = targetClass != null;
    }

    /**
     * A deserializer of a topic that carries several record types: each record is read into the one of
     * {@code targetClasses} its writer schema names; a record of any other type is refused.
     */
    public AvroDeserializer(SchemaRegistryClient registry, List<Class<? extends SpecificRecord>> targetClasses) {
        this.registry = registry;
        this.readerSchema = null;
        this.readerSchemasByName = new java.util.LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : targetClasses) {
            Schema schema = SpecificData.get().getSchema(type);
            readerSchemasByName.put(schema.getFullName(), schema);
        }
        this.specificReader = true;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        schemaIdHeader = isKey ? KEY_SCHEMA_ID_HEADER : VALUE_SCHEMA_ID_HEADER;
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        specificReader = readerSchema != null || config.specificAvroReader();
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
    }

    /**
     * Refuses a record that names its schema in a header, as Confluent's serializers do when told to (their
     * {@code HeaderSchemaIdSerializer}): its value starts with the Avro record, with no id, and read as this format
     * its first bytes were taken for an id (seen: "names schema id 33974638 that the registry cannot give").
     */
    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data != null && headers != null && headers.lastHeader(schemaIdHeader) != null) {
            throw new SerializationException("record on '" + topic + "' names its schema in its " + schemaIdHeader
                    + " header (Confluent's schema ids in headers), which the guard does not read: have its "
                    + "producer write the schema id at the start of the value, Confluent's default");
        }
        return deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int schemaId = WireFormat.readSchemaId(data, topic);
        Reading<T> reading = readerFor(schemaId, topic);
        try {
            StrictUtf8Decoder decoder = DECODER.get().on(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, reading.bytesAreText());
            T value = reading.reader().read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("record on '" + topic + "' has bytes left after the Avro "
                        + "record written with schema id " + schemaId + ": it is corrupt or not this schema");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException serializationException) {
                throw serializationException;
            }
            if (e instanceof StrictUtf8Decoder.NotUtf8Exception notUtf8) {
                throw new SerializationException("record on '" + topic + "' (schema id " + schemaId + ") holds "
                        + notUtf8.getMessage(), e);
            }
            throw new SerializationException("record on '" + topic + "' is not valid Avro for schema id "
                    + schemaId + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } catch (StackOverflowError e) {
            // a writer schema may nest a record in itself (a list, a tree), and Avro reads or skips each level by a
            // call within a call: a few kilobytes nested some thousands deep overflow the stack. An Error reaches no
            // deserialization handler: it would end the stream thread, and every replacement on the same record
            throw new SerializationException("record on '" + topic + "' (schema id " + schemaId + ") nests records "
                    + "too deeply to be read");
        }
    }

    private Reading<T> readerFor(int schemaId, String topic) {
        Reading<T> cached = readersById.get(schemaId);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.getSchemaById(schemaId);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("record on '" + topic + "' names schema id " + schemaId
                    + " that the registry cannot give: " + e.getMessage(), e);
        }
        Schema read; // the generated class's schema, or null for a generic record of the writer's
        if (readerSchemasByName != null) {
            Schema target = targetOf(writerSchema);
            if (target == null) {
                // not cached: a producer may still register a schema of an accepted type under this id's name
                throw new SerializationException("record on '" + topic + "' is a " + writerSchema.getFullName()
                        + " (schema id " + schemaId + "); this topic carries " + readerSchemasByName.keySet());
            }
            read = target;
        } else if (readerSchema != null) {
            read = readerSchema;
        } else if (specificReader) {
            read = generatedSchema(writerSchema, schemaId, topic);
        } else {
            read = null;
        }
        if (read != null) {
            // not cached: the registry client keeps the schema, and a refusal costs no request
            String refusal = ReadableAs.refusal(read, writerSchema);
            if (refusal != null) {
                throw new SerializationException("record on '" + topic + "' (schema id " + schemaId + ") cannot be "
                        + "read as " + read.getFullName() + ": " + refusal);
            }
        }
        DatumReader<T> reader = read == null
                ? new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get())
                : new SpecificDatumReader<>(writerSchema, read);
        Reading<T> reading = new Reading<>(reader, !holdsBytes(read == null ? writerSchema : read));
        String renamed = read == null ? null : ReadableAs.renamedFields(read, writerSchema);
        // said by the one stream thread that keeps its reading first
        if (readersById.putIfAbsent(schemaId, reading) == null && renamed != null) {
            // read all the same, as Avro's resolution has it (a field left out takes its default: RULES.md)
            LOG.warn("records on '{}' written with schema id {} ({}) are read as {}, but their schema {}", topic,
                    schemaId, writerSchema.getFullName(), read.getFullName(), renamed);
        }
        return reading;
    }

    /**
     * The one of several target classes' schemas a record written with {@code writerSchema} is read into: the one of
     * its full name, else the one it is read as by name in any namespace, or by an alias ({@link ReadableAs#sameName}),
     * as the start's check of the producers' schemas reads it; null for none.
     */
    private Schema targetOf(Schema writerSchema) {
        if (writerSchema.getType() == Schema.Type.UNION) {
            // a nullable record (["null", ProposedOrder]), as some producers write every value: read as that record,
            // as a topic of one type reads it (a null written in it is refused by the reading)
            List<Schema> records = writerSchema.getTypes().stream()
                    .filter(branch -> branch.getType() != Schema.Type.NULL).toList();
            return records.size() == 1 && records.get(0).getType() == Schema.Type.RECORD ? targetOf(records.get(0))
                    : null;
        }
        Schema exact = readerSchemasByName.get(writerSchema.getFullName());
        if (exact != null) {
            return exact;
        }
        return readerSchemasByName.values().stream().filter(target -> ReadableAs.sameName(target, writerSchema))
                .findFirst().orElse(null);
    }

    /** The schema of the generated record class {@code writerSchema} is named after; refused when there is none. */
    private static Schema generatedSchema(Schema writerSchema, int schemaId, String topic) {
        String record = "record on '" + topic + "' is a " + writerSchema.getFullName() + " (schema id " + schemaId
                + ")";
        Class<?> generated;
        try {
            generated = SpecificData.get().getClass(writerSchema);
        } catch (SecurityException e) {
            throw new SerializationException(record + ", which is not a class of the guard's schemas", e);
        }
        if (generated == null) {
            throw new SerializationException(record + ", which has no generated class here; read it with "
                    + "specific.avro.reader=false");
        }
        if (!SpecificRecord.class.isAssignableFrom(generated)) {
            // a class Avro trusts that is no generated record (java.lang.Object, or one its system properties add)
            throw new SerializationException(record + ", which is not a class of the guard's schemas");
        }
        return SpecificData.get().getSchema(generated);
    }

    /** Whether {@code schema} has bytes anywhere in it. */
    static boolean holdsBytes(Schema schema) {
        return holdsBytes(schema, new HashSet<>());
    }

    /** Whether {@code schema} has bytes anywhere in it; {@code seen} holds the named types already looked into. */
    private static boolean holdsBytes(Schema schema, Set<String> seen) {
        return switch (schema.getType()) {
            case BYTES -> true;
            case ARRAY -> holdsBytes(schema.getElementType(), seen);
            case MAP -> holdsBytes(schema.getValueType(), seen);
            case UNION -> schema.getTypes().stream().anyMatch(branch -> holdsBytes(branch, seen));
            case RECORD -> seen.add(schema.getFullName())
                    && schema.getFields().stream().anyMatch(field -> holdsBytes(field.schema(), seen));
            default -> false;
        };
    }
}
