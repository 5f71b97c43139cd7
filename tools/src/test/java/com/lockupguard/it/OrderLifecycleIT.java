package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DeadLetters;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.InputPartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order lifecycle on a real broker: proposed orders and execution reports share the orders
 * topic, so a holding's are taken in the order they were appended, whatever their timestamps;
 * results and alerts are what the replay gives; a report on another partition than its key's is
 * dead-lettered, never applied.
 */
@Timeout(240)
class OrderLifecycleIT {

    private static final String EFFECTIVE_LETTER = "{\"type\":\"agreement\",\"at\":\"2003-07-10T16:30:00-04:00\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";
    /** The letter's e2: a public sale of 120,000 the morning after the registration became effective. */
    private static final String ORDER_E2 = "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\","
            + "\"orderId\":\"e2\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
            + "\"quantity\":120000}";

    private static TestKafka kafka;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start(1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldApplyAFillStampedBeforeItsOrderAfterTheOrderItWasAppendedAfter() throws Exception {
        // given an order approved on the broker
        String scope = "lifecycle-order-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-lifecycle-order", scope), "order-");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            io.produce(Scenario.of(List.of(EFFECTIVE_LETTER, ORDER_E2)));
            List<DecisionReader.DecisionRecord> decided = io.awaitDecisions(1, Duration.ofSeconds(60));
            assertThat(decided).singleElement().satisfies(d -> assertThat(d.decision().getOutcome().name())
                    .isEqualTo("APPROVED"));
            // when its fill is produced after the decision but stamped an hour before the order
            io.produce(Scenario.of(List.of("{\"type\":\"execution\",\"at\":\"2003-07-11T08:45:00-04:00\","
                    + "\"executionId\":\"x1\",\"orderId\":\"e2\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                    + "\"kind\":\"FILL\",\"quantity\":120000}")));
            // then it is taken after the order, in append order: covered in full, no alert
            ReportResult result = io.awaitValues(io.topics().executionResults(), 1, Duration.ofSeconds(60)).get(0);
            assertThat(result.getOutcome()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(result.getCovered()).isEqualTo(120_000L);
            assertThat(result.getAlert()).isNull();
            assertThat(result.getPosition().getSoldToDate()).isEqualTo(120_000L);
            assertThat(result.getPosition().getReservedNow()).isZero();
            assertThat(io.awaitValues(io.topics().complianceAlerts(), 0, Duration.ofSeconds(30))).isEmpty();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldDecideOrdersAndReportsOnBrokerExactlyAsReplay() throws Exception {
        // given 8 holdings on 4 partitions: 300 orders and their fills, cancels, overfills, fills of orders never
        // sent and resent reports, some stamped before their order
        Scenario scenario = Scenario.randomWithExecutions(11, 8, 300);
        String scope = "lifecycle-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-lifecycle", scope), "lifecycle-");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(scenario);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(300, Duration.ofSeconds(90));
            List<ReportResult> results = io.awaitValues(io.topics().executionResults(), scenario.executionCount(),
                    Duration.ofSeconds(90));
            List<ComplianceAlert> alerts = io.awaitValues(io.topics().complianceAlerts(), 0, Duration.ofSeconds(30));
            // then every order decided once, every report answered once, as the replay does
            BrokerIO.assertEachOrderDecidedOnce(decisions, 300);
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));
            List<Scenario.ResultOutcome> expected = scenario.expectedResults();
            assertThat(Scenario.sortedResults(results.stream().map(Scenario.ResultOutcome::of).toList()))
                    .containsExactlyElementsOf(Scenario.sortedResults(expected));
            // and every alert of the replay, none more, is on compliance-alerts
            assertThat(alerts.stream().map(a -> a.getExecutionId() + " " + a.getType() + " " + a.getQuantity() + " "
                    + a.getBreachesAgreement()).sorted().toList())
                    .isEqualTo(expected.stream().filter(r -> r.alertType() != null).map(r -> r.executionId() + " "
                            + r.alertType() + " " + r.alertQuantity() + " " + r.breachesAgreement()).sorted().toList())
                    .isNotEmpty();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldDeadLetterAReportOnAnotherPartitionThanItsKeysAndNeverApplyIt() throws Exception {
        // given a holding with an open reservation on a 4-partition orders topic
        String scope = "lifecycle-partition-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-lifecycle-partition", scope), "partition-");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            io.produce(Scenario.of(List.of(EFFECTIVE_LETTER, ORDER_E2)));
            io.awaitDecisions(1, Duration.ofSeconds(60));
            int own = InputPartitions.expectedPartition("dutchess/CBYI", 4);
            int other = (own + 1) % 4;
            // when a producer that ignores the key's partition sends its fill to another partition
            try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerProperties(),
                    io.topics().orders().keySerde().serializer(), io.topics().orders().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>("partition-orders", other,
                        Instant.parse("2003-07-11T14:00:00Z").toEpochMilli(), "dutchess/CBYI",
                        ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("e2").setInvestorId("dutchess")
                                .setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(120_000L).build()))
                        .get();
            }
            // then it is dead-lettered, saying why, and no result is written for it
            ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter("partition-orders-dlq");
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_HEADER)).contains("WRONG_PARTITION");
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.PARTITION_HEADER))
                    .contains(Integer.toString(other));
            assertThat(io.awaitValues(io.topics().executionResults(), 0, Duration.ofSeconds(30))).isEmpty();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static Properties producerProperties() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", kafka.bootstrapServers());
        properties.put("acks", "all");
        return properties;
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
            throw new AssertionError("no dead letter on " + topic);
        }
    }
}
