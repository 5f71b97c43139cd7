package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.Reason;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.TopicNames;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Orders sent and their decisions handed back, with no broker: what the gateway sends is in a mock producer,
 * and decisions reach the feed with the headers of the order they answer, as the topology forwards them.
 */
class KafkaOrderGatewayTest {

    private static final String HOLDING = "dutchess/CBYI";

    /**
     * The feed's consumer, which a restart of the feed reads from again where it stopped, as it would a new one: a
     * closed mock would fail the restart for a reason of its own, not the one a test set up.
     */
    private final MockFeedConsumer consumer = new MockFeedConsumer(1, List.of()) {
        @Override
        public void close() {
            // a new consumer would be made in its place: this one serves on
        }

        @Override
        public void close(org.apache.kafka.clients.consumer.CloseOptions options) {
            // as the feed closes it after a failure (seen: closed so, the restart failed with the mock's
            // IllegalStateException, and a test that looked after the restart read that as the reason)
        }
    };
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private DecisionFeed feed;
    private KafkaOrderGateway gateway;

    @BeforeEach
    void start() {
        feed = new DecisionFeed(() -> consumer, MockFeedConsumer.TOPICS, 5_000);
        feed.start();
        gateway = sendingTo(producer);
    }

    @AfterEach
    void stop() {
        gateway.close();
        feed.close();
    }

    /** A gateway sending through {@code producer}, with topics of a registry of its own. */
    private KafkaOrderGateway sendingTo(MockProducer<String, byte[]> producer) {
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://gateway-test-" + UUID.randomUUID()));
        return new KafkaOrderGateway(topics, feed, producer, topics.orders().valueSerde().serializer(),
                Duration.ofSeconds(10));
    }

    private void decide(ProducerRecord<String, byte[]> sent, Decision decision) {
        consumer.append(decision.getOutcome() == Outcome.APPROVED ? MockFeedConsumer.APPROVED
                : MockFeedConsumer.BLOCKED, 0, sent.key(), decision, sent.headers());
    }

    @Test
    void shouldAnswerEachOfTwoOrdersWithOneIdWithItsOwnDecision() throws Exception {
        // given: two orders with one id and different quantities, submitted at once
        ProposedOrder ten = DecisionFeedTest.order("o-1", 10);
        ProposedOrder twenty = DecisionFeedTest.order("o-1", 20);
        CompletableFuture<Decision> first = gateway.submit(ten);
        CompletableFuture<Decision> second = gateway.submit(twenty);

        // when the guard approves the first and blocks the second as a reused id (RULES.md section 4.2)
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).hasSize(2);
        decide(sent.get(0), GuardWebServerTest.decision(ten, Outcome.APPROVED, List.of(), 100L));
        decide(sent.get(1), GuardWebServerTest.decision(twenty, Outcome.BLOCKED, List.of(Reason.DUPLICATE_ORDER_ID),
                0L));

        // then each caller gets its own order's decision
        Decision firstDecision = first.get(10, TimeUnit.SECONDS);
        assertThat(firstDecision.getOutcome()).isEqualTo(Outcome.APPROVED);
        assertThat(firstDecision.getQuantity()).isEqualTo(10);
        Decision secondDecision = second.get(10, TimeUnit.SECONDS);
        assertThat(secondDecision.getOutcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(secondDecision.getReasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
        assertThat(secondDecision.getQuantity()).isEqualTo(20);
    }

    @Test
    void shouldAnswerAResendWithTheRepeatedDecision() throws Exception {
        // given: an order whose caller gave up before its decision came (a 504), decided meanwhile
        ProposedOrder order = DecisionFeedTest.order("o-2", 10);
        gateway.submit(order).cancel(false);
        Decision decided = GuardWebServerTest.decision(order, Outcome.APPROVED, List.of(), 100L);
        decide(producer.history().get(0), decided);

        // when it is resent, and the guard answers the resend with the first decision, marked as repeated
        CompletableFuture<Decision> resent = gateway.submit(order);
        Decision repeated = Decision.newBuilder(decided).setRepeated(true).build();
        decide(producer.history().get(1), repeated);

        // then the resend gets it
        assertThat(resent.get(10, TimeUnit.SECONDS)).isEqualTo(repeated);
    }

    @Test
    void shouldRefuseAnOrderWithoutSendingItWhileTheFeedCannotReadDecisions() throws Exception {
        // given: a feed that meets a record it cannot decode for want of the registry, and restarts meanwhile
        consumer.appendUndecodable(MockFeedConsumer.APPROVED, 0,
                new SchemaRegistryException.Unavailable("connection refused", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());

        // when an order is submitted
        CompletableFuture<Decision> refused = gateway.submit(DecisionFeedTest.order("o-3", 10));

        // then it is refused at once as not ready (503, ask again), and nothing was sent
        assertThat(refused).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.getMessage()).startsWith("order o-3 was not sent: the guard cannot read decisions "
                            + "back now (the decision feed failed (the schema registry cannot be reached) at ")
                            .contains("; it restarts ").doesNotContain("connection refused");
                    // and the registry's own words for a caller who may read them
                    assertThat(e.detail()).startsWith("order o-3 was not sent").contains("connection refused");
                });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswerAnOrderThatCannotBeSentAndForgetItsWaiter() throws Exception {
        // given: a serializer that refuses the order outright (it cannot reach the registry)
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://gateway-test-" + UUID.randomUUID()));
        KafkaOrderGateway failing = new KafkaOrderGateway(topics, feed, producer, (topic, value) -> {
            throw new org.apache.kafka.common.errors.SerializationException("registry unavailable");
        }, Duration.ofSeconds(10));

        // when an order is submitted
        CompletableFuture<Decision> decision = failing.submit(DecisionFeedTest.order("o-4", 10));

        // then its caller is told it was not sent, and nobody waits for its decision any more
        assertThat(decision).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .havingCause().withMessageContaining("registry unavailable");
        assertThat(feed.waitingForDecisions()).isZero();
    }

    @Test
    void shouldFailTheOrderAtOnceWhenKafkaDoesNotTakeIt() throws Exception {
        // given: a producer whose sends are acknowledged only when the test says
        MockProducer<String, byte[]> pending = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        KafkaOrderGateway sending = sendingTo(pending);
        CompletableFuture<Decision> decision = sending.submit(DecisionFeedTest.order("o-5", 10));

        // when the broker does not take it (its delivery timed out)
        pending.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));

        // then its caller is told so at once (502), not after the decision timeout as if it had been sent, and
        // nobody waits for its decision any more
        assertThat(decision).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .havingCause().withMessageContaining("Expiring 1 record(s)");
        assertThat(feed.waitingForDecisions()).isZero();
    }

    @Test
    void shouldLogAnOrderKafkaDidNotTakeAfterItsCallerWasAnsweredThatItMayBeDecided() {
        // given an order still being sent whose caller stopped waiting, as the API does when it answers 504
        MockProducer<String, byte[]> pending = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        KafkaOrderGateway sending = sendingTo(pending);
        sending.submit(DecisionFeedTest.order("o-6", 10)).cancel(false);

        try (CapturedLogs logs = CapturedLogs.of(KafkaOrderGateway.class)) {
            // when its delivery times out after all
            pending.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));

            // then the log says it was not confirmed, and what to do: its caller was told it may still be decided
            assertThat(logs.messages()).singleElement().asString()
                    .startsWith("Kafka did not confirm order o-6, whose caller was answered before the send ended")
                    .contains("Expiring 1 record(s)", "resend it (same orderId, kind and quantity)");
        }
    }

    @Test
    void shouldLogNothingMoreForAnOrderWhoseCallerIsToldKafkaDidNotTakeIt() {
        // given an order still being sent whose caller waits
        MockProducer<String, byte[]> pending = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        KafkaOrderGateway sending = sendingTo(pending);
        CompletableFuture<Decision> decision = sending.submit(DecisionFeedTest.order("o-7", 10));

        try (CapturedLogs logs = CapturedLogs.of(KafkaOrderGateway.class)) {
            // when its delivery times out
            pending.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));

            // then the caller is told, and the log (the API's 502 logs it) is not written twice
            assertThat(decision).isCompletedExceptionally();
            assertThat(logs.messages()).isEmpty();
        }
    }

    @Test
    void shouldSendEveryOrderAcknowledgedByAllReplicasAndOnceWhateverTheDeploymentAllowsItsProducers() {
        // given producer settings a throughput-minded at-least-once deployment gives Kafka Streams' producers
        GuardConfig config = new GuardConfig(Map.of("processing.guarantee", "at_least_once", "acks", "1",
                "producer.acks", "0", "enable.idempotence", "false", "retries", "0",
                "max.in.flight.requests.per.connection", "10", "linger.ms", "50"));

        // when the order gateway's producer settings are made from them
        java.util.Properties settings = KafkaOrderGateway.producerSettings(config.producerProperties(),
                Duration.ofSeconds(10));

        // then an order is written to every in-sync replica, once, in order, and at once: an approval a caller
        // acts on cannot be lost by a leader's failure, nor sent twice by a retry
        assertThat(settings.get("acks")).isEqualTo("all");
        assertThat(settings.get("enable.idempotence")).isEqualTo(true);
        assertThat(settings).doesNotContainKey("retries");
        assertThat(settings.get("max.in.flight.requests.per.connection")).isEqualTo(5);
        assertThat(settings.get("linger.ms")).isEqualTo(0);
    }

    @Test
    void shouldNameTheOrderEntrysProducerAfterTheClientIdGivenAsKafkaStreamsNamesItsOwn() {
        // given a deployment that names its clients, for quotas and monitoring, for all or for producers only
        GuardConfig named = new GuardConfig(Map.of("client.id", "guard-eu"));
        GuardConfig producers = new GuardConfig(Map.of("producer.client.id", "guard-eu-writes"));

        // when / then the order entry's producer is named after it, with its role (seen: always
        // lockup-guard-pretrade, whatever was given), and after the guard when nothing was
        assertThat(KafkaOrderGateway.producerSettings(named.producerProperties(), Duration.ofSeconds(10))
                .get("client.id")).isEqualTo("guard-eu-pretrade");
        assertThat(KafkaOrderGateway.producerSettings(producers.producerProperties(), Duration.ofSeconds(10))
                .get("client.id")).isEqualTo("guard-eu-writes-pretrade");
        assertThat(KafkaOrderGateway.producerSettings(new GuardConfig(Map.of()).producerProperties(),
                Duration.ofSeconds(10)).get("client.id")).isEqualTo("lockup-guard-pretrade");
    }

    @Test
    void shouldWaitToSendNoLongerThanTheCallerWaitsForItsDecision() {
        // given the default producer settings (a send waits 60 s for the topic's metadata), and a caller that waits
        // 10 s, and settings that say 2 s
        GuardConfig defaults = new GuardConfig(Map.of());
        GuardConfig quick = new GuardConfig(Map.of("producer.max.block.ms", "2000"));
        // when / then: a send waits as long as the caller does, or less when told
        assertThat(KafkaOrderGateway.producerSettings(defaults.producerProperties(), Duration.ofSeconds(10))
                .get("max.block.ms")).isEqualTo(10_000L);
        assertThat(KafkaOrderGateway.producerSettings(quick.producerProperties(), Duration.ofSeconds(10))
                .get("max.block.ms")).isEqualTo(2_000L);
    }

    @Test
    void shouldAnswerAnOrderItCannotSendWhileTheBrokersAreAwayWithinTheCallersWait() throws Exception {
        // given a gateway whose brokers do not answer (nothing listens there), and a caller that waits 1 s
        try (KafkaOrderGateway unreachable = gatewayToAbsentBrokers(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            // when an order is submitted
            CompletableFuture<Decision> decision = unreachable.submit(DecisionFeedTest.order("o1", 10));
            // then it fails as not sent within about the caller's wait, not after the producer's 60 s
            assertThatThrownBy(() -> decision.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
                    org.apache.kafka.common.errors.TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void shouldAnswerAnOrderWhoseThreadIsInterruptedWhileSendingAsNotSentByAStoppingGuard() {
        // given a gateway whose producer must wait for the orders topic's metadata (nothing listens there)
        try (KafkaOrderGateway unreachable = gatewayToAbsentBrokers(Duration.ofSeconds(5))) {
            // when an order is submitted on a request thread interrupted by a stop past its grace
            Submitted submitted = submitWhileInterrupted(unreachable, "o-6");

            // then its caller is told it was not sent because the guard is stopping (503), not that Kafka failed
            // (502), nobody waits for its decision, and the thread is still interrupted for the server to see
            assertNotSentByAStoppingGuard(submitted, "o-6");
        }
    }

    @Test
    void shouldAnswerAnOrderWhoseRegistryLookupIsInterruptedAsNotSentByAStoppingGuard() throws Exception {
        // given a gateway whose serializer must ask the schema registry for the order's schema id (the registry
        // takes the connection and does not answer)
        try (ServerSocket registry = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                    Map.of("schema.registry.url", "http://127.0.0.1:" + registry.getLocalPort()));
            KafkaOrderGateway serializing = new KafkaOrderGateway(topics, feed, producer,
                    topics.orders().valueSerde().serializer(), Duration.ofSeconds(10));

            // when an order is submitted on a request thread interrupted by a stop past its grace
            Submitted submitted = submitWhileInterrupted(serializing, "o-7");

            // then it is the stop's answer (503), not "the schema registry cannot be reached" (502), and nothing
            // was sent
            assertNotSentByAStoppingGuard(submitted, "o-7");
            assertThat(producer.history()).isEmpty();
        }
    }

    @Test
    void shouldAnswerAnOrderWhoseSchemaIdTheRegistryDoesNotGiveWithinTheCallersWaitAsNotSent() throws Exception {
        // given a gateway whose serializer must ask the schema registry for the order's schema id, a registry that
        // takes the connection and does not answer, and a caller that waits 1 s
        try (ServerSocket registry = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                    Map.of("schema.registry.url", "http://127.0.0.1:" + registry.getLocalPort()));
            MockProducer<String, byte[]> sending = new MockProducer<>(true, null, new StringSerializer(),
                    new ByteArraySerializer());
            CompletableFuture<Decision> decision;
            long start = System.nanoTime();
            try (KafkaOrderGateway serializing = new KafkaOrderGateway(topics, feed, sending,
                    topics.orders().valueSerde().serializer(), Duration.ofSeconds(1))) {
                // when an order is submitted
                decision = serializing.submit(DecisionFeedTest.order("o-8", 10));
            }

            // then its caller is told within its wait, not after the registry client's minutes, that it was not
            // sent, as a registry that cannot be reached is told (502); and nothing was sent, nor is waited for
            assertThat(decision).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                    .withMessage("the order's schema id was not had from the schema registry within 1000 ms "
                            + "(api.decision.timeout.ms); the order was not sent");
            assertThat(DecisionFeed.kind(decision.handle((d, failure) -> failure).get()))
                    .isEqualTo("the schema registry cannot be reached");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(sending.history()).isEmpty();
            assertThat(feed.waitingForDecisions()).isZero();
        }
    }

    /** A gateway with a real producer whose brokers are absent (nothing listens there), sending for {@code wait}. */
    private KafkaOrderGateway gatewayToAbsentBrokers(Duration wait) {
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:9", "schema.registry.url",
                "mock://gateway-test-" + UUID.randomUUID()));
        return new KafkaOrderGateway(config.producerProperties(), wait,
                GuardTopics.avro(config.topicNames(), config.serdeConfig()), feed);
    }

    /** What a submission gave, and whether its thread was still interrupted after it. */
    private record Submitted(CompletableFuture<Decision> decision, boolean stillInterrupted) {
    }

    private static Submitted submitWhileInterrupted(KafkaOrderGateway gateway, String orderId) {
        Thread.currentThread().interrupt();
        try {
            CompletableFuture<Decision> decision = gateway.submit(DecisionFeedTest.order(orderId, 10));
            return new Submitted(decision, Thread.interrupted());
        } finally {
            Thread.interrupted(); // the test's own thread goes on uninterrupted, whatever submit threw
        }
    }

    private void assertNotSentByAStoppingGuard(Submitted submitted, String orderId) {
        assertThatThrownBy(submitted.decision()::join).cause().isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("the guard is stopping; order " + orderId + " was not sent: send "
                    + "it to another instance, or again once this one is back");
        });
        assertThat(feed.waitingForDecisions()).isZero();
        assertThat(submitted.stillInterrupted()).isTrue();
    }

    @Test
    void shouldStartWithSettingsKafkaStreamsTakesThatAnIdempotentProducerRefuses() {
        // given the guard's settings for an at-least-once deployment that an idempotent producer refuses
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:9", "schema.registry.url",
                "mock://gateway-test-" + UUID.randomUUID(), "processing.guarantee", "at_least_once",
                "max.in.flight.requests.per.connection", "10", "retries", "0"));
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        // when the order gateway's producer is built from them, then it starts: the API's orders keep their
        // guarantees (idempotent, acks=all), not the stream threads' settings
        assertThatCode(() -> new KafkaOrderGateway(config.producerProperties(), Duration.ofSeconds(10), topics, feed)
                .close())
                .doesNotThrowAnyException();
    }
}
