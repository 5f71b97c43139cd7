package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unreadable order as large as the orders topic takes: its dead letter, the record with the error in its headers,
 * is larger than a producer may send. Kafka Streams answers a dead letter it cannot send with another dead letter of
 * the same record, which cannot be sent either, until the stream thread's stack overflows — and the replaced thread
 * meets the same record again, for good. The guard must write a dead letter that fits, and go on deciding.
 */
@Timeout(180)
class OversizedDeadLetterIT {

    /** Under the broker's and the producer's 1 MiB limits, with room for a record's framing: the topic takes it. */
    private static final int PILL_BYTES = 1_048_000;

    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterAnOversizedUnreadableOrderAndDecideTheNextOne() throws Exception {
        // given a guard that has decided a scenario's orders
        Scenario scenario = Scenario.random(47, 2, 20);
        String scope = "oversized-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-oversized", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(scenario);
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);

                // when an unreadable record of about 1 MB arrives for a holding, and then an order for it
                Order next = nextOrder(scenario);
                byte[] pill = new byte[PILL_BYTES];
                Arrays.fill(pill, (byte) 'x');
                String orders = io.topics().names().orders();
                Properties properties = new GuardConfig(settings).clientProperties();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(orders, null, next.timestamp() - 1, next.key(), pill)).get();
                    byte[] order = io.topics().orders().valueSerde().serializer().serialize(orders, next.value());
                    producer.send(new ProducerRecord<>(orders, null, next.timestamp(), next.key(), order)).get();
                }

                // then the order is decided, by the thread that met the record: it was not replaced
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(21, Duration.ofSeconds(60));
                assertThat(decisions).hasSize(21)
                        .filteredOn(d -> d.decision().getOrderId().equals("o-after-pill")).hasSize(1);
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
                // and the record is dead-lettered under its key, without its value, saying why and where it lies
                List<ConsumerRecord<String, byte[]>> deadLetters = deadLetters(settings, io);
                assertThat(deadLetters).hasSize(1);
                ConsumerRecord<String, byte[]> letter = deadLetters.get(0);
                assertThat(letter.key()).isEqualTo(next.key());
                assertThat(letter.value()).isNull();
                assertThat(header(letter, "__streams.errors.topic")).isEqualTo(orders);
                assertThat(header(letter, "__streams.errors.offset")).isNotBlank();
                assertThat(header(letter, "__streams.errors.exception")).isNotBlank();
                assertThat(header(letter, "lockup-guard.dlq.value-omitted"))
                        .contains(String.valueOf(PILL_BYTES));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** An order as its producer keys and stamps it. */
    private record Order(String key, long timestamp, ProposedOrder value) {
    }

    /** The scenario's last order again, under a new id a moment later. */
    private static Order nextOrder(Scenario scenario) {
        TimelineEntry.OrderLine line = scenario.entries().stream().filter(TimelineEntry.OrderLine.class::isInstance)
                .map(TimelineEntry.OrderLine.class::cast).reduce((first, last) -> last).orElseThrow();
        ProposedOrder order = ProposedOrder.newBuilder(line.order()).setOrderId("o-after-pill").build();
        return new Order(HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()),
                line.at().plusSeconds(2).toEpochMilli(), order);
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(Map<String, String> settings, BrokerIO io) {
        Properties properties = new GuardConfig(settings).clientProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(io.topics().names().deadLetters()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
