package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.testing.ForeignSchemas;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final String scope = "serde-test-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + scope);
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    static ProposedOrder order() {
        return ProposedOrder.newBuilder().setOrderId("e2").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(120_000L).build();
    }

    static Decision decision() {
        Position position = Position.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setAsOf(Instant.parse("2003-07-11T13:45:00Z")).setPhase(Phase.FIRST).setPeriod(null)
                .setRegistered(true).setTotalShares(675_675).setSoldToDate(120_000).setContractCapacity(80_000)
                .setReleasedToDate(200_000).setAvailableNow(80_000)
                .setNextReleaseAt(Instant.parse("2003-08-09T04:00:00Z")).setAvailableAtNextRelease(238_559L)
                .setFirstReleaseAt(Instant.parse("2003-07-10T20:30:00Z"))
                .setSecondReleaseAt(Instant.parse("2003-08-09T04:00:00Z"))
                .setRule144Date(LocalDate.parse("2004-04-28")).build();
        return Decision.newBuilder().setOrderId("e4").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(90_000L).setOrderAt(Instant.parse("2003-07-20T15:00:00Z"))
                .setOutcome(Outcome.BLOCKED).setReasons(List.of(Reason.FIRST_RELEASE_CAP)).setMaxAllowedNow(80_000L)
                .setEvaluatedAt(Instant.parse("2003-07-20T15:00:00Z")).setPosition(position).build();
    }

    @Test
    void shouldRoundTripEveryContract() {
        // given
        Agreement agreement = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28"))
                .setEffectiveAt(Instant.parse("2003-07-10T20:30:00Z")).build();
        // when / then
        assertThat(roundTrip(Agreement.class, "agreements", agreement)).isEqualTo(agreement);
        assertThat(roundTrip(ProposedOrder.class, "orders", order())).isEqualTo(order());
        assertThat(roundTrip(Decision.class, "orders-blocked", decision())).isEqualTo(decision());
    }

    @Test
    void shouldFillAgreementDefaultsWithLettersTerms() {
        Agreement agreement = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).build();
        assertThat(agreement.getTotalShares()).isEqualTo(675_675);
        assertThat(agreement.getTrancheShares()).isEqualTo(158_559);
        assertThat(agreement.getTrancheMode()).isEqualTo(TrancheMode.NON_CUMULATIVE);
        assertThat(agreement.getTimeZone()).isEqualTo("America/New_York");
        assertThat(agreement.getEffectiveAt()).isNull();
    }

    @Test
    void shouldWriteARecordWholeAfterTheThreadsPreviousRecordFailedHalfWritten() {
        // given a decision that fails part way through its encoding (a required field left null)
        SpecificAvroSerde<Decision> serde = SpecificAvroSerde.forValues(Decision.class, config);
        Decision broken = decision();
        broken.setOutcome(null);
        assertThatThrownBy(() -> serde.serializer().serialize("orders-blocked", broken))
                .isInstanceOf(SerializationException.class);

        // when the same thread writes the next one
        byte[] next = serde.serializer().serialize("orders-blocked", decision());

        // then it holds that record alone: nothing the failed one left behind
        assertThat(next).isEqualTo(SpecificAvroSerde.forValues(Decision.class, config).serializer()
                .serialize("orders-blocked", decision()));
        assertThat(serde.deserializer().deserialize("orders-blocked", next)).isEqualTo(decision());
    }

    private <T extends org.apache.avro.specific.SpecificRecord> T roundTrip(Class<T> type, String topic, T value) {
        SpecificAvroSerde<T> serde = SpecificAvroSerde.forValues(type, config);
        return serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, value));
    }

    @Test
    void shouldWriteMagicByteAndBigEndianSchemaIdBeforeAvroBody() {
        // given 257 schemas registered before ours, so that its id is 258 = 0x00000102
        for (int i = 0; i < 257; i++) {
            registry.register("filler-" + i, SchemaBuilder.record("Filler" + i).fields().endRecord());
        }
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        // when
        byte[] bytes = serde.serializer().serialize("orders", order());
        // then
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0x00, 0x00, 0x00, 0x01, 0x02);
        assertThat(registry.getLatestSchemaMetadata("orders-value").id()).isEqualTo(258);
        // and the body is plain Avro binary: union index 1 (string) then zig-zag length 2 and "e2"
        assertThat(Arrays.copyOfRange(bytes, 5, 9)).containsExactly(0x02, 0x04, 'e', '2');
    }

    @Test
    void shouldRegisterUnderTopicNameStrategySubjects() {
        SpecificAvroSerde<ProposedOrder> values = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        SpecificAvroSerde<ProposedOrder> keys = new SpecificAvroSerde<>(ProposedOrder.class);
        keys.configure(config, true);
        values.serializer().serialize("orders", order());
        keys.serializer().serialize("orders", order());
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("orders-value", "orders-key");
    }

    @Test
    void shouldTakeTheRegistryUrlAsAListAsConfluentsSerdeDoes() {
        // given: the URL setting as Confluent's serdes declare it, a list
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class,
                Map.of("schema.registry.url", List.of("mock://" + scope)));
        // when
        byte[] bytes = serde.serializer().serialize("orders", order());
        // then
        assertThat(serde.deserializer().deserialize("orders", bytes)).isEqualTo(order());
        assertThat(registry.getAllSubjects()).containsExactly("orders-value");
    }

    @Test
    void shouldReturnNullForNullRecordBothWays() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        assertThat(serde.serializer().serialize("orders", null)).isNull();
        assertThat(serde.deserializer().deserialize("orders", null)).isNull();
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 4, 'e', '2'};
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 12345")
                .hasMessageContaining("orders");
    }

    @Test
    void shouldRefuseARecordThatNamesItsSchemaInAHeaderRatherThanReadItsFirstBytesAsAnId() {
        // given an order as Confluent's serializers write it when told to name its schema in a header: the Avro
        // record alone in the value, the schema's id in __value_schema_id
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        byte[] framed = serde.serializer().serialize("orders", order());
        byte[] avroAlone = Arrays.copyOfRange(framed, 5, framed.length);
        RecordHeaders headers = new RecordHeaders();
        headers.add("__value_schema_id", Arrays.copyOfRange(framed, 1, 5));

        // when / then it is refused, saying why, rather than read as naming some schema id of its bytes
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", headers, avroAlone))
                .isInstanceOf(SerializationException.class)
                .hasMessage("record on 'orders' names its schema in its __value_schema_id header (Confluent's schema "
                        + "ids in headers), which the guard does not read: have its producer write the schema id at "
                        + "the start of the value, Confluent's default");
        // and a record without that header is read as before, headers or not
        assertThat(serde.deserializer().deserialize("orders", new RecordHeaders(), framed)).isEqualTo(order());
    }

    @Test
    void shouldRejectWrongMagicByte() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        byte[] bytes = serde.serializer().serialize("orders", order());
        bytes[0] = 1;
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("0x01")
                .hasMessageContaining("magic byte");
    }

    @Test
    void shouldRejectInputShorterThanHeader() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fewer than the 5-byte");
    }

    @Test
    void shouldRejectTruncatedAvroBody() {
        SpecificAvroSerde<Decision> serde = SpecificAvroSerde.forValues(Decision.class, config);
        byte[] bytes = serde.serializer().serialize("orders-blocked", decision());
        for (int length = 5; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> serde.deserializer().deserialize("orders-blocked", truncated))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void shouldRefuseAnIdWhoseBytesAreNotUtf8RatherThanReadItWithAReplacementCharacter() {
        // given orders whose id's four bytes are Latin-1 "é ", an overlong '/', an encoded surrogate, a code point
        // past U+10FFFF, a sequence cut short, and "ë" then Latin-1 "é": each read leniently, with U+FFFD, would
        // be one id with another
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        for (int[] notUtf8 : List.of(new int[] {0xe9, ' ', 'x', 'x'}, new int[] {0xc0, 0xaf, 'x', 'x'},
                new int[] {0xed, 0xa0, 0x80, 'x'}, new int[] {0xf4, 0x90, 0x80, 0x80},
                new int[] {'x', 'x', 0xe2, 0x82}, new int[] {0xc3, 0xab, 0xe9, 'x'})) {
            byte[] bytes = withIdBytes(serde, notUtf8);

            // when / then it is refused, saying which byte, so that the guard dead-letters it
            int firstBad = notUtf8[0] == 'x' || notUtf8[0] == 0xc3 ? 5 : 3; // "ë" (C3 AB) is UTF-8
            assertThatThrownBy(() -> serde.deserializer().deserialize("orders", bytes))
                    .as(Arrays.toString(notUtf8))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("record on 'orders' (schema id ")
                    .hasMessageContaining("holds a string that is not UTF-8 (byte " + firstBad + " of 6 is 0x");
        }
        // while ids whose bytes are UTF-8, "ë" and U+1F600 among them, are read as written
        assertThat(serde.deserializer().deserialize("orders", withIdBytes(serde, new int[] {0xc3, 0xab, 'x', 'x'}))
                .getOrderId()).isEqualTo("Zo\u00ebxx");
        assertThat(serde.deserializer().deserialize("orders", withIdBytes(serde, new int[] {0xf0, 0x9f, 0x98, 0x80}))
                .getOrderId()).isEqualTo("Zo\ud83d\ude00");
    }

    @Test
    void shouldRefuseAnAgreementWhoseEffectiveAtIsWrittenInMicrosecondsRatherThanReadTheYear35492() {
        // given a producer (Spark's Avro writer, say) whose agreements carry effectiveAt as timestamp-micros
        Schema micros = new Schema.Parser().parse(Agreement.getClassSchema().toString()
                .replace("timestamp-millis", "timestamp-micros"));
        GenericRecord agreement = new GenericData.Record(micros);
        agreement.put("investorId", "dutchess");
        agreement.put("securityId", "CBYI");
        agreement.put("executionDate", (int) LocalDate.parse("2003-04-28").toEpochDay());
        agreement.put("effectiveAt", Instant.parse("2003-07-10T20:30:00Z").toEpochMilli() * 1_000);
        micros.getFields().stream().filter(field -> agreement.get(field.name()) == null && field.hasDefaultValue())
                .forEach(field -> agreement.put(field.name(), GenericData.get().getDefaultValue(field)));
        AvroSerializer<GenericRecord> producer = new AvroSerializer<>(registry);
        producer.configure(config, false);
        byte[] written = producer.serialize("agreements", agreement);
        AvroDeserializer<Agreement> guard = new AvroDeserializer<>(registry, Agreement.class);

        // when / then it is refused, naming the field, where Avro reads the microseconds as milliseconds
        assertThatThrownBy(() -> guard.deserialize("agreements", written))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Agreement.effectiveAt is written as timestamp-micros, read as timestamp-millis");
    }

    @Test
    void shouldWarnOnceForASchemaWhoseFieldLooksRenamedAndReadItAsRulesSay() {
        // given a producer whose agreements carry commitmentShares where the guard reads totalShares
        Schema renamed = new Schema.Parser().parse(Agreement.getClassSchema().toString()
                .replace("\"name\":\"totalShares\"", "\"name\":\"commitmentShares\""));
        GenericRecord agreement = new GenericData.Record(renamed);
        renamed.getFields().stream().filter(Schema.Field::hasDefaultValue)
                .forEach(field -> agreement.put(field.name(), GenericData.get().getDefaultValue(field)));
        agreement.put("investorId", "acme");
        agreement.put("securityId", "XYZ");
        agreement.put("executionDate", (int) LocalDate.parse("2003-04-28").toEpochDay());
        agreement.put("commitmentShares", 1_000L);
        AvroSerializer<GenericRecord> producer = new AvroSerializer<>(registry);
        producer.configure(config, false);
        byte[] written = producer.serialize("agreements", agreement);
        AvroDeserializer<Agreement> guard = new AvroDeserializer<>(registry, Agreement.class);

        try (CapturedLogs logged = CapturedLogs.of(AvroDeserializer.class)) {
            // when two of them are read
            Agreement first = guard.deserialize("agreements", written);
            guard.deserialize("agreements", written);

            // then each is read as RULES.md says (a field left out takes the letter's value), and the schema is
            // warned of once, naming both fields
            assertThat(first.getTotalShares()).isEqualTo(675_675L);
            assertThat(logged.messages()).singleElement().asString().contains("records on 'agreements' written "
                    + "with schema id").contains("writes [commitmentShares], which are not read, and lacks "
                    + "[totalShares], which are read as their defaults: was a field renamed?");
        }
    }

    @Test
    void shouldRefuseARecordOfAnotherNameRatherThanReadItAsTheTopicsOwn() {
        // given a record of another name, with the fields an agreement needs, on the agreements topic
        Schema other = SchemaBuilder.record("InvestorRegistration").namespace("com.acme").fields()
                .requiredString("investorId").requiredString("securityId")
                .name("executionDate").type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)))
                .noDefault().endRecord();
        GenericRecord registration = new GenericData.Record(other);
        registration.put("investorId", "dutchess");
        registration.put("securityId", "CBYI");
        registration.put("executionDate", (int) LocalDate.parse("2003-04-28").toEpochDay());
        AvroSerializer<GenericRecord> producer = new AvroSerializer<>(registry);
        producer.configure(config, false);
        byte[] written = producer.serialize("agreements", registration);
        AvroDeserializer<Agreement> guard = new AvroDeserializer<>(registry, Agreement.class);

        // when / then it is refused, where Avro read it as an agreement with the letter's every default term
        assertThatThrownBy(() -> guard.deserialize("agreements", written))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("a com.acme.InvestorRegistration is not a com.lockupguard.avro.Agreement");
    }

    @Test
    void shouldReadAnOrderOfAnotherNamespaceWithItsIdCalledAUuidOnTheOrdersTopic() {
        // given a producer whose orders are com.acme.orders.ProposedOrder, its ids marked uuid
        Schema acme = ForeignSchemas.ordersOfAnotherNamespaceWithUuidIds();
        assertThat(acme.getField("orderId").schema().getTypes().get(1).getLogicalType()).isNotNull();
        GenericRecord order = new GenericData.Record(acme);
        order.put("orderId", "3f0c1d2e-0000-4000-8000-000000000001");
        order.put("investorId", "dutchess");
        order.put("securityId", "CBYI");
        order.put("kind", new GenericData.EnumSymbol(acme.getField("kind").schema().getTypes().get(1), "PUBLIC_SALE"));
        order.put("quantity", 120_000L);
        AvroSerializer<GenericRecord> producer = new AvroSerializer<>(registry);
        producer.configure(config, false);
        byte[] written = producer.serialize("orders", order);
        AvroDeserializer<org.apache.avro.specific.SpecificRecord> guard = new AvroDeserializer<>(registry,
                List.of(ProposedOrder.class, ExecutionReport.class));

        // when / then it is read as the guard's order, as Avro's check of its schema at start reads it
        assertThat(guard.deserialize("orders", written)).isInstanceOfSatisfying(ProposedOrder.class,
                read -> assertThat(read.getQuantity()).isEqualTo(120_000L));
    }

    @Test
    void shouldRefuseAnIdWrittenAsBytesThatAreNotUtf8WhereItsWriterSchemaPromotesBytesToTheStringRead() {
        // given a producer whose schema has the order id as bytes, which Avro promotes to the string the guard reads
        Schema bytesIds = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString()
                .replace("\"orderId\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}]",
                        "\"orderId\",\"type\":[\"null\",\"bytes\"]"));
        assertThat(bytesIds.getField("orderId").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.BYTES);
        AvroSerializer<GenericRecord> producer = new AvroSerializer<>(registry);
        producer.configure(config, false);
        AvroDeserializer<ProposedOrder> guard = new AvroDeserializer<>(ProposedOrder.class);
        guard.configure(config, false);

        // when its id's bytes are Latin-1 "Zoé" / then the record is refused, as the same id written as a string is
        byte[] latin1 = producer.serialize("orders", orderWithBytesId(bytesIds, new byte[] {'Z', 'o', (byte) 0xe9}));
        assertThatThrownBy(() -> guard.deserialize("orders", latin1))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("holds a string that is not UTF-8 (byte 3 of 3 is 0xe9");

        // while the UTF-8 "Zoë" is read as written
        byte[] utf8 = producer.serialize("orders",
                orderWithBytesId(bytesIds, "Zo\u00eb".getBytes(StandardCharsets.UTF_8)));
        assertThat(guard.deserialize("orders", utf8).getOrderId()).isEqualTo("Zo\u00eb");
    }

    @Test
    void shouldHoldNoBytesInAnyContractTheGuardReadsFromProducersSoThatEveryPromotedStringIsChecked() {
        // a writer's bytes promoted to a string are checked only where the reader's schema holds no bytes at all
        // (AvroDeserializer): a bytes field added to one of these would leave its promoted strings unchecked
        for (Schema contract : List.of(ProposedOrder.getClassSchema(), ExecutionReport.getClassSchema(),
                Agreement.getClassSchema())) {
            assertThat(AvroDeserializer.holdsBytes(contract)).as(contract.getFullName()).isFalse();
        }
        Schema blob = SchemaBuilder.record("Blob").namespace("com.example").fields()
                .name("parts").type().array().items().unionOf().nullType().and().bytesType().endUnion().noDefault()
                .endRecord();
        assertThat(AvroDeserializer.holdsBytes(blob)).as("bytes in a union in an array").isTrue();
    }

    @Test
    void shouldReadBytesThatAreNotUtf8WhereTheReaderReadsThemAsBytes() {
        // given a record of a type with a bytes field, read as a generic record of its own schema
        Schema blob = SchemaBuilder.record("Blob").namespace("com.example").fields().requiredBytes("b").endRecord();
        GenericRecord record = new GenericData.Record(blob);
        record.put("b", ByteBuffer.wrap(new byte[] {(byte) 0xe9, (byte) 0xff}));
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("blobs", record);
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        generic.configure(config, false);
        // when
        Object read = generic.deserialize("blobs", bytes);
        // then its bytes are read as written: only bytes that become a string must be UTF-8
        assertThat(((GenericRecord) read).get("b")).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xe9, (byte) 0xff}));
    }

    private static GenericRecord orderWithBytesId(Schema bytesIds, byte[] id) {
        GenericRecord written = (GenericRecord) GenericData.get().deepCopy(ProposedOrder.getClassSchema(), order());
        GenericData.Record record = new GenericData.Record(bytesIds);
        for (Schema.Field field : bytesIds.getFields()) {
            record.put(field.name(), written.get(field.name()));
        }
        record.put("orderId", ByteBuffer.wrap(id));
        return record;
    }

    /** An order on the wire whose id is "Zo" and then {@code tail}'s four bytes, six bytes in all. */
    private static byte[] withIdBytes(SpecificAvroSerde<ProposedOrder> serde, int[] tail) {
        ProposedOrder order = order();
        order.setOrderId("Zo____");
        byte[] bytes = serde.serializer().serialize("orders", order);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("Zo____") + 2;
        for (int i = 0; i < tail.length; i++) {
            bytes[at + i] = (byte) tail[i];
        }
        return bytes;
    }

    @Test
    void shouldRejectTrailingBytes() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        byte[] bytes = serde.serializer().serialize("orders", order());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes left");
    }

    @Test
    void shouldRefuseUnregisteredSchemaWhenAutoRegisterIsOff() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class,
                Map.of("schema.registry.url", "mock://" + scope, "auto.register.schemas", "false"));
        assertThatThrownBy(() -> serde.serializer().serialize("orders", order()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("orders-value");
    }

    @Test
    void shouldUseRegisteredSchemaWhenAutoRegisterIsOff() {
        int id = registry.register("orders-value", ProposedOrder.getClassSchema());
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class,
                Map.of("schema.registry.url", "mock://" + scope, "auto.register.schemas", false));
        byte[] bytes = serde.serializer().serialize("orders", order());
        assertThat(WireFormat.readSchemaId(bytes, "orders")).isEqualTo(id);
    }

    @Test
    void shouldWriteEachRecordTypeWithItsOwnSchemaWhenOneSerializerWritesSeveralToATopic() {
        // given one serializer naming subjects by topic and record, as a producer of orders and reports configures it
        AvroSerializer<org.apache.avro.specific.SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + scope,
                "value.subject.name.strategy", "TopicRecordNameStrategy"), false);
        ExecutionReport report = ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("e2")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(100L).build();
        // when it writes an order, then a report, then an order again to the same topic
        byte[] first = serializer.serialize("orders", order());
        byte[] second = serializer.serialize("orders", report);
        byte[] third = serializer.serialize("orders", order());
        // then each is written with its own schema's id, and reads back as what was written
        AvroDeserializer<org.apache.avro.specific.SpecificRecord> reader = new AvroDeserializer<>();
        reader.configure(Map.of("schema.registry.url", "mock://" + scope, "specific.avro.reader", true), false);
        assertThat(WireFormat.readSchemaId(second, "orders"))
                .isEqualTo(registry.getId("orders-com.lockupguard.avro.ExecutionReport", ExecutionReport.getClassSchema()))
                .isNotEqualTo(WireFormat.readSchemaId(first, "orders"));
        assertThat(reader.deserialize("orders", second)).isEqualTo(report);
        assertThat(reader.deserialize("orders", third)).isEqualTo(order());
    }

    @Test
    void shouldRegisterTheSchemaUnderEachTopicsSubjectWhenOneSerializerWritesItToSeveralTopics() {
        // given one serializer of decisions, writing to the approved and to the blocked topic
        AvroSerializer<Decision> serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        // when it writes a decision to each
        serializer.serialize("orders-approved", decision());
        serializer.serialize("orders-blocked", decision());
        // then the schema is registered under both topics' subjects, not only under the first one's
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("orders-approved-value", "orders-blocked-value");
    }

    @Test
    void shouldRefuseToWriteToATopicWhoseSubjectDoesNotHoldTheSchemaThoughAnotherTopicsDoes() {
        // given the decision schema registered under the approved topic's subject only, and auto-registration off
        registry.register("orders-approved-value", Decision.getClassSchema());
        AvroSerializer<Decision> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + scope, "auto.register.schemas", false), false);
        serializer.serialize("orders-approved", decision());
        // when it writes a decision to the blocked topic, then it is refused, naming that topic's subject
        assertThatThrownBy(() -> serializer.serialize("orders-blocked", decision()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("orders-blocked-value");
    }

    /** A newer version of the order schema: an extra field, {@code desk}, with a default. */
    private static Schema newerOrderSchema() {
        return SchemaBuilder.record("ProposedOrder").namespace("com.lockupguard.avro").fields()
                .optionalString("orderId").optionalString("investorId").optionalString("securityId")
                .name("kind").type().optional().type(ProposedOrder.getClassSchema().getField("kind").schema()
                        .getTypes().get(1)).name("quantity").type().optional().longType()
                .name("desk").type().stringType().stringDefault("unknown").endRecord();
    }

    @Test
    void shouldWriteWithLatestRegisteredSchemaWhenAsked() {
        // given a newer version of the order schema with an extra optional field
        Schema newer = newerOrderSchema();
        registry.register("orders-value", ProposedOrder.getClassSchema());
        int newerId = registry.register("orders-value", newer);
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class,
                Map.of("schema.registry.url", "mock://" + scope, "use.latest.version", true,
                        "auto.register.schemas", false));
        // when
        byte[] bytes = serde.serializer().serialize("orders", order());
        // then the record is written with the newer schema, its default filled in, and old readers still read it
        assertThat(WireFormat.readSchemaId(bytes, "orders")).isEqualTo(newerId);
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>();
        generic.configure(config, false);
        assertThat(generic.deserialize("orders", bytes).get("desk").toString()).isEqualTo("unknown");
        assertThat(serde.deserializer().deserialize("orders", bytes)).isEqualTo(order());
    }

    @Test
    void shouldRegisterTheRecordsOwnSchemaWhenAutoRegisteringThoughAskedForTheLatestAsConfluentsSerializerDoes() {
        // given a newer version registered, and a serializer asked for the latest version that also auto-registers
        // (its default): Confluent's registers, and takes use.latest.version only with auto.register.schemas=false
        Schema newer = newerOrderSchema();
        int newerId = registry.register("orders-value", newer);
        AvroSerializer<ProposedOrder> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + scope, "use.latest.version", true), false);

        // when an order is written, and one to a topic whose subject does not exist yet
        byte[] bytes = serializer.serialize("orders", order());
        serializer.serialize("orders-replayed", order());

        // then each is written with the record's own schema, registered, not refused nor converted to the newer one
        assertThat(WireFormat.readSchemaId(bytes, "orders")).isNotEqualTo(newerId)
                .isEqualTo(registry.getId("orders-value", ProposedOrder.getClassSchema()));
        assertThat(registry.getAllSubjects()).contains("orders-replayed-value");
    }

    @Test
    void shouldAskTheRegistryForTheLatestSchemaOncePerSubjectNotPerRecord() {
        // given the latest version registered, and a registry that counts the questions
        registry.register("orders-value", ProposedOrder.getClassSchema());
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        SchemaRegistryClient counting = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                return registry.register(subject, schema);
            }

            @Override
            public int getId(String subject, Schema schema) {
                return registry.getId(subject, schema);
            }

            @Override
            public Schema getSchemaById(int id) {
                return registry.getSchemaById(id);
            }

            @Override
            public SchemaMetadata getLatestSchemaMetadata(String subject) {
                asked.incrementAndGet();
                return registry.getLatestSchemaMetadata(subject);
            }

            @Override
            public boolean testCompatibility(String subject, Schema schema) {
                return registry.testCompatibility(subject, schema);
            }

            @Override
            public java.util.Collection<String> getAllSubjects() {
                return registry.getAllSubjects();
            }
        };
        for (Long ttl : Arrays.asList(null, -1L, 0L, 3600L)) {
            asked.set(0);
            AvroSerializer<ProposedOrder> serializer = new AvroSerializer<>(counting);
            Map<String, Object> settings = new java.util.HashMap<>(Map.of("schema.registry.url", "mock://" + scope,
                    "use.latest.version", true, "auto.register.schemas", false));
            if (ttl != null) {
                settings.put("latest.cache.ttl.sec", ttl);
            }
            serializer.configure(settings, false);
            // when a hundred orders are written
            for (int i = 0; i < 100; i++) {
                serializer.serialize("orders", order());
            }
            // then the registry was asked once (unset, or Confluent's default, -1: kept; or within an hour's TTL), or
            // every time with a TTL of 0
            assertThat(asked.get()).as("latest.cache.ttl.sec=" + ttl).isEqualTo(Long.valueOf(0L).equals(ttl) ? 100 : 1);
        }
    }

    @Test
    void shouldTakeUpANewerLatestSchemaOnceTheLatestCacheTtlHasPassed() {
        // given a serializer writing with the latest schema, kept for a second
        int olderId = registry.register("orders-value", ProposedOrder.getClassSchema());
        AvroSerializer<ProposedOrder> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + scope, "use.latest.version", true,
                "latest.cache.ttl.sec", 1, "auto.register.schemas", false), false);
        assertThat(WireFormat.readSchemaId(serializer.serialize("orders", order()), "orders")).isEqualTo(olderId);
        // when a newer version is registered
        Schema newer = newerOrderSchema();
        int newerId = registry.register("orders-value", newer);
        // then the serializer writes with it within about that second, not only after a restart
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> WireFormat.readSchemaId(serializer.serialize("orders", order()), "orders") == newerId);
    }

    @Test
    void shouldWriteAGenericRecordWithTheLatestSchemaEvenWhereADecisionIsWrittenByHand() throws Exception {
        // given the decision schema as the subject's latest, and a decision as a generic record
        registry.register("orders-blocked-value", Decision.getClassSchema());
        byte[] specific = new AvroSerializer<Decision>(registry).serialize("orders-blocked", decision());
        GenericRecord generic = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(Decision.getClassSchema())
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(specific, 5, specific.length - 5,
                        null));
        AvroSerializer<GenericRecord> latest = new AvroSerializer<>(registry);
        latest.configure(Map.of("schema.registry.url", "mock://" + scope, "use.latest.version", true,
                "auto.register.schemas", false), false);
        // when
        byte[] bytes = latest.serialize("orders-blocked", generic);
        // then it is written (not cast to the generated class), the same bytes as the decision's own
        assertThat(bytes).isEqualTo(specific);
    }

    @Test
    void shouldWriteAGenericRecordOfTheDecisionSchemaWithAvrosWriterWhereADecisionIsWrittenByHand() throws Exception {
        // given a decision as the generic record a reader with the generated class's schema makes of it
        byte[] specific = new AvroSerializer<Decision>(registry).serialize("orders-blocked", decision());
        GenericRecord generic = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(Decision.getClassSchema())
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(specific, 5, specific.length - 5,
                        null));
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry);

        // when it is written, twice (the second time through the topic's remembered schema)
        byte[] first = serializer.serialize("orders-blocked", generic);
        byte[] second = serializer.serialize("orders-blocked", generic);

        // then it is not cast to the generated class: the same bytes as the decision's own
        assertThat(generic.getSchema()).isSameAs(Decision.getClassSchema());
        assertThat(first).isEqualTo(specific);
        assertThat(second).isEqualTo(specific);
    }

    @Test
    void shouldRefuseARecordWithoutAGeneratedClassUnderTheSpecificReaderNamingIt() {
        // given a record of a type this JVM has no generated class for
        Schema other = SchemaBuilder.record("Elsewhere").namespace("com.example").fields().requiredLong("a").endRecord();
        GenericRecord record = new org.apache.avro.generic.GenericData.Record(other);
        record.put("a", 1L);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("orders", record);
        AvroDeserializer<Object> specific = new AvroDeserializer<>();
        specific.configure(Map.of("schema.registry.url", "mock://" + scope, "specific.avro.reader", true), false);
        // when / then: a SerializationException (dead-lettered with the record), naming the topic and the type
        assertThatThrownBy(() -> specific.deserialize("orders", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("'orders'").hasMessageContaining("com.example.Elsewhere");
    }

    @Test
    void shouldReadGenericRecordsWhenSpecificReaderIsOff() {
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        generic.configure(config, false);
        Object value = generic.deserialize("orders", serde.serializer().serialize("orders", order()));
        assertThat(value).isInstanceOf(GenericRecord.class).isNotInstanceOf(ProposedOrder.class);
        assertThat(((GenericRecord) value).get("quantity")).isEqualTo(120_000L);
    }

    @Test
    void shouldReadSpecificClassNamedByWriterSchemaWithNoArgSerde() {
        SpecificAvroSerde<ProposedOrder> typed = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        SpecificAvroSerde<ProposedOrder> byName = new SpecificAvroSerde<>();
        byName.configure(config, false);
        assertThat(byName.deserializer().deserialize("orders", typed.serializer().serialize("orders", order())))
                .isEqualTo(order());
    }

    @Test
    void shouldWriteARecordLargerThanTheEncodeBufferByteForByteAsAvroDoes() throws Exception {
        // given an order whose id runs to 5,000 characters, and a decision whose terms hash does
        SpecificAvroSerde<ProposedOrder> orders = SpecificAvroSerde.forValues(ProposedOrder.class, config);
        SpecificAvroSerde<Decision> decisions = SpecificAvroSerde.forValues(Decision.class, config);
        ProposedOrder order = order();
        order.setOrderId("o".repeat(5_000));
        Decision decision = decision();
        decision.setTermsHash("h".repeat(5_000));

        // when each is written by a thread that has written nothing before (a new stream thread), then a small one
        // after them on that thread
        byte[][] written = onANewThread(() -> new byte[][] {orders.serializer().serialize("orders", order),
            decisions.serializer().serialize("orders-blocked", decision),
            orders.serializer().serialize("orders", order())});
        byte[] orderBytes = written[0];
        byte[] decisionBytes = written[1];
        byte[] small = written[2];

        // then each is the wire-format header and Avro's own encoding, whole, and reads back as written
        assertThat(orderBytes).isEqualTo(confluentWireFormat(registry.getId("orders-value",
                ProposedOrder.getClassSchema()), order));
        assertThat(decisionBytes).isEqualTo(confluentWireFormat(registry.getId("orders-blocked-value",
                Decision.getClassSchema()), decision));
        assertThat(orders.deserializer().deserialize("orders", orderBytes)).isEqualTo(order);
        assertThat(decisions.deserializer().deserialize("orders-blocked", decisionBytes)).isEqualTo(decision);
        assertThat(orders.deserializer().deserialize("orders", small)).isEqualTo(order());
    }

    /** What {@code work} returns, run on a thread of its own. */
    private static <T> T onANewThread(java.util.concurrent.Callable<T> work) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
        new Thread(task, "new-stream-thread").start();
        return task.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** What Confluent's serializer writes: magic byte, schema id, then the record as Avro's writer encodes it. */
    private static byte[] confluentWireFormat(int schemaId, org.apache.avro.specific.SpecificRecord record)
            throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void shouldSkipTheFieldsOfEveryTypeThatANewerProducerSchemaAddsAndReadTheRest() {
        // given a producer whose schema of orders has fields the guard does not know, of every Avro type, before
        // the guard's own
        Schema newer = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString().replaceFirst(
                "\"fields\":\\[", java.util.regex.Matcher.quoteReplacement("\"fields\":["
                        + "{\"name\":\"signature\",\"type\":\"bytes\"},"
                        + "{\"name\":\"digest\",\"type\":{\"type\":\"fixed\",\"name\":\"Digest\",\"size\":4}},"
                        + "{\"name\":\"price\",\"type\":\"double\"},{\"name\":\"weight\",\"type\":\"float\"},"
                        + "{\"name\":\"desks\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
                        + "{\"name\":\"limits\",\"type\":{\"type\":\"map\",\"values\":\"long\"}},"
                        + "{\"name\":\"urgent\",\"type\":\"boolean\"},{\"name\":\"desk\",\"type\":\"string\"},")));
        GenericData.Record record = new GenericData.Record(newer);
        GenericRecord known = (GenericRecord) GenericData.get().deepCopy(ProposedOrder.getClassSchema(), order());
        for (Schema.Field field : ProposedOrder.getClassSchema().getFields()) {
            record.put(field.name(), known.get(field.name()));
        }
        record.put("signature", ByteBuffer.wrap(new byte[] {(byte) 0xe9, (byte) 0xff, 0, 1}));
        record.put("digest", new GenericData.Fixed(newer.getField("digest").schema(), new byte[] {1, 2, 3, 4}));
        record.put("price", 1.25);
        record.put("weight", 0.5f);
        record.put("desks", List.of("ny", "ldn", "hk"));
        record.put("limits", Map.of("daily", 10_000L, "weekly", 50_000L));
        record.put("urgent", true);
        record.put("desk", "equities");
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("orders", record);

        // when the guard reads it as its own order
        ProposedOrder read = SpecificAvroSerde.forValues(ProposedOrder.class, config).deserializer()
                .deserialize("orders", bytes);

        // then the unknown fields are skipped, each its whole length, and the order is read as written
        assertThat(read).isEqualTo(order());
    }

    @Test
    void shouldRefuseARecordNestedTooDeeplyToReadAsUnreadableRatherThanOverflowTheThreadsStack() {
        // given a producer's schema of orders with a field the guard skips, a chain of nodes each holding the next,
        // and the guard reading an order whose chain is short
        int id = registry.register("orders-value", ForeignSchemas.ordersWithAChain());
        var deserializer = SpecificAvroSerde.forValues(ProposedOrder.class, config).deserializer();
        assertThat(deserializer.deserialize("orders", ForeignSchemas.orderWithAChain(id, order(), 100)))
                .isEqualTo(order());

        // when it reads one whose chain is 100,000 nodes long (100 KB: Avro skips a node by a call within a call)
        byte[] deep = ForeignSchemas.orderWithAChain(id, order(), 100_000);

        // then the record is refused as unreadable, saying why: an exception Kafka Streams gives the deserialization
        // handler (a dead letter), not a StackOverflowError, which ends the stream thread and every replacement
        assertThatThrownBy(() -> deserializer.deserialize("orders", deep)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id " + id).hasMessageContaining("nests records too deeply");
    }

    @Test
    void shouldReadAGenericRecordOfEveryAvroTypeAsWritten() {
        // given a record of a type with floats, doubles, a fixed, bytes, an array, a map and a union
        Schema reading = SchemaBuilder.record("Reading").namespace("com.example").fields()
                .requiredFloat("weight").requiredDouble("price")
                .name("digest").type().fixed("Digest").size(4).noDefault()
                .requiredBytes("signature")
                .name("desks").type().array().items().stringType().noDefault()
                .name("limits").type().map().values().longType().noDefault()
                .optionalDouble("discount").endRecord();
        GenericData.Record record = new GenericData.Record(reading);
        record.put("weight", 0.5f);
        record.put("price", 1.25);
        record.put("digest", new GenericData.Fixed(reading.getField("digest").schema(), new byte[] {1, 2, 3, 4}));
        record.put("signature", ByteBuffer.wrap(new byte[] {(byte) 0xe9, 0, (byte) 0xff}));
        record.put("desks", List.of("ny", "ldn"));
        record.put("limits", Map.of("daily", 10_000L, "weekly", 50_000L));
        record.put("discount", 0.75);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("readings", record);
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        generic.configure(config, false);

        // when it is read as a generic record
        GenericRecord read = (GenericRecord) generic.deserialize("readings", bytes);

        // then every value is the one written
        assertThat(read.get("weight")).isEqualTo(0.5f);
        assertThat(read.get("price")).isEqualTo(1.25);
        assertThat(((GenericData.Fixed) read.get("digest")).bytes()).containsExactly(1, 2, 3, 4);
        assertThat(read.get("signature")).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xe9, 0, (byte) 0xff}));
        assertThat(((List<?>) read.get("desks")).stream().map(Object::toString)).containsExactly("ny", "ldn");
        assertThat(texts((Map<?, ?>) read.get("limits"))).isEqualTo(Map.of("daily", 10_000L, "weekly", 50_000L));
        assertThat(read.get("discount")).isEqualTo(0.75);
    }

    @Test
    void shouldReadAnArrayAndAMapWrittenInSeveralBlocks() throws Exception {
        // given a record whose array and map a producer wrote in several blocks, as the Avro specification allows
        // ("a series of blocks") and as encoders other than Java's do for long ones
        Schema blocks = SchemaBuilder.record("Blocks").namespace("com.example").fields()
                .name("desks").type().array().items().stringType().noDefault()
                .name("limits").type().map().values().longType().noDefault()
                .requiredString("after").endRecord();
        int id = registry.register("blocks-value", blocks);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put((byte) 0).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeArrayStart();
        encoder.setItemCount(2); // a block of two items
        encoder.startItem();
        encoder.writeString("ny");
        encoder.startItem();
        encoder.writeString("ldn");
        encoder.setItemCount(1); // then a block of one
        encoder.startItem();
        encoder.writeString("hk");
        encoder.writeArrayEnd();
        encoder.writeMapStart();
        encoder.setItemCount(1);
        encoder.startItem();
        encoder.writeString("daily");
        encoder.writeLong(10_000L);
        encoder.setItemCount(1);
        encoder.startItem();
        encoder.writeString("weekly");
        encoder.writeLong(50_000L);
        encoder.writeMapEnd();
        encoder.writeString("end");
        encoder.flush();
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        generic.configure(config, false);

        // when it is read
        GenericRecord read = (GenericRecord) generic.deserialize("blocks", out.toByteArray());

        // then every block's items are read, and what follows them
        assertThat(((List<?>) read.get("desks")).stream().map(Object::toString)).containsExactly("ny", "ldn", "hk");
        assertThat(texts((Map<?, ?>) read.get("limits"))).isEqualTo(Map.of("daily", 10_000L, "weekly", 50_000L));
        assertThat(read.get("after").toString()).isEqualTo("end");
    }

    /** A map read by Avro, its Utf8 keys as strings. */
    private static Map<String, Object> texts(Map<?, ?> read) {
        Map<String, Object> texts = new java.util.HashMap<>();
        read.forEach((key, value) -> texts.put(key.toString(), value));
        return texts;
    }

    @Test
    void shouldSayTheRegistryIsUnavailableRatherThanThatItRefusedTheSchema() {
        // given a serializer whose registry cannot be reached, and one whose registry refuses the schema
        AvroSerializer<ProposedOrder> unreachable = new AvroSerializer<>(refusing(
                new SchemaRegistryException.Unavailable("connection refused", new java.io.IOException("refused"))));
        AvroSerializer<ProposedOrder> refused = new AvroSerializer<>(refusing(
                new SchemaRegistryException.IncompatibleSchema("a field was removed")));

        // when each writes an order / then the operator is told which it was, and for which subject
        assertThatThrownBy(() -> unreachable.serialize("orders", order())).isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("schema registry unavailable for com.lockupguard.avro.ProposedOrder")
                .hasMessageContaining("'orders-value'");
        assertThatThrownBy(() -> refused.serialize("orders", order())).isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("schema registry refused com.lockupguard.avro.ProposedOrder")
                .hasMessageContaining("a field was removed");
    }

    /** A registry that answers every question with {@code failure}. */
    private static SchemaRegistryClient refusing(SchemaRegistryException failure) {
        return new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public int getId(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public Schema getSchemaById(int id) {
                throw failure;
            }

            @Override
            public SchemaMetadata getLatestSchemaMetadata(String subject) {
                throw failure;
            }

            @Override
            public boolean testCompatibility(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public java.util.Collection<String> getAllSubjects() {
                throw failure;
            }
        };
    }
}
