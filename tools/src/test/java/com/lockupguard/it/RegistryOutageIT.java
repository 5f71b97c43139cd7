package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry fails the guard while an order written with a schema version the guard has not seen
 * arrives. The order must not be skipped, so the stream thread fails. When the registry is down, the thread
 * waits for it and only then is replaced — once, not every few seconds with a restore each time — and the
 * order is decided. When the registry refuses the guard's credentials, the guard stops and says why.
 */
@Timeout(240)
class RegistryOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path stateDir;

    @Test
    void shouldReplaceTheFailedThreadOnceWhenTheRegistryIsBack() throws Exception {
        withGuardAfterSixtyDecisions(41, (guard, io, registry) -> {
            // when the registry goes away and an order arrives written with a newer schema version
            registry.stop();
            sendWithNewerSchema(io, registry.schemas(), outageOrder(io.scenario()));
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < outageEnds) {
                Thread.sleep(500);
            }

            // then the thread failed once, and waits instead of being replaced over and over
            assertThat(guard.service().replacedThreads()).as("threads replaced during the outage").isEqualTo(1);
            assertThat(io.brokerIO().awaitDecisions(60, Duration.ZERO)).hasSize(60);
            // and meanwhile the guard is not ready, though Kafka Streams still says RUNNING
            assertThat(guard.service().awaitingRegistry()).isTrue();
            assertThat(guard.service().isReady()).as("ready while its failed thread waits for the registry")
                    .isFalse();

            // and when the registry is back, the order is decided, by the one replacement
            registry.restart(null);
            List<DecisionReader.DecisionRecord> decisions = io.brokerIO().awaitDecisions(61, Duration.ofSeconds(90));
            assertThat(decisions).hasSize(61)
                    .filteredOn(d -> d.decision().getOrderId().equals("o-outage")).hasSize(1);
            assertThat(guard.service().replacedThreads()).isEqualTo(1);
            assertThat(guard.service().awaitingRegistry()).isFalse();
        });
    }

    @Test
    void shouldStopSayingWhyWhenTheRegistryRefusesTheGuardsCredentials() throws Exception {
        withGuardAfterSixtyDecisions(43, (guard, io, registry) -> {
            // when the registry starts asking for credentials the guard does not have, and an order arrives
            // written with a newer schema version
            registry.restart("desk:only-the-desk-has-these");
            sendWithNewerSchema(io, registry.schemas(), outageOrder(io.scenario()));

            // then the guard stops, naming the refusal, instead of replacing its thread over and over
            await().atMost(Duration.ofSeconds(60)).until(() -> guard.service().state() == KafkaStreams.State.ERROR
                    || guard.service().state() == KafkaStreams.State.NOT_RUNNING);
            assertThat(guard.service().failure()).get(InstanceOfAssertFactories.STRING)
                    .contains("refused the credentials");
            assertThat(guard.service().failureKind())
                    .hasValue("the schema registry refused the guard's credentials");
            assertThat(guard.service().replacedThreads()).isZero();
            // and the order was neither dead-lettered (a person fixes the credentials, and it is read again) nor decided
            assertThat(io.brokerIO().awaitValues(io.brokerIO().topics().deadLetters(), 0, Duration.ofSeconds(5)))
                    .isEmpty();
            assertThat(io.brokerIO().awaitDecisions(60, Duration.ZERO)).hasSize(60);
        });
    }

    private interface GuardTest {
        void run(GuardInstance guard, Producers io, Registry registry) throws Exception;
    }

    /** The producers' side of the test: a scenario, sent through the in-memory registry the HTTP one serves. */
    private record Producers(Scenario scenario, BrokerIO brokerIO, Map<String, String> settings) {
    }

    /** The HTTP registry the guard reads, over the producers' in-memory one; stopped and restarted on its port. */
    private static final class Registry implements AutoCloseable {
        private final InMemorySchemaRegistry schemas;
        private SchemaRegistryServer server;
        private final int port;

        Registry(InMemorySchemaRegistry schemas) throws java.io.IOException {
            this.schemas = schemas;
            this.server = new SchemaRegistryServer.Builder(schemas).host("127.0.0.1").start();
            this.port = URI.create(server.url()).getPort();
        }

        InMemorySchemaRegistry schemas() {
            return schemas;
        }

        String url() {
            return server.url();
        }

        void stop() {
            server.close();
        }

        /** Serves again on the same port, asking for {@code basicAuth} (user:password) when it is not null. */
        void restart(String basicAuth) throws java.io.IOException {
            server.close();
            SchemaRegistryServer.Builder builder = new SchemaRegistryServer.Builder(schemas).host("127.0.0.1").port(port);
            server = (basicAuth == null ? builder : builder.basicAuth(basicAuth)).start();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * Starts a guard that reads the registry over HTTP, without retries, while producers write through the
     * in-memory registry behind it; sends a random scenario of 4 holdings and 60 orders and waits for its
     * decisions; then runs {@code test}.
     */
    private void withGuardAfterSixtyDecisions(long seed, GuardTest test) throws Exception {
        Scenario all = Scenario.random(seed, 4, 60);
        String scope = "registry-outage-" + UUID.randomUUID();
        try (Registry registry = new Registry(InMemorySchemaRegistry.scope(scope));
                TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> producerSettings = GuardInstance.settings(kafka, "guard-registry-outage", scope);
            Map<String, String> settings = new HashMap<>(producerSettings);
            settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            settings.put("max.retries", "0");
            BrokerIO io = new BrokerIO(producerSettings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(all);
                assertThat(io.awaitDecisions(60, Duration.ofSeconds(60))).hasSize(60);
                test.run(guard, new Producers(all, io, producerSettings), registry);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** An order as its producer keys and stamps it. */
    private record Order(String key, long timestamp, ProposedOrder value) {
    }

    /** The scenario's last order again, under a new id a moment later. */
    private static Order outageOrder(Scenario scenario) {
        TimelineEntry.OrderLine line = scenario.entries().stream().filter(TimelineEntry.OrderLine.class::isInstance)
                .map(TimelineEntry.OrderLine.class::cast).reduce((first, last) -> last).orElseThrow();
        ProposedOrder order = ProposedOrder.newBuilder(line.order()).setOrderId("o-outage").build();
        return new Order(HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()),
                line.at().plusSeconds(1).toEpochMilli(), order);
    }

    /**
     * Sends {@code order} as a producer would after adding an optional field to the order schema: a schema id the
     * guard has never read. The field is null, so the record is the usual encoding followed by a null branch.
     */
    private static void sendWithNewerSchema(Producers io, InMemorySchemaRegistry schemas,
            Order order) throws Exception {
        String topic = io.brokerIO().topics().names().orders();
        Schema newer = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString()
                .replaceFirst("]}$", ",{\"name\":\"desk\",\"type\":[\"null\",\"string\"],\"default\":null}]}"));
        int newerId = schemas.register(topic + "-value", newer);
        byte[] usual = io.brokerIO().topics().orders().valueSerde().serializer().serialize(topic, order.value());
        byte[] payload = Arrays.copyOfRange(usual, 5, usual.length);
        byte[] value = ByteBuffer.allocate(5 + payload.length + 1).put((byte) 0).putInt(newerId).put(payload)
                .put((byte) 0).array();
        Properties properties = new GuardConfig(io.settings()).clientProperties();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, order.timestamp(), order.key(), value)).get();
        }
    }
}
