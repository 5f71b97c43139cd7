package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OneOfAvroSerdeTest {

    private final String scope = "one-of-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final OneOfAvroSerde serde = new OneOfAvroSerde(List.of(ProposedOrder.class, ExecutionReport.class),
            registry);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldWriteTheFirstTypeUnderTheTopicsSubjectAndTheOthersUnderTheirOwn() {
        // given the orders topic's serde: orders, as their producers always wrote them, and execution reports
        serde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        ProposedOrder order = AvroSerdeTest.order();
        ExecutionReport report = ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("e2")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(100L).build();
        // when it writes one of each
        byte[] orderBytes = serde.serializer().serialize("orders", order);
        byte[] reportBytes = serde.serializer().serialize("orders", report);
        // then the order is under orders-value (TopicNameStrategy), the report under TopicRecordNameStrategy's subject
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("orders-value",
                "orders-com.lockupguard.avro.ExecutionReport");
        assertThat(serde.strategyOf(ProposedOrder.class)).isEqualTo(SubjectNames.TOPIC_NAME);
        assertThat(serde.strategyOf(ExecutionReport.class)).isEqualTo(SubjectNames.TOPIC_RECORD_NAME);
        // and each reads back as the type it was written as
        assertThat(serde.deserializer().deserialize("orders", orderBytes)).isEqualTo(order);
        assertThat(serde.deserializer().deserialize("orders", reportBytes)).isEqualTo(report);
    }

    @Test
    void shouldRefuseToReadATypeTheTopicDoesNotCarryNamingTheOnesItDoes() {
        // given a decision written to the orders topic by a producer with its own serializer
        serde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        AvroSerializer<com.lockupguard.avro.Decision> other = new AvroSerializer<>(registry);
        byte[] decision = other.serialize("orders", AvroSerdeTest.decision());
        // when the orders topic's serde reads it, then it is refused as undecodable, naming what the topic carries
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", decision))
                .isInstanceOf(SerializationException.class).hasMessageContaining("com.lockupguard.avro.Decision")
                .hasMessageContaining("ProposedOrder").hasMessageContaining("ExecutionReport");
    }

    @Test
    void shouldReadAnOrderWrittenAsANullableRecordAsATopicOfOneTypeReadsIt() throws IOException {
        // given an order written with the schema ["null", ProposedOrder], as some producers write every value
        serde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        Schema nullable = Schema.createUnion(Schema.create(Schema.Type.NULL), ProposedOrder.getClassSchema());
        int id = registry.register("orders-value", nullable);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        written.write(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(written, null);
        new SpecificDatumWriter<ProposedOrder>(nullable).write(AvroSerdeTest.order(), encoder);
        encoder.flush();

        // when the orders topic's serde reads it, then it is that order (the agreements topic read it so already)
        assertThat(serde.deserializer().deserialize("orders", written.toByteArray())).isEqualTo(AvroSerdeTest.order());
    }

    @Test
    void shouldRefuseToWriteATypeTheTopicDoesNotCarryNamingTheOnesItDoes() {
        serde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        assertThatThrownBy(() -> serde.serializer().serialize("orders", AvroSerdeTest.decision()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Decision")
                .hasMessageContaining("ProposedOrder").hasMessageContaining("ExecutionReport");
    }
}
