package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver on the guard's topology, with the service's error handling and a fresh mock registry. */
final class TopologyFixture implements AutoCloseable {

    static final String HOLDING = "dutchess/CBYI";

    final String registryScope;
    final Map<String, Object> serdeConfig;
    final GuardTopics topics;
    final Path stateDir;
    final TopologyOptions options;
    final DecisionObserver observer;
    /** Kafka Streams (and its clients') settings added to the fixture's own. */
    final Map<String, ?> settings;
    TopologyTestDriver driver;
    TestInputTopic<String, Agreement> agreements;
    TestInputTopic<String, SpecificRecord> orders;
    TestInputTopic<String, byte[]> rawOrders;
    TestInputTopic<String, byte[]> rawAgreements;
    TestOutputTopic<String, Decision> approved;
    TestOutputTopic<String, Decision> blocked;
    TestOutputTopic<String, byte[]> deadLetters;
    TestOutputTopic<String, com.lockupguard.avro.Position> positions;
    TestOutputTopic<String, AgreementAudit> agreementAudit;
    TestOutputTopic<String, ReportResult> executionResults;
    TestOutputTopic<String, ComplianceAlert> complianceAlerts;
    /** The driver's wall clock starts here; tests move it with advanceWallClockTime. */
    static final Instant WALL_CLOCK_START = Instant.parse("2003-01-01T00:00:00Z");

    TopologyFixture(Path stateDir) {
        this(stateDir, "topology-test-" + UUID.randomUUID());
    }

    /** A guard on an existing registry scope, as a restarted instance would find it. */
    TopologyFixture(Path stateDir, String registryScope) {
        this(stateDir, registryScope, TopologyOptions.service());
    }

    /** A guard built with {@code options}. */
    TopologyFixture(Path stateDir, TopologyOptions options) {
        this(stateDir, "topology-test-" + UUID.randomUUID(), options, DecisionObserver.NONE);
    }

    /** A guard that tells {@code observer} what it decides. */
    TopologyFixture(Path stateDir, DecisionObserver observer) {
        this(stateDir, "topology-test-" + UUID.randomUUID(), TopologyOptions.service(), observer);
    }

    /** A guard with Kafka Streams (and its clients') {@code settings} added to the fixture's own. */
    TopologyFixture(Path stateDir, Map<String, ?> settings) {
        this(stateDir, DecisionObserver.NONE, settings);
    }

    /** A guard that tells {@code observer} what it decides, with {@code settings} added to the fixture's own. */
    TopologyFixture(Path stateDir, DecisionObserver observer, Map<String, ?> settings) {
        this(stateDir, "topology-test-" + UUID.randomUUID(), TopologyOptions.service(), observer, settings);
    }

    /** A guard built with {@code options} on an existing registry scope, as a restarted instance would find it. */
    TopologyFixture(Path stateDir, String registryScope, TopologyOptions options) {
        this(stateDir, registryScope, options, DecisionObserver.NONE);
    }

    private TopologyFixture(Path stateDir, String registryScope, TopologyOptions options, DecisionObserver observer) {
        this(stateDir, registryScope, options, observer, Map.of());
    }

    private TopologyFixture(Path stateDir, String registryScope, TopologyOptions options, DecisionObserver observer,
            Map<String, ?> settings) {
        this.settings = settings;
        this.stateDir = stateDir;
        this.registryScope = registryScope;
        this.options = options;
        this.observer = observer;
        this.serdeConfig = Map.of("schema.registry.url", "mock://" + registryScope);
        this.topics = GuardTopics.avro(TopicNames.defaults(), serdeConfig);
        start();
    }

    void start() {
        Properties properties = new Properties();
        properties.putAll(StreamsDefaults.errorHandling(topics.names(), observer));
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "lockup-guard-test");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.putAll(settings);
        driver = new TopologyTestDriver(GuardTopology.build(topics, observer, options), properties,
                WALL_CLOCK_START);
        agreements = driver.createInputTopic("agreements", new StringSerializer(),
                topics.agreements().valueSerde().serializer());
        orders = driver.createInputTopic("orders", new StringSerializer(), topics.orders().valueSerde().serializer());
        rawOrders = driver.createInputTopic("orders", new StringSerializer(), new ByteArraySerializer());
        rawAgreements = driver.createInputTopic("agreements", new StringSerializer(), new ByteArraySerializer());
        approved = driver.createOutputTopic("orders-approved", new StringDeserializer(),
                topics.approved().valueSerde().deserializer());
        blocked = driver.createOutputTopic("orders-blocked", new StringDeserializer(),
                topics.blocked().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic("orders-dlq", new StringDeserializer(), new ByteArrayDeserializer());
        positions = driver.createOutputTopic("holding-positions", new StringDeserializer(),
                topics.positions().valueSerde().deserializer());
        agreementAudit = driver.createOutputTopic("agreement-audit", new StringDeserializer(),
                topics.agreementAudit().valueSerde().deserializer());
        executionResults = driver.createOutputTopic("execution-results", new StringDeserializer(),
                topics.executionResults().valueSerde().deserializer());
        complianceAlerts = driver.createOutputTopic("compliance-alerts", new StringDeserializer(),
                topics.complianceAlerts().valueSerde().deserializer());
    }

    static Instant at(String isoWithOffset) {
        return OffsetDateTime.parse(isoWithOffset).toInstant();
    }

    static Agreement.Builder letter() {
        return Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28"));
    }

    static ProposedOrder order(String id, OrderKind kind, long quantity) {
        return ProposedOrder.newBuilder().setOrderId(id).setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(kind).setQuantity(quantity).build();
    }

    void agreement(Agreement agreement, String at) {
        agreements.pipeInput(HOLDING, agreement, at(at));
    }

    static ExecutionReport fill(String executionId, String orderId, long quantity) {
        return ExecutionReport.newBuilder().setExecutionId(executionId).setOrderId(orderId).setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(quantity).build();
    }

    static ExecutionReport cancel(String executionId, String orderId) {
        return ExecutionReport.newBuilder().setExecutionId(executionId).setOrderId(orderId).setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(ExecutionKind.CANCEL).build();
    }

    /** Pipes an execution report and returns the one result it produced, failing unless there is exactly one. */
    ReportResult report(ExecutionReport report, String at) {
        orders.pipeInput(HOLDING, report, at(at));
        List<ReportResult> results = executionResults.readValuesToList();
        if (results.size() != 1) {
            throw new AssertionError("expected exactly one result, got " + results);
        }
        return results.get(0);
    }

    /** Pipes an order and returns the one decision it produced, failing unless there is exactly one. */
    Decision decide(ProposedOrder order, String at) {
        orders.pipeInput(HOLDING, order, at(at));
        List<Decision> decisions = drainDecisions();
        if (decisions.size() != 1) {
            throw new AssertionError("expected exactly one decision, got " + decisions);
        }
        return decisions.get(0);
    }

    List<Decision> drainDecisions() {
        List<Decision> decisions = new ArrayList<>();
        approved.readValuesToList().forEach(decisions::add);
        blocked.readValuesToList().forEach(decisions::add);
        return decisions;
    }

    List<TestRecord<String, byte[]>> drainDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    /** {@code first} as a retry of its order gets it again: the same decision, marked as repeated. */
    static Decision repeated(Decision first) {
        return Decision.newBuilder(first).setRepeated(true).build();
    }

    static String header(TestRecord<String, byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name).orElse(null);
    }
}
