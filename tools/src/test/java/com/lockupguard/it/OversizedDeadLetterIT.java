package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.TopicPolicy;
import com.lockupguard.app.TopicSettings;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records as large as the orders topic takes, whose answer is larger than a producer may send: an unreadable one, whose
 * dead letter is the record with the error added in its headers, and an order with an id of about 1 MB, whose blocked
 * decision repeats the id. A send the producer refuses fails the task, and the replaced thread meets the same record
 * again, for good: one record would stop its partition. The guard must answer both with a dead letter that fits, and
 * go on deciding.
 */
@Timeout(180)
class OversizedDeadLetterIT {

    /** Under the broker's and the producer's 1 MiB limits, with room for a record's framing: the topic takes it. */
    private static final int PILL_BYTES = 1_048_000;
    /** The {@code max.message.bytes} an operator gives some of the guard's output topics. */
    private static final int TOPIC_LIMIT = 100_000;

    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterRecordsTooLargeToAnswerAndDecideTheNextOrder() throws Exception {
        // given a guard that has decided a scenario's orders
        Scenario scenario = Scenario.random(47, 2, 20);
        String scope = "oversized-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-oversized", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(scenario);
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);

                // when, for one holding, an unreadable record of about 1 MB arrives, then an order whose id alone is
                // about 1 MB (invalid: its blocked decision, which repeats the id, would not fit), then an order
                Order next = nextOrder(scenario, "o-after-pill", 3);
                byte[] pill = new byte[PILL_BYTES];
                Arrays.fill(pill, (byte) 'x');
                String orders = io.topics().names().orders();
                byte[] hugeId = orderAsLargeAsTheTopicTakes(io, nextOrder(scenario, "", 2).value());
                Properties properties = new GuardConfig(settings).clientProperties();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(orders, null, next.timestamp() - 2, next.key(), pill)).get();
                    producer.send(new ProducerRecord<>(orders, null, next.timestamp() - 1, next.key(), hugeId)).get();
                    byte[] order = io.topics().orders().valueSerde().serializer().serialize(orders, next.value());
                    producer.send(new ProducerRecord<>(orders, null, next.timestamp(), next.key(), order)).get();
                }

                // then the order is decided, by the thread that met the records: it was not replaced
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(21, Duration.ofSeconds(60));
                assertThat(decisions).hasSize(21)
                        .filteredOn(d -> d.decision().getOrderId().equals("o-after-pill")).hasSize(1);
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
                // and both records are dead-lettered under their key, without their value, saying why and where
                List<ConsumerRecord<String, byte[]>> deadLetters = deadLetters(settings, io);
                assertThat(deadLetters).hasSize(2).allSatisfy(letter -> {
                    assertThat(letter.key()).isEqualTo(next.key());
                    assertThat(letter.value()).isNull();
                    assertThat(header(letter, "__streams.errors.topic")).isEqualTo(orders);
                    assertThat(header(letter, "__streams.errors.offset")).isNotBlank();
                    assertThat(header(letter, "__streams.errors.exception")).isNotBlank();
                });
                assertThat(header(deadLetters.get(0), "lockup-guard.dlq.value-omitted"))
                        .startsWith(PILL_BYTES + " bytes");
                assertThat(header(deadLetters.get(1), "lockup-guard.dlq.value-omitted"))
                        .startsWith(hugeId.length + " bytes");
                assertThat(header(deadLetters.get(1), "lockup-guard.dlq.reason")).isEqualTo("DECISION_TOO_LARGE");
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldKeepWithinTheMessageSizeOfTheTopicsItWrites() throws Exception {
        // given topics the guard writes whose max.message.bytes an operator set below the producer's 1 MiB before
        // the guard started: the blocked decisions and the dead letters take 100,000 bytes
        String scope = "topic-limit-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-topic-limit", scope);
            createLimitedTopics(new GuardConfig(settings));
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // when records whose answers would exceed the limit arrive, then an order, then the guard answers
                // each within the limit, and the thread that met them decides the order
                expectRecordsTooLargeToAnswerDeadLetteredAndTheNextDecided(settings, guard);
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldKeepWithinAMessageSizeLoweredWhileItRuns() throws Exception {
        // given a running guard, whose topics take the broker's default 1 MiB
        String scope = "topic-limit-live-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-topic-limit-live", scope);
            // that reads the limits only at start and when the broker refuses a record as too large
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "0");
            GuardConfig config = new GuardConfig(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // when an operator lowers the max.message.bytes of the blocked decisions and the dead letters to
                // 100,000, and the broker applies it
                setLimitOfLimitedTopics(config, TOPIC_LIMIT);
                // then records whose answers would exceed the new limit are answered within it, once the broker
                // has refused the first answer: the thread it failed is replaced once, and the order is decided
                expectRecordsTooLargeToAnswerDeadLetteredAndTheNextDecided(settings, guard);
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isEqualTo(1);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldUseAMessageSizeRaisedWhileItRuns() throws Exception {
        // given topics the guard writes whose max.message.bytes was 100,000 when it started, and a guard that reads
        // the limits again every half second
        String scope = "topic-limit-raised-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-topic-limit-raised", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "500");
            GuardConfig config = new GuardConfig(settings);
            createLimitedTopics(config);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                Scenario scenario = Scenario.random(49, 2, 20);
                BrokerIO io = new BrokerIO(settings);
                io.produce(scenario);
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);
                // and an invalid order whose blocked decision, repeating its 200,000-character id, would not fit:
                // dead-lettered
                sendOrderWithLongId(settings, io, nextOrder(scenario, "before-raise-", 1));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deadLetters(settings, io))
                        .singleElement().satisfies(letter -> assertThat(header(letter, "lockup-guard.dlq.reason"))
                                .isEqualTo("DECISION_TOO_LARGE")));

                // when the operator raises the limit to 1 MiB, and the broker applies it
                setLimitOfLimitedTopics(config, 1_048_576);

                // then such orders are decided again, without a restart: one sent every second soon is
                AtomicInteger sent = new AtomicInteger();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    int next = sent.incrementAndGet();
                    sendOrderWithLongId(settings, io, nextOrder(scenario, "after-raise-" + next + "-", 1 + next));
                    return io.awaitDecisions(20, Duration.ofSeconds(10)).stream()
                            .anyMatch(d -> d.decision().getOrderId().startsWith("after-raise-"));
                });
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
                assertThat(guard.service().isReady()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** The guard's topics, created with the blocked decisions and the dead letters taking 100,000 bytes. */
    private static void createLimitedTopics(GuardConfig config) throws Exception {
        try (Admin admin = Admin.create(config.adminProperties())) {
            TopicPolicy policy = TopicPolicy.of(config);
            List<NewTopic> limited = new ArrayList<>();
            for (String topic : limitedTopics(config)) {
                Map<String, String> configs = new HashMap<>(policy.creationConfigs(topic));
                configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(TOPIC_LIMIT));
                limited.add(new NewTopic(topic, 4, (short) 1).configs(configs));
            }
            admin.createTopics(limited).all().get();
        }
    }

    /** Sets the max.message.bytes of the limited topics to {@code bytes}, as an operator would, until applied. */
    private static void setLimitOfLimitedTopics(GuardConfig config, int bytes) throws Exception {
        try (Admin admin = Admin.create(config.adminProperties())) {
            AlterConfigOp set = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    String.valueOf(bytes)), AlterConfigOp.OpType.SET);
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
            limitedTopics(config).forEach(topic -> changes.put(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(set)));
            admin.incrementalAlterConfigs(changes).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> TopicSettings.describe(admin,
                    limitedTopics(config), Duration.ofSeconds(10)).values().stream()
                    .allMatch(topic -> topic.number(TopicConfig.MAX_MESSAGE_BYTES_CONFIG) == bytes));
        }
    }

    /** {@code order} with its id followed by 200,000 characters: invalid, and its blocked decision repeats the id. */
    private static void sendOrderWithLongId(Map<String, String> settings, BrokerIO io, Order order) throws Exception {
        String orders = io.topics().names().orders();
        byte[] value = io.topics().orders().valueSerde().serializer().serialize(orders,
                ProposedOrder.newBuilder(order.value()).setOrderId(order.value().getOrderId()
                        + "i".repeat(2 * TOPIC_LIMIT)).build());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new GuardConfig(settings)
                .clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(orders, null, order.timestamp(), order.key(), value)).get();
        }
    }

    /** The topics the tests limit: those the two records' answers go to. */
    private static List<String> limitedTopics(GuardConfig config) {
        return List.of(config.topicNames().blocked(), config.topicNames().deadLetters());
    }

    /**
     * For one holding: an unreadable record of 300,000 bytes (its dead letter would be as large), then an invalid
     * order with an id of 200,000 characters (its blocked decision repeats it), then an order. The order must be
     * decided, and both records dead-lettered without their value.
     */
    private void expectRecordsTooLargeToAnswerDeadLetteredAndTheNextDecided(Map<String, String> settings,
            GuardInstance guard) throws Exception {
        Scenario scenario = Scenario.random(48, 2, 20);
        BrokerIO io = new BrokerIO(settings);
        io.produce(scenario);
        assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);
        Order next = nextOrder(scenario, "o-after-large", 3);
        byte[] pill = new byte[3 * TOPIC_LIMIT];
        Arrays.fill(pill, (byte) 'x');
        String orders = io.topics().names().orders();
        byte[] longId = io.topics().orders().valueSerde().serializer().serialize(orders,
                ProposedOrder.newBuilder(nextOrder(scenario, "", 2).value())
                        .setOrderId("i".repeat(2 * TOPIC_LIMIT)).build());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new GuardConfig(settings)
                .clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(orders, null, next.timestamp() - 2, next.key(), pill)).get();
            producer.send(new ProducerRecord<>(orders, null, next.timestamp() - 1, next.key(), longId)).get();
            byte[] order = io.topics().orders().valueSerde().serializer().serialize(orders, next.value());
            producer.send(new ProducerRecord<>(orders, null, next.timestamp(), next.key(), order)).get();
        }
        List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(21, Duration.ofSeconds(60));
        assertThat(decisions).hasSize(21)
                .filteredOn(d -> d.decision().getOrderId().equals("o-after-large")).hasSize(1);
        List<ConsumerRecord<String, byte[]>> deadLetters = deadLetters(settings, io);
        assertThat(deadLetters).hasSize(2).allSatisfy(letter -> assertThat(letter.value()).isNull());
        assertThat(header(deadLetters.get(0), "lockup-guard.dlq.value-omitted")).startsWith(pill.length + " bytes");
        assertThat(header(deadLetters.get(1), "lockup-guard.dlq.reason")).isEqualTo("DECISION_TOO_LARGE");
        assertThat(guard.service().isReady()).isTrue();
    }

    /**
     * {@code order} with an id that makes its encoding as large as a producer may send with its key: the broker
     * takes it; its decision, which repeats the id and adds its own fields, is larger.
     */
    private static byte[] orderAsLargeAsTheTopicTakes(BrokerIO io, ProposedOrder order) {
        String topic = io.topics().names().orders();
        // the producer's bound: a batch's header (61 bytes) and a record's framing (21 at most) around key and value
        int target = 1_048_576 - 82 - HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()).length() - 8;
        int framing = io.topics().orders().valueSerde().serializer().serialize(topic,
                ProposedOrder.newBuilder(order).setOrderId("i".repeat(1_000_000)).build()).length - 1_000_000;
        return io.topics().orders().valueSerde().serializer().serialize(topic,
                ProposedOrder.newBuilder(order).setOrderId("i".repeat(target - framing)).build());
    }

    /** An order as its producer keys and stamps it. */
    private record Order(String key, long timestamp, ProposedOrder value) {
    }

    /** The scenario's last order again, under a new id, {@code seconds} later. */
    private static Order nextOrder(Scenario scenario, String orderId, int seconds) {
        TimelineEntry.OrderLine line = scenario.entries().stream().filter(TimelineEntry.OrderLine.class::isInstance)
                .map(TimelineEntry.OrderLine.class::cast).reduce((first, last) -> last).orElseThrow();
        ProposedOrder order = ProposedOrder.newBuilder(line.order()).setOrderId(orderId).build();
        return new Order(HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()),
                line.at().plusSeconds(seconds).toEpochMilli(), order);
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
