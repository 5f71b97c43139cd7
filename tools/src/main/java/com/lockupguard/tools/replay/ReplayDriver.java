package com.lockupguard.tools.replay;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.topology.DeadLetters;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.GuardTopology;
import com.lockupguard.topology.StreamsDefaults;
import com.lockupguard.topology.TopicNames;
import com.lockupguard.topology.TopologyOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The guard's topology in a TopologyTestDriver, with its own in-memory schema registry and a
 * temporary state directory: records in, the decisions and dead letters each one produced out.
 */
public final class ReplayDriver implements AutoCloseable {

    private final String registryScope = "replay-" + UUID.randomUUID();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, Agreement> agreements;
    private final TestInputTopic<String, SpecificRecord> orders;
    private final TestOutputTopic<String, Decision> approved;
    private final TestOutputTopic<String, Decision> blocked;
    private final TestOutputTopic<String, byte[]> deadLetters;
    private final String deadLetterTopic;
    private final TestOutputTopic<String, Position> positions;
    private final TestOutputTopic<String, ReportResult> executionResults;
    private final TestOutputTopic<String, ComplianceAlert> complianceAlerts;
    private final boolean publishesPositions;
    private Instant wallClock = Instant.EPOCH;

    /** A driver whose topology publishes no positions ({@link #drainPositions()} is then always empty). */
    public ReplayDriver() {
        this(false);
    }

    /** @param publishesPositions whether the topology publishes positions; the wall clock then follows event time */
    public ReplayDriver(boolean publishesPositions) {
        this.publishesPositions = publishesPositions;
        try {
            stateDir = Files.createTempDirectory("lockup-guard-replay-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the replay", e);
        }
        TopicNames names = TopicNames.defaults();
        GuardTopics topics = GuardTopics.avro(names, Map.of(RegistryClientConfig.URL, SchemaRegistryClients.MOCK_SCHEME + registryScope));
        Properties properties = StreamsDefaults.errorHandling(names);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "lockup-guard-replay");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // each record is piped alone and processed before the next: there is never a second partition to wait for,
        // and Kafka Streams 4.4 formats a log line per record while it checks (PartitionGroup.readyToProcess)
        properties.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // the driver's wall clock follows the timeline's event time, so that releases (window boundaries) are
        // published when the timeline reaches them, deterministically
        driver = new TopologyTestDriver(GuardTopology.build(topics, DecisionObserver.NONE, TopologyOptions.replay(publishesPositions)),
                properties, wallClock);
        StringSerializer keys = new StringSerializer();
        agreements = driver.createInputTopic(names.agreements(), keys, topics.agreements().valueSerde().serializer());
        orders = driver.createInputTopic(names.orders(), keys, topics.orders().valueSerde().serializer());
        StringDeserializer keyReader = new StringDeserializer();
        approved = driver.createOutputTopic(names.approved(), keyReader, topics.approved().valueSerde().deserializer());
        blocked = driver.createOutputTopic(names.blocked(), keyReader, topics.blocked().valueSerde().deserializer());
        deadLetterTopic = names.deadLetters();
        deadLetters = driver.createOutputTopic(deadLetterTopic, keyReader, new ByteArrayDeserializer());
        positions = driver.createOutputTopic(names.positions(), keyReader, topics.positions().valueSerde().deserializer());
        executionResults = driver.createOutputTopic(names.executionResults(), keyReader,
                topics.executionResults().valueSerde().deserializer());
        complianceAlerts = driver.createOutputTopic(names.complianceAlerts(), keyReader,
                topics.complianceAlerts().valueSerde().deserializer());
    }

    /** Moves the driver's wall clock forward to {@code at}, publishing the releases that passed on the way. */
    private void advanceTo(Instant at) {
        if (publishesPositions && at.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, at));
            wallClock = at;
        }
    }

    /** Positions published since the last call: after decisions, agreements and passed window boundaries. */
    public List<Position> drainPositions() {
        return publishesPositions ? positions.readValuesToList() : List.of();
    }

    /** Puts an agreement version on its topic; returns why it was dead-lettered, if it was. */
    public Optional<String> applyAgreement(String key, Agreement agreement, Instant at) {
        advanceTo(at);
        agreements.pipeInput(key, agreement, at);
        return deadLetterMessages().stream().findFirst();
    }

    /** Puts an order on its topic and returns the one decision the topology produced for it. */
    public Decision decide(String key, ProposedOrder order, Instant at) {
        advanceTo(at);
        orders.pipeInput(key, order, at);
        List<Decision> decisions = new ArrayList<>(1);
        decisions.addAll(approved.readValuesToList());
        decisions.addAll(blocked.readValuesToList());
        if (decisions.size() != 1) {
            List<String> deadLetters = deadLetterMessages();
            if (decisions.isEmpty() && !deadLetters.isEmpty()) {
                throw new DeadLetteredException("order", order.getOrderId(), deadLetters);
            }
            throw new IllegalStateException("order " + order.getOrderId() + " produced " + decisions.size()
                    + " decisions instead of one; dead letters: " + deadLetters);
        }
        return decisions.get(0);
    }

    /** Puts an execution report on the orders topic and returns the one result the topology produced for it. */
    public ReportResult report(String key, ExecutionReport report, Instant at) {
        advanceTo(at);
        orders.pipeInput(key, report, at);
        List<ReportResult> results = executionResults.readValuesToList();
        if (results.size() != 1) {
            List<String> deadLetters = deadLetterMessages();
            if (results.isEmpty() && !deadLetters.isEmpty()) {
                throw new DeadLetteredException("execution report", report.getExecutionId(), deadLetters);
            }
            throw new IllegalStateException("execution report " + report.getExecutionId() + " produced "
                    + results.size() + " results instead of one; dead letters: " + deadLetters);
        }
        // an invalid, conflicting or agreement-less report is also dead-lettered, and an alert is also on its topic:
        // the result says both
        drainDeadLetters();
        complianceAlerts.readValuesToList();
        return results.get(0);
    }

    private List<String> deadLetterMessages() {
        List<String> messages = new ArrayList<>();
        for (TestRecord<String, byte[]> letter : drainDeadLetters()) {
            messages.add(DeadLetters.header(letter.headers(), DeadLetters.MESSAGE_HEADER).orElse("dead-lettered"));
        }
        return messages;
    }

    /**
     * The dead letters since the last call. The topology has no sink for them (they are written from the
     * exception handler), so the driver knows the topic only once one was written, and warns of a read before.
     */
    private List<TestRecord<String, byte[]>> drainDeadLetters() {
        return driver.producedTopicNames().contains(deadLetterTopic) ? deadLetters.readRecordsToList() : List.of();
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            InMemorySchemaRegistry.dropScope(registryScope);
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Utils.delete(root.toFile());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a replay for
        }
    }
}
