package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code produce}'s producer on a real broker: the timeline's order is the order the broker appends in. */
@Timeout(120)
class TimelineProducerIT {

    private static final int PAIRS = 30;

    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = TestKafka.start(1);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void shouldAppendAnAgreementAfterTheOrdersOnTheLinesAboveIt() throws Exception {
        String scope = "timeline-producer-" + UUID.randomUUID();
        TopicNames names = names("-after-orders");
        try {
            // given topics the broker stamps (LogAppendTime, as orders are by default), and a timeline in which an
            // order for each holding comes just before the holding's agreement, once the orders topic is warm
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            createStampedTopics(client, names);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                lines.add(order("warm-" + i, "h" + i));
            }
            for (int i = 0; i < PAIRS; i++) {
                lines.add(order("o-" + i, "h" + i));
                lines.add(agreement("h" + i));
            }
            List<TimelineEntry> timeline = new TimelineReader(new ObjectMapper()).parse(lines);
            GuardTopics topics = GuardTopics.avro(names, Map.of("schema.registry.url", "mock://" + scope));

            // when it is produced
            try (TimelineProducer producer = new TimelineProducer(client, topics)) {
                assertThat(producer.send(timeline, n -> { }).rejected()).isEmpty();
            }

            // then each holding's agreement was appended no earlier than the order on the line above it, so that a
            // guard takes them in the timeline's order, as the replay does
            Map<String, Long> lastOrder = new HashMap<>();
            Map<String, Long> agreement = new HashMap<>();
            readAppendTimes(client, names, agreement, lastOrder);
            assertThat(agreement).hasSize(PAIRS);
            agreement.forEach((holding, appended) -> assertThat(appended)
                    .as("agreement of %s appended at, the order above it at %s", holding, lastOrder.get(holding))
                    .isGreaterThanOrEqualTo(lastOrder.get(holding)));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStampAnAgreementWithoutAtAsTheReplayDoes() throws Exception {
        String scope = "timeline-producer-" + UUID.randomUUID();
        TopicNames names = names("-without-at");
        try {
            // given topics that keep the producer's timestamps (CreateTime, as a timeline's times are kept), and a
            // timeline whose agreements leave `at` out, one before any timed line and one after an order
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            createOnePartitionTopics(client, names);
            List<TimelineEntry> timeline = new TimelineReader(new ObjectMapper()).parse(List.of(agreement("h"),
                    order("o-1", "h"), agreement("h")));

            // when it is produced
            try (TimelineProducer producer = new TimelineProducer(client, GuardTopics.avro(names,
                    Map.of("schema.registry.url", "mock://" + scope)))) {
                assertThat(producer.send(timeline, n -> { }).rejected()).isEmpty();
            }

            // then the first is stamped at the start of its execution date in its zone, the second at the order's
            // time, as the replay applies them (seen: both at the producer's time, 2026, so that a guard working
            // through a backlog of 2003 orders took those first and blocked them UNKNOWN_AGREEMENT)
            List<Long> stamps = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(client, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition partition = new TopicPartition(names.agreements(), 0);
                reader.assign(List.of(partition));
                reader.seekToBeginning(List.of(partition));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (stamps.size() < 2 && System.nanoTime() < deadline) {
                    reader.poll(Duration.ofMillis(200)).forEach(record -> stamps.add(record.timestamp()));
                }
            }
            assertThat(stamps).containsExactly(Instant.parse("2003-04-28T04:00:00Z").toEpochMilli(),
                    Instant.parse("2003-07-11T13:45:00Z").toEpochMilli());
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldAppendAnOrderAfterTheRunOfAgreementsAboveIt() throws Exception {
        String scope = "timeline-producer-" + UUID.randomUUID();
        TopicNames names = names("-before-orders");
        try {
            // given topics the broker stamps, and a timeline of a run of agreements, one per holding, then an order
            // for each holding, once both topics are warm
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            createStampedTopics(client, names);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                lines.add(agreement("h" + i));
                lines.add(order("warm-" + i, "h" + i));
            }
            for (int i = 0; i < PAIRS; i++) {
                lines.add(agreement("h" + i));
            }
            for (int i = 0; i < PAIRS; i++) {
                lines.add(order("o-" + i, "h" + i));
            }
            List<TimelineEntry> timeline = new TimelineReader(new ObjectMapper()).parse(lines);
            Properties watched = new Properties();
            watched.putAll(client);
            watched.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AgreementsInFlight.class.getName());
            AgreementsInFlight.reset();

            // when it is produced
            try (TimelineProducer producer = new TimelineProducer(watched, GuardTopics.avro(names,
                    Map.of("schema.registry.url", "mock://" + scope)))) {
                assertThat(producer.send(timeline, n -> { }).rejected()).isEmpty();
            }

            // then no order was sent while an agreement was unacknowledged, nor an agreement while an order was,
            // although the run's agreements were awaited together; and every holding's last order was appended no
            // earlier than its last agreement
            assertThat(AgreementsInFlight.mostWhenAnOrderWasSent.get()).isZero();
            assertThat(AgreementsInFlight.mostOrdersWhenAnAgreementWasSent.get()).isZero();
            assertThat(AgreementsInFlight.mostAgreements.get()).isGreaterThan(1);
            Map<String, Long> lastOrder = new HashMap<>();
            Map<String, Long> lastAgreement = new HashMap<>();
            readAppendTimes(client, names, lastAgreement, lastOrder);
            assertThat(lastOrder).hasSize(40);
            lastOrder.forEach((holding, appended) -> assertThat(appended)
                    .as("last order of %s appended at, its agreement at %s", holding, lastAgreement.get(holding))
                    .isGreaterThanOrEqualTo(lastAgreement.get(holding)));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldAwaitWhatItIsGivenAfterEachRunOfAgreementsBeforeTheOrderAfterItIsSent() throws Exception {
        String scope = "timeline-producer-" + UUID.randomUUID();
        TopicNames names = names("-awaited");
        try {
            // given a timeline of two agreements, an order, one more agreement, an order, and a last agreement
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            createOnePartitionTopics(client, names);
            List<TimelineEntry> timeline = new TimelineReader(new ObjectMapper()).parse(List.of(agreement("h"),
                    agreement("g"), order("o-1", "h"), agreement("h"), order("o-2", "g"), agreement("g")));
            TopicPartition agreements = new TopicPartition(names.agreements(), 0);
            TopicPartition orders = new TopicPartition(names.orders(), 0);
            List<String> awaited = new ArrayList<>();

            // when it is produced, what is awaited noting what the orders topic holds then
            try (TimelineProducer producer = new TimelineProducer(client, GuardTopics.avro(names,
                    Map.of("schema.registry.url", "mock://" + scope)));
                    Admin admin = Admin.create(client)) {
                producer.awaitAfterAgreements((written, lineNumber) -> {
                    try {
                        long ordersEnd = admin.listOffsets(Map.of(orders, OffsetSpec.latest())).partitionResult(orders)
                                .get().offset();
                        awaited.add("line " + lineNumber + " " + written + " orders " + ordersEnd);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(producer.send(timeline, n -> { }).rejected()).isEmpty();
            }

            // then before each order, the last agreement written above it, and no order of its own on the broker
            // yet; nothing after the last agreement, which no line follows
            assertThat(awaited).containsExactly("line 3 {" + agreements + "=1} orders 0",
                    "line 5 {" + agreements + "=2} orders 1");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldSendARunOfAgreementsTogetherOnceTheirPartitionHasTakenOne() throws Exception {
        // given a timeline of 300 agreements of one holding (amendments)
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(agreement("h"));
        }

        // when it is produced to fresh topics
        int most = mostUnacknowledged("-run", lines);

        // then, past the first, agreements went without waiting for the one before: each went alone before
        assertThat(most).isGreaterThan(1);
    }

    @Test
    void shouldSendTheOrdersOfAFewHoldingsTogetherOnceTheirPartitionHasTakenOne() throws Exception {
        // given a timeline of one holding: its agreement and 500 orders
        List<String> lines = new ArrayList<>(List.of(agreement("h")));
        for (int i = 0; i < 500; i++) {
            lines.add(order("o-" + i, "h"));
        }

        // when it is produced to fresh topics
        int most = mostUnacknowledged("-few", lines);

        // then, past the first order of its partition, orders went without waiting for the one before: they went
        // one at a time to the end while any of the 6 partitions had taken none
        assertThat(most).isGreaterThan(1);
    }

    /**
     * Produces {@code lines} to fresh topics of 6 partitions, named with {@code suffix}, every line taken; the most
     * records sent and not yet acknowledged at once.
     */
    private static int mostUnacknowledged(String suffix, List<String> lines) throws Exception {
        String scope = "timeline-producer-" + UUID.randomUUID();
        TopicNames names = names(suffix);
        try {
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic(names.agreements(), 6, (short) 1),
                        new NewTopic(names.orders(), 6, (short) 1))).all().get();
            }
            List<TimelineEntry> timeline = new TimelineReader(new ObjectMapper()).parse(lines);
            client.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, Unacknowledged.class.getName());
            Unacknowledged.reset();
            try (TimelineProducer producer = new TimelineProducer(client, GuardTopics.avro(names,
                    Map.of("schema.registry.url", "mock://" + scope)))) {
                TimelineProducer.Sent sent = producer.send(timeline, n -> { });
                assertThat(sent.refused()).isZero();
                assertThat(sent.agreements() + sent.orders()).isEqualTo(lines.size());
            }
            return Unacknowledged.most.get();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Counts the records sent and not yet acknowledged, and the most there were at once. */
    public static final class Unacknowledged implements ProducerInterceptor<Object, Object> {
        static final AtomicInteger now = new AtomicInteger();
        static final AtomicInteger most = new AtomicInteger();

        static void reset() {
            now.set(0);
            most.set(0);
        }

        @Override
        public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            now.decrementAndGet();
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    /**
     * Counts the agreements and the orders sent and not yet acknowledged: the most agreements at once, and the most
     * of either there were when one of the other was sent.
     */
    public static final class AgreementsInFlight implements ProducerInterceptor<Object, Object> {
        static final AtomicInteger agreements = new AtomicInteger();
        static final AtomicInteger orders = new AtomicInteger();
        static final AtomicInteger mostAgreements = new AtomicInteger();
        static final AtomicInteger mostWhenAnOrderWasSent = new AtomicInteger();
        static final AtomicInteger mostOrdersWhenAnAgreementWasSent = new AtomicInteger();

        static void reset() {
            for (AtomicInteger count : List.of(agreements, orders, mostAgreements, mostWhenAnOrderWasSent,
                    mostOrdersWhenAnAgreementWasSent)) {
                count.set(0);
            }
        }

        @Override
        public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
            if (record.topic().startsWith("agreements")) {
                mostOrdersWhenAnAgreementWasSent.accumulateAndGet(orders.get(), Math::max);
                mostAgreements.accumulateAndGet(agreements.incrementAndGet(), Math::max);
            } else {
                mostWhenAnOrderWasSent.accumulateAndGet(agreements.get(), Math::max);
                orders.incrementAndGet();
            }
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            (metadata.topic().startsWith("agreements") ? agreements : orders).decrementAndGet();
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    private static TopicNames names(String suffix) {
        return new TopicNames("agreements" + suffix, "orders" + suffix, "approved", "blocked", "dlq", "positions",
                "audit", "results", "alerts");
    }

    /** The inputs with one partition each, keeping the producer's timestamps (the broker's default, CreateTime). */
    private static void createOnePartitionTopics(Properties client, TopicNames names) throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(names.agreements(), 1, (short) 1),
                    new NewTopic(names.orders(), 1, (short) 1))).all().get();
        }
    }

    private static void createStampedTopics(Properties client, TopicNames names) throws Exception {
        try (Admin admin = Admin.create(client)) {
            Map<String, String> stamped = Map.of("message.timestamp.type", "LogAppendTime");
            admin.createTopics(List.of(new NewTopic(names.agreements(), 6, (short) 1).configs(stamped),
                    new NewTopic(names.orders(), 6, (short) 1).configs(stamped))).all().get();
        }
    }

    /** The latest append time of each holding's records on the agreements and on the orders topic. */
    private static void readAppendTimes(Properties client, TopicNames names, Map<String, Long> agreements,
            Map<String, Long> orders) {
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(client, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(names.agreements(), names.orders())) {
                reader.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    (record.topic().equals(names.agreements()) ? agreements : orders).merge(record.key(),
                            record.timestamp(), Math::max);
                }
            }
            assertThat(partitions).as("read to their ends").allSatisfy(p -> assertThat(reader.position(p))
                    .isGreaterThanOrEqualTo(ends.get(p)));
        }
    }

    private static String agreement(String investor) {
        return "{\"type\":\"agreement\",\"investorId\":\"" + investor + "\",\"securityId\":\"S\","
                + "\"executionDate\":\"2003-04-28\"}";
    }

    private static String order(String orderId, String investor) {
        return "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"" + orderId
                + "\",\"investorId\":\"" + investor + "\",\"securityId\":\"S\",\"kind\":\"PUBLIC_SALE\","
                + "\"quantity\":1}";
    }
}
