package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
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
    void shouldTrustTheGeneratedRecordsAndEnumsAndNothingElseOfTheGuards() {
        // given Avro's trust as the guard installs it (the test JVM installs it as the guard's does)
        ClassSecurityPredicate trust = ClassSecurityValidator.getGlobal();
        // when / then a generated record and an enum pass; a record's builder and the guard's own code do not
        assertThat(trust.isTrusted(Decision.class)).isTrue();
        assertThat(trust.isTrusted(TrancheMode.class)).isTrue();
        assertThat(trust.isTrusted(Decision.Builder.class)).isFalse();
        assertThat(trust.isTrusted(AvroDeserializer.class)).isFalse();
        assertThat(trust.isTrusted(SchemaNamedClass.class)).isFalse();
    }

    @Test
    void shouldAddTheGeneratedClassesAgainToATrustSetSinceItWasInstalled() {
        // given a program that sets Avro's trust to its default after the guard installed its own
        ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
        try {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
            assertThat(ClassSecurityValidator.getGlobal().isTrusted(Decision.class)).isFalse();
            // when it is installed again
            GeneratedClassTrust.install();
            // then the generated classes are trusted again, with what that trust held
            assertThat(ClassSecurityValidator.getGlobal().isTrusted(Decision.class)).isTrue();
            assertThat(ClassSecurityValidator.getGlobal().isTrusted(String.class)).isTrue();
        } finally {
            ClassSecurityValidator.setGlobal(before);
        }
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

    @Test
    void shouldRefuseARecordNamedAfterAClassAvroTrustsOrABuilderAsNoneOfTheGuardsSchemas() throws IOException {
        // given records whose schemas take the name of a class Avro trusts itself, and of a generated record's builder
        for (String name : List.of("java.lang.Object", "com.lockupguard.avro.Decision.Builder")) {
            int dot = name.lastIndexOf('.');
            Schema named = new Schema.Parser().parse("""
                    {"type": "record", "name": "%s", "namespace": "%s", "fields": []}
                    """.formatted(name.substring(dot + 1), name.substring(0, dot)));
            byte[] bytes = written(registry.register(name + "-value", named), new GenericData.Record(named));
            AvroDeserializer<Object> specific = new AvroDeserializer<>();
            specific.configure(Map.of("schema.registry.url", "mock://" + scope, "specific.avro.reader", true), false);
            // when each is read into the class its name names
            // then it is refused as a record of none of the guard's schemas, naming the topic and the type
            assertThatThrownBy(() -> specific.deserialize("probes", bytes)).as(name)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("'probes' is a " + name)
                    .hasMessageContaining("not a class of the guard's schemas");
        }
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
