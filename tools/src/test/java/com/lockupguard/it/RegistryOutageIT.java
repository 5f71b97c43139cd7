package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry outage: an order written with a schema version the guard has not seen arrives while the
 * registry is down. The stream thread fails (the order must not be skipped), waits for the registry, and only
 * then is replaced — once, not every few seconds with a restore each time — and the order is decided.
 */
@Timeout(240)
class RegistryOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path stateDir;

    @Test
    void shouldReplaceTheFailedThreadOnceWhenTheRegistryIsBack() throws Exception {
        // given a guard that reads the registry over HTTP, without retries, and producers sharing its schemas
        Scenario all = Scenario.random(41, 4, 60);
        String scope = "registry-outage-" + UUID.randomUUID();
        InMemorySchemaRegistry schemas = InMemorySchemaRegistry.scope(scope);
        SchemaRegistryServer registry = new SchemaRegistryServer.Builder(schemas).host("127.0.0.1").start();
        int port = URI.create(registry.url()).getPort();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> producerSettings = GuardInstance.settings(kafka, "guard-registry-outage", scope);
            Map<String, String> settings = new HashMap<>(producerSettings);
            settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            settings.put("max.retries", "0");
            BrokerIO io = new BrokerIO(producerSettings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(all);
                assertThat(io.awaitDecisions(60, Duration.ofSeconds(60))).hasSize(60);

                // when the registry goes away and an order arrives written with a newer schema version
                registry.close();
                TimelineEntry.OrderLine line = all.entries().stream().filter(TimelineEntry.OrderLine.class::isInstance)
                        .map(TimelineEntry.OrderLine.class::cast).reduce((first, last) -> last).orElseThrow();
                ProposedOrder order = ProposedOrder.newBuilder(line.order()).setOrderId("o-outage").build();
                sendWithNewerSchema(io, settings, schemas, order, line.at().plusSeconds(1).toEpochMilli());
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < outageEnds) {
                    Thread.sleep(500);
                }

                // then the thread failed once, and waits instead of being replaced over and over
                assertThat(guard.service().replacedThreads()).as("threads replaced during the outage").isEqualTo(1);
                assertThat(io.awaitDecisions(60, Duration.ZERO)).hasSize(60);

                // and when the registry is back, the order is decided, by the one replacement
                registry = new SchemaRegistryServer.Builder(schemas).host("127.0.0.1").port(port).start();
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(61, Duration.ofSeconds(90));
                assertThat(decisions).hasSize(61)
                        .filteredOn(d -> d.decision().getOrderId().equals("o-outage")).hasSize(1);
                assertThat(guard.service().replacedThreads()).isEqualTo(1);
            }
        } finally {
            registry.close();
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /**
     * Sends {@code order} as a producer would after adding an optional field to the order schema: a schema id the
     * guard has never read. The field is null, so the record is the usual encoding followed by a null branch.
     */
    private static void sendWithNewerSchema(BrokerIO io, Map<String, String> settings, InMemorySchemaRegistry schemas,
            ProposedOrder order, long timestamp) throws Exception {
        String topic = io.topics().names().orders();
        Schema newer = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString()
                .replaceFirst("]}$", ",{\"name\":\"desk\",\"type\":[\"null\",\"string\"],\"default\":null}]}"));
        int newerId = schemas.register(topic + "-value", newer);
        byte[] usual = io.topics().orders().valueSerde().serializer().serialize(topic, order);
        byte[] payload = Arrays.copyOfRange(usual, 5, usual.length);
        byte[] value = ByteBuffer.allocate(5 + payload.length + 1).put((byte) 0).putInt(newerId).put(payload)
                .put((byte) 0).array();
        Properties properties = new GuardConfig(settings).clientProperties();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, timestamp,
                    HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()), value)).get();
        }
    }
}
