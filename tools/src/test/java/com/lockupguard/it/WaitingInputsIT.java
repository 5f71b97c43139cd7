package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.WaitingInputs;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What waits on the guard's inputs to be decided, read from the cluster: the group's committed positions, the inputs'
 * offsets and the first record after each position that the guard waits for, on a real broker with a real guard's
 * group.
 */
@Timeout(300)
class WaitingInputsIT {

    private static final int PARTITIONS = 4;

    @TempDir
    Path stateDir;

    @Test
    void shouldShowNothingWaitingOnceTheGuardHasDecidedEveryOrder() throws Exception {
        String scope = "waiting-decided-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that looks at its inputs every 500 ms
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-waiting-decided", scope);
            settings.put(GuardConfig.INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG, "500");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                WaitingInputs waiting = guard.service().waitingInputs().orElseThrow();

                // when it has decided 40 orders
                BrokerIO io = new BrokerIO(settings);
                io.produce(Scenario.random(67, 8, 40));
                assertThat(io.awaitDecisions(40, Duration.ofSeconds(60))).hasSize(40);

                // then every partition of both inputs shows nothing waiting
                assertThat(waiting.partitions()).hasSize(2 * PARTITIONS);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> waiting.partitions().forEach(partition -> {
                    assertThat(waiting.lag(partition)).as("lag of %s", partition).isZero();
                    assertThat(waiting.seconds(partition)).as("wait on %s", partition).isZero();
                }));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldShowTheUndecidedRecordsAndTheirGrowingWaitWhileNoInstanceDecides() throws Exception {
        String scope = "waiting-stalled-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard's group that decided orders and then stopped: none of its instances runs
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-waiting-stalled", scope);
            settings.put(GuardConfig.INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG, "1000");
            GuardConfig config = new GuardConfig(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                BrokerIO io = new BrokerIO(settings);
                io.produce(Scenario.random(71, 8, 40));
                assertThat(io.awaitDecisions(40, Duration.ofSeconds(60))).hasSize(40);
            }
            String orders = config.topicNames().orders();
            String group = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
            TopicPartition stalled = new TopicPartition(orders, 2);
            TopicPartition markerOnly = new TopicPartition(orders, 1);
            TopicPartition heldByOpenTransaction = new TopicPartition(orders, 3);
            TopicPartition positionPastTheEnd = new TopicPartition(orders, 0);

            // when three records, stamped an hour back, are appended to one partition; one to another in a
            // transaction, the group's position then set past that record but not past the transaction's marker;
            // one to a third in a transaction left open; and the position on a fourth set past its end (as on a
            // topic created again)
            long hourAgo = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
            try (KafkaProducer<byte[], byte[]> producer = producer(config, null)) {
                for (int i = 0; i < 3; i++) {
                    producer.send(record(stalled, hourAgo)).get();
                }
            }
            long afterTransactional;
            try (KafkaProducer<byte[], byte[]> producer = producer(config, "waiting-it-committed")) {
                producer.initTransactions();
                producer.beginTransaction();
                RecordMetadata sent = producer.send(record(markerOnly, System.currentTimeMillis())).get();
                producer.commitTransaction();
                afterTransactional = sent.offset() + 1;
            }
            try (Admin admin = Admin.create(config.adminProperties());
                    KafkaProducer<byte[], byte[]> open = producer(config, "waiting-it-open")) {
                open.initTransactions();
                open.beginTransaction();
                open.send(record(heldByOpenTransaction, hourAgo)).get();
                long end = admin.listOffsets(Map.of(positionPastTheEnd, OffsetSpec.latest())).all().get()
                        .get(positionPastTheEnd).offset();
                assertThat(end).as("records decided on %s", positionPastTheEnd).isPositive();
                admin.alterConsumerGroupOffsets(group, Map.of(markerOnly, new OffsetAndMetadata(afterTransactional),
                        positionPastTheEnd, new OffsetAndMetadata(end + 1000))).all().get();

                // then a look shows the three records waiting on their partition, the open transaction's record on
                // its, every record of the partition whose position is past its end (Kafka Streams reads them all
                // again), and nothing on the others
                try (WaitingInputs waiting = WaitingInputs.of(config, PARTITIONS, Clock.systemUTC())) {
                    waiting.look();
                    assertThat(waiting.lag(stalled)).isEqualTo(3.0);
                    assertThat(waiting.lag(heldByOpenTransaction)).isEqualTo(1.0);
                    assertThat(waiting.lag(positionPastTheEnd)).isEqualTo((double) end);
                    double first = waiting.seconds(stalled);
                    // counted from one look before it was first found, not from its stamp an hour back
                    assertThat(first).isBetween(1.0, 2.0);
                    assertThat(waiting.seconds(heldByOpenTransaction)).isBetween(1.0, 2.0);
                    assertThat(waiting.seconds(positionPastTheEnd)).isBetween(1.0, 2.0);
                    waiting.partitions().stream().filter(partition -> !partition.topic().equals(orders)
                            || partition.equals(markerOnly)).forEach(partition -> {
                                assertThat(waiting.lag(partition)).as("lag of %s", partition).isZero();
                                assertThat(waiting.seconds(partition)).as("wait on %s", partition).isZero();
                            });

                    // and the waits grow from look to look while nothing decides them
                    Thread.sleep(1500);
                    waiting.look();
                    assertThat(waiting.seconds(stalled)).isGreaterThanOrEqualTo(first + 1.5).isLessThan(60);
                    assertThat(waiting.seconds(heldByOpenTransaction)).isGreaterThanOrEqualTo(2.5).isLessThan(60);
                    assertThat(waiting.lag(stalled)).isEqualTo(3.0);

                    // and once the open transaction is aborted (its markers written just after), nothing waits
                    open.abortTransaction();
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        waiting.look();
                        assertThat(waiting.lag(heldByOpenTransaction)).isZero();
                        assertThat(waiting.seconds(heldByOpenTransaction)).isZero();
                    });
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldShowNotKnownOnceClosed() throws Exception {
        String scope = "waiting-closed-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a look at a guard's inputs
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-waiting-closed", scope);
            GuardConfig config = new GuardConfig(settings);
            new BrokerIO(settings).createTopics();
            WaitingInputs waiting = WaitingInputs.of(config, PARTITIONS, Clock.systemUTC());
            waiting.look();
            TopicPartition orders = new TopicPartition(config.topicNames().orders(), 0);
            assertThat(waiting.lag(orders)).isZero();

            // when it is closed
            waiting.close();

            // then what it last saw is not shown as if it still looked
            assertThat(waiting.lag(orders)).isNaN();
            assertThat(waiting.seconds(orders)).isNaN();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(GuardConfig config, String transactionalId) {
        Properties properties = new Properties();
        properties.putAll(config.clientProperties());
        if (transactionalId != null) {
            properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<byte[], byte[]> record(TopicPartition partition, long timestamp) {
        return new ProducerRecord<>(partition.topic(), partition.partition(), timestamp,
                "not-decided".getBytes(StandardCharsets.UTF_8), new byte[] {1});
    }
}
