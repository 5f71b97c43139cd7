package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeneratedClassTrustTest {

    private final String scope = "trust-test-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldTrustTheGeneratedClassesAndTheirBuildersAndNothingElseOfTheGuards() {
        // given Avro's trust as the guard installs it (the test JVM installs it as the guard's does)
        // when / then a generated record, its builder and an enum pass; a class of the guard's own code does not
        ClassSecurityValidator.validate(Decision.class);
        ClassSecurityValidator.validate(Decision.Builder.class);
        ClassSecurityValidator.validate(TrancheMode.class);
        assertThatThrownBy(() -> ClassSecurityValidator.validate(AvroDeserializer.class))
                .isInstanceOf(SecurityException.class);
        assertThat(GeneratedClassTrust.isGenerated(SchemaNamedClass.class)).isFalse();
    }

    @Test
    void shouldNotInstantiateAClassThatARegisteredSchemaNamesInJavaClassWhenReadingGenerically() {
        // given a schema registered by someone who may register one, whose string field names a class to be made of
        // it, and a record written with it
        Schema named = new Schema.Parser().parse("""
                {"type": "record", "name": "Probe", "namespace": "com.example", "fields": [{"name": "s", "type":
                  {"type": "string", "avro.java.string": "String", "java-class": "%s"}}]}
                """.formatted(SchemaNamedClass.class.getName()));
        GenericRecord record = new GenericData.Record(named);
        record.put("s", "made");
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("probes", record);
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        generic.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        // when it is read as a generic record, which reads with the writer's schema
        Object read = generic.deserialize("probes", bytes);
        // then the field is the string written, and the class was neither made of it (as Avro 1.12.1's fast reader
        // did) nor initialized
        assertThat(((GenericRecord) read).get("s")).isEqualTo("made");
        assertThat(System.getProperty(SchemaNamedClass.INSTANTIATED)).isNull();
        assertThat(System.getProperty(SchemaNamedClass.INITIALIZED)).isNull();
    }

    @Test
    void shouldRefuseARecordNamedAfterAClassOutsideTheGuardsSchemasWithoutInitializingIt() throws IOException {
        // given a record whose schema takes the name of a class that is not one of the guard's schemas
        Schema named = new Schema.Parser().parse("""
                {"type": "record", "name": "%s", "namespace": "%s", "fields": [{"name": "s", "type": "string"}]}
                """.formatted(SchemaNamedClass.class.getSimpleName(), SchemaNamedClass.class.getPackageName()));
        GenericRecord record = new GenericData.Record(named);
        record.put("s", "x");
        byte[] bytes = written(registry.register("probes-value", named), record);
        AvroDeserializer<Object> specific = new AvroDeserializer<>();
        specific.configure(Map.of("schema.registry.url", "mock://" + scope, "specific.avro.reader", true), false);
        // when it is read into the generated class its name names
        // then it is refused, naming the topic and the type, and the class was never initialized
        assertThatThrownBy(() -> specific.deserialize("probes", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("'probes'").hasMessageContaining(SchemaNamedClass.class.getName())
                .hasMessageContaining("not a class of the guard's schemas");
        assertThat(System.getProperty(SchemaNamedClass.INITIALIZED)).isNull();
    }

    /** {@code record} in the wire format, under {@code schemaId}, written without looking any class up. */
    private static byte[] written(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[WireFormat.HEADER_SIZE]);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, schemaId);
        return bytes;
    }
}
