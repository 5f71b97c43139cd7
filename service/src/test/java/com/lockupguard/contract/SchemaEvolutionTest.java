package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Reason;
import com.lockupguard.registry.CompatibilityLevel;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.serde.WireFormat;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.GuardTopology;
import com.lockupguard.topology.StreamsDefaults;
import com.lockupguard.topology.TopicNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every schema in schemas/ against the last released version (the highest version under
 * src/test/resources/schemas/released, so that a release only copies its schemas there): compatible both ways,
 * nothing removed, enum symbols never removed or reused; and data written with either version is read and decided
 * correctly by the other.
 */
class SchemaEvolutionTest {

    static final Path RELEASES = Path.of("service/src/test/resources/schemas/released");
    static final Map<String, Schema> CURRENT = SchemaFiles.parse(Path.of("schemas"));
    static final Map<String, Schema> RELEASED = SchemaFiles.parse(lastRelease(RELEASES));

    @TempDir
    Path stateDir;

    private final String scope = "evolution-" + UUID.randomUUID();
    private TopologyTestDriver driver;
    private GuardTopics topics;

    @BeforeEach
    void start() {
        topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope));
        Properties properties = StreamsDefaults.errorHandling(topics.names());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "evolution");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(GuardTopology.build(topics), properties);
    }

    @AfterEach
    void stop() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
    }

    /**
     * The folder of the highest version under {@code releases}, by number (0.10.0 after 0.9.0); a folder not named as
     * a release is (0.3.0-rc1, a copy of one) is not a release.
     */
    static Path lastRelease(Path releases) {
        try (Stream<Path> versions = Files.list(releases)) {
            return versions.filter(Files::isDirectory)
                    .filter(version -> version.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                    .max(Comparator.comparing(
                    version -> version.getFileName().toString(), SchemaEvolutionTest::byNumber))
                    .orElseThrow(() -> new IllegalStateException("no release under " + releases));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int byNumber(String left, String right) {
        String[] a = left.split("\\.");
        String[] b = right.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int compared = Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]));
            if (compared != 0) {
                return compared;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Test
    void shouldCompareWithTheHighestReleasedVersionByNumberNotByName(@TempDir Path releases) throws IOException {
        // given releases whose names sort otherwise than their versions
        for (String version : List.of("0.1.0", "0.9.2", "0.10.0", "0.2.11", "0.11.0-rc1", "copy of 0.1.0")) {
            Files.createDirectory(releases.resolve(version));
        }

        // when / then
        assertThat(lastRelease(releases)).isEqualTo(releases.resolve("0.10.0"));
    }

    @Test
    void shouldKeepEveryReleasedType() {
        assertThat(CURRENT.keySet()).containsAll(RELEASED.keySet());
        assertThat(CURRENT).as("the types defined inline are checked too")
                .containsKeys("com.lockupguard.avro.AgreementRejection", "com.lockupguard.avro.ReportAlert");
    }

    @TestFactory
    Stream<DynamicTest> shouldBeBackwardAndForwardCompatibleWithReleasedVersion() {
        return RELEASED.entrySet().stream().map(released -> DynamicTest.dynamicTest(released.getKey(), () -> {
            Schema current = CURRENT.get(released.getKey());
            assertThat(canRead(current, released.getValue())).as("new code reads old data (backward)").isEmpty();
            assertThat(canRead(released.getValue(), current)).as("old code reads new data (forward)").isEmpty();
            assertThat(CompatibilityLevel.FULL.allows(current, List.of(released.getValue()))).isTrue();
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldNeverRemoveOrReuseEnumSymbols() {
        return RELEASED.values().stream().filter(s -> s.getType() == Schema.Type.ENUM).map(released ->
                DynamicTest.dynamicTest(released.getFullName(), () -> {
                    Schema current = CURRENT.get(released.getFullName());
                    assertThat(current.getEnumSymbols()).as("symbols keep their place")
                            .startsWith(released.getEnumSymbols().toArray(String[]::new));
                    assertThat(current.getEnumDefault()).as("a default symbol so old readers survive new ones")
                            .isNotNull().isEqualTo(released.getEnumDefault());
                }));
    }

    @TestFactory
    Stream<DynamicTest> shouldDocumentEveryFieldAndType() {
        return CURRENT.values().stream().map(schema -> DynamicTest.dynamicTest(schema.getFullName(), () -> {
            assertThat(schema.getNamespace()).isEqualTo("com.lockupguard.avro");
            assertThat(schema.getDoc()).isNotBlank();
            if (schema.getType() == Schema.Type.RECORD) {
                schema.getFields().forEach(f -> assertThat(f.doc()).as(f.name()).isNotBlank());
            }
        }));
    }

    @Test
    void shouldDecideOrderWrittenWithReleasedSchema() throws IOException {
        // given an agreement and an order written by a producer still on the released schemas
        GenericRecord agreement = new GenericData.Record(RELEASED.get("com.lockupguard.avro.Agreement"));
        for (Schema.Field field : agreement.getSchema().getFields()) {
            if (field.hasDefaultValue()) {
                agreement.put(field.name(), GenericData.get().getDefaultValue(field));
            }
        }
        agreement.put("investorId", "dutchess");
        agreement.put("securityId", "CBYI");
        agreement.put("executionDate", (int) LocalDate.parse("2003-04-28").toEpochDay());
        agreement.put("effectiveAt", Instant.parse("2003-07-10T20:30:00Z").toEpochMilli());
        GenericRecord order = new GenericData.Record(RELEASED.get("com.lockupguard.avro.ProposedOrder"));
        order.put("orderId", "e2");
        order.put("investorId", "dutchess");
        order.put("securityId", "CBYI");
        order.put("kind", new GenericData.EnumSymbol(RELEASED.get("com.lockupguard.avro.OrderKind"), "PUBLIC_SALE"));
        order.put("quantity", 120_000L);
        // when the current guard decides it
        raw("agreements").pipeInput("dutchess/CBYI", write("agreements-value", agreement),
                Instant.parse("2003-07-10T20:30:00Z"));
        raw("orders").pipeInput("dutchess/CBYI", write("orders-value", order), Instant.parse("2003-07-11T13:45:00Z"));
        // then
        Decision decision = driver.createOutputTopic("orders-approved", new StringDeserializer(),
                topics.approved().valueSerde().deserializer()).readValue();
        assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
        assertThat(decision.getMaxAllowedNow()).isEqualTo(200_000);
    }

    @Test
    void shouldLetReleasedReadersReadCurrentDecisions() throws IOException {
        // given a decision written by the current guard
        raw("orders").pipeInput("x/y", topics.orders().valueSerde().serializer().serialize("orders",
                com.lockupguard.avro.ProposedOrder.newBuilder().setOrderId("o").setInvestorId("x").setSecurityId("y")
                        .setKind(OrderKind.PUBLIC_SALE).setQuantity(5L).build()), Instant.parse("2004-01-01T00:00:00Z"));
        byte[] bytes = driver.createOutputTopic("orders-blocked", new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readValue();
        // when a consumer on the released Decision schema reads it
        Schema writer = InMemorySchemaRegistry.scope(scope).getSchemaById(WireFormat.readSchemaId(bytes, "t"));
        GenericRecord old = new GenericDatumReader<GenericRecord>(writer, RELEASED.get("com.lockupguard.avro.Decision"))
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        // then it sees the outcome and reasons
        assertThat(old.get("outcome").toString()).isEqualTo("BLOCKED");
        assertThat(old.get("reasons").toString()).contains(Reason.UNKNOWN_AGREEMENT.name());
        assertThat(old.get("maxAllowedNow")).isEqualTo(0L);
    }

    @Test
    void shouldAnswerOrderKindAddedByNewerProducerWithInvalidOrder() throws IOException {
        // given a future producer with a new order kind and a new optional field
        Schema future = new Schema.Parser().parse(Files.readString(
                Path.of("service/src/test/resources/schemas/future/ProposedOrder.avsc")));
        GenericRecord order = new GenericData.Record(future);
        order.put("orderId", "f1");
        order.put("investorId", "dutchess");
        order.put("securityId", "CBYI");
        order.put("kind", new GenericData.EnumSymbol(future.getField("kind").schema().getTypes().get(1), "SHORT_SALE"));
        order.put("quantity", 10L);
        order.put("desk", "london");
        // when the current guard reads it
        raw("orders").pipeInput("dutchess/CBYI", write("orders-value", order), Instant.parse("2004-01-01T00:00:00Z"));
        // then the unknown kind becomes UNKNOWN, and the order is answered, not dead-lettered, with the kind it came
        // with rather than none
        Decision decision = driver.createOutputTopic("orders-blocked", new StringDeserializer(),
                topics.blocked().valueSerde().deserializer()).readValue();
        assertThat(decision.getReasons()).containsExactly(Reason.INVALID_ORDER);
        assertThat(decision.getOrderId()).isEqualTo("f1");
        assertThat(decision.getKind()).isEqualTo(OrderKind.UNKNOWN);
    }

    @Test
    void shouldLetReleasedReadersReadCurrentPositionsWithTheirReservations() throws IOException {
        // given an approval: a decision whose position has 120,000 reserved and nothing sold yet
        raw("agreements").pipeInput("dutchess/CBYI", topics.agreements().valueSerde().serializer().serialize(
                "agreements", com.lockupguard.avro.Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                        .setExecutionDate(LocalDate.parse("2003-04-28")).setEffectiveAt(Instant.parse(
                                "2003-07-10T20:30:00Z")).build()), Instant.parse("2003-07-10T20:30:00Z"));
        raw("orders").pipeInput("dutchess/CBYI", topics.orders().valueSerde().serializer().serialize("orders",
                com.lockupguard.avro.ProposedOrder.newBuilder().setOrderId("e2").setInvestorId("dutchess")
                        .setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE).setQuantity(120_000L).build()),
                Instant.parse("2003-07-11T13:45:00Z"));
        byte[] bytes = driver.createOutputTopic("orders-approved", new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readValue();
        // when a consumer on the released Decision schema reads it
        Schema writer = InMemorySchemaRegistry.scope(scope).getSchemaById(WireFormat.readSchemaId(bytes, "t"));
        GenericRecord old = new GenericDatumReader<GenericRecord>(writer, RELEASED.get("com.lockupguard.avro.Decision"))
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        // then it sees the approval and its position, without the new fields
        GenericRecord position = (GenericRecord) old.get("position");
        assertThat(old.get("outcome").toString()).isEqualTo("APPROVED");
        assertThat(position.get("soldToDate")).isEqualTo(0L);
        assertThat(position.get("releasedToDate")).isEqualTo(200_000L);
        assertThat(position.getSchema().getField("reservedNow")).isNull();
    }

    @Test
    void shouldAnswerExecutionKindAddedByNewerProducerWithInvalidResult() throws IOException {
        // given a future trading system that reports a trade bust and a new optional field
        Schema future = new Schema.Parser().parse(Files.readString(
                Path.of("service/src/test/resources/schemas/future/ExecutionReport.avsc")));
        GenericRecord report = new GenericData.Record(future);
        report.put("executionId", "b1");
        report.put("orderId", "e2");
        report.put("investorId", "dutchess");
        report.put("securityId", "CBYI");
        report.put("kind", new GenericData.EnumSymbol(future.getField("kind").schema().getTypes().get(1), "BUST"));
        report.put("quantity", 10L);
        report.put("venue", "XNYS");
        // when the current guard reads it from the orders topic
        raw("orders").pipeInput("dutchess/CBYI", write("orders-com.lockupguard.avro.ExecutionReport", report),
                Instant.parse("2004-01-01T00:00:00Z"));
        // then the unknown kind becomes UNKNOWN, and the report is answered INVALID, not lost to a serialization error
        com.lockupguard.avro.ReportResult result = driver.createOutputTopic("execution-results",
                new StringDeserializer(), topics.executionResults().valueSerde().deserializer()).readValue();
        assertThat(result.getOutcome()).isEqualTo(com.lockupguard.avro.ExecutionResult.INVALID);
        assertThat(result.getKind()).isEqualTo(com.lockupguard.avro.ExecutionKind.UNKNOWN);
        assertThat(result.getExecutionId()).isEqualTo("b1");
    }

    private TestInputTopic<String, byte[]> raw(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
    }

    /** A record in Confluent's wire format, its schema registered under {@code subject}, as an old producer writes. */
    private byte[] write(String subject, GenericRecord record) throws IOException {
        int id = InMemorySchemaRegistry.scope(scope).register(subject, record.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static List<SchemaCompatibility.Incompatibility> canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities();
    }
}
