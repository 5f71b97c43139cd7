package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.lockupguard.timeline.RunningGuardWait;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code produce}'s wait for a running guard, on a real broker: the guard's group stood in for by a consumer of that
 * group, which commits when the test says the guard has taken the agreements.
 */
@Timeout(120)
class RunningGuardWaitIT {

    private static TestKafka kafka;
    private static Admin admin;

    private final String group = "running-guard-wait-" + UUID.randomUUID();
    private final TopicPartition agreements = new TopicPartition("agreements-" + group, 0);
    private final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = TestKafka.start(1);
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        admin.close();
        kafka.close();
    }

    /** A member of the guard's group, assigned the agreements partition, that has committed nothing yet. */
    private KafkaConsumer<byte[], byte[]> guardMember() throws Exception {
        admin.createTopics(List.of(new NewTopic(agreements.topic(), 1, (short) 1))).all().get();
        KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        member.subscribe(List.of(agreements.topic()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
            member.poll(Duration.ofMillis(100));
        }
        assertThat(member.assignment()).containsExactly(agreements);
        return member;
    }

    /** Line 7, after agreements written up to offset 2 of the agreements partition, waiting as produce would. */
    private CompletableFuture<Void> lineSevenWaiting(RunningGuardWait wait) {
        return CompletableFuture.runAsync(() -> {
            try {
                wait.await(Map.of(agreements, 2L), 7);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void shouldHoldTheLinesAfterTheAgreementsUntilTheRunningGuardHasCommittedPastThem() throws Exception {
        // given a guard running, and agreements written up to offset 2
        try (KafkaConsumer<byte[], byte[]> member = guardMember()) {
            RunningGuardWait wait = new RunningGuardWait(admin, group, Duration.ofSeconds(30), warnings::add);

            // when the line after them waits
            CompletableFuture<Void> waited = lineSevenWaiting(wait);

            // then it waits while the guard has committed up to offset 2 only, and goes on once past it
            member.commitSync(Map.of(agreements, new OffsetAndMetadata(2)));
            Thread.sleep(500);
            assertThat(waited).isNotDone();
            member.commitSync(Map.of(agreements, new OffsetAndMetadata(3)));
            waited.get(20, TimeUnit.SECONDS);
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void shouldNotWaitWhenNoGuardRuns() throws Exception {
        // given a group that never had a member, and one whose member left without committing
        RunningGuardWait never = new RunningGuardWait(admin, "never-" + group, Duration.ofSeconds(30), warnings::add);
        guardMember().close();
        RunningGuardWait stopped = new RunningGuardWait(admin, group, Duration.ofSeconds(30), warnings::add);

        // when
        long started = System.nanoTime();
        never.await(Map.of(agreements, 2L), 7);
        stopped.await(Map.of(agreements, 2L), 7);

        // then neither waited for what no guard will commit
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldGiveUpOnceAfterTheLongestWaitAndSaySo() throws Exception {
        // given a guard running that does not take the agreements (a backlog before them)
        try (KafkaConsumer<byte[], byte[]> member = guardMember()) {
            // 3 s: the wait is also each look's time limit, and a look at the group can take a second on a loaded
            // machine ("cannot tell whether …" then)
            RunningGuardWait wait = new RunningGuardWait(admin, group, Duration.ofSeconds(3), warnings::add);

            // when two runs of agreements wait
            long started = System.nanoTime();
            wait.await(Map.of(agreements, 2L), 7);
            long first = System.nanoTime() - started;
            wait.await(Map.of(agreements, 5L), 12);

            // then the first waited the 3 s and said so, the second did not wait
            assertThat(Duration.ofNanos(first)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(Duration.ofNanos(System.nanoTime() - started - first)).isLessThan(Duration.ofMillis(500));
            assertThat(warnings).containsExactly("guard '" + group + "' has not taken the agreements above line 7 "
                    + "within 3 s (a backlog, or it is not consuming); sending on without waiting for it: an order "
                    + "sent moments after its agreement may meet it first and be blocked UNKNOWN_AGREEMENT");
        }
    }

    @Test
    void shouldEndTheWaitAtOnceWhenTheCommandIsStopped() throws Exception {
        // given a guard running that does not take the agreements, and a wait that a signal stops after 1 s
        try (KafkaConsumer<byte[], byte[]> member = guardMember()) {
            long started = System.nanoTime();
            RunningGuardWait wait = new RunningGuardWait(admin, group, Duration.ofSeconds(30), warnings::add,
                    () -> System.nanoTime() - started > Duration.ofSeconds(1).toNanos());

            // when the agreements are waited for
            Throwable stopped = catchThrowable(() -> wait.await(Map.of(agreements, 2L), 7));

            // then the wait ends soon after the stop, as an interruption (the line after them is not sent), and
            // says nothing of giving up
            assertThat(stopped).isInstanceOf(InterruptedException.class).hasMessageContaining("stopped by a signal");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void shouldHoldTheLinesAfterTheAgreementsForAGuardUnderTheStreamsGroupProtocol() throws Exception {
        // given a Kafka Streams application under group.protocol=streams standing in for the guard, stuck on the
        // first of three agreements until the test lets it go on
        admin.createTopics(List.of(new NewTopic(agreements.topic(), 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(agreements.topic(), new byte[] {(byte) i})).get();
            }
        }
        CountDownLatch letGo = new CountDownLatch(1);
        CountDownLatch taking = new CountDownLatch(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(agreements.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).foreach((k, v) -> {
            taking.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, group);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("streams-guard").toString());
        KafkaStreams guard = new KafkaStreams(builder.build(), properties);
        try {
            guard.start();
            assertThat(taking.await(60, TimeUnit.SECONDS)).isTrue();
            RunningGuardWait wait = new RunningGuardWait(admin, group, Duration.ofSeconds(30), warnings::add);

            // when the line after the agreements waits
            CompletableFuture<Void> waited = lineSevenWaiting(wait);

            // then it waits while the guard has not taken them (it sent on at once: the consumer groups' API says a
            // streams group is "not a consumer group"), and goes on once the guard has committed past them
            Thread.sleep(1_000);
            assertThat(waited).isNotDone();
            letGo.countDown();
            waited.get(30, TimeUnit.SECONDS);
            assertThat(warnings).isEmpty();
        } finally {
            letGo.countDown(); // a stream thread stuck in the test's processor would hold up the close for ever
            guard.close(Duration.ofSeconds(10));
        }
    }
}

