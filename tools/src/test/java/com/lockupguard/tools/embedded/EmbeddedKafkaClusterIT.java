package com.lockupguard.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbeddedKafkaClusterIT {

    @Test
    @Timeout(120)
    void shouldServeProduceAndConsumeOnSingleCombinedNode() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1, Map.of())) {
            roundTrip(cluster, "smoke", (short) 1);
        }
    }

    @Test
    @Timeout(120)
    void shouldListenOnTheChosenPortAndRefuseItToASecondCluster() throws Exception {
        // given a port free a moment ago
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        // when a cluster is started on it
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1, port, Map.of())) {
            // then it serves there
            assertThat(cluster.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            roundTrip(cluster, "on-a-chosen-port", (short) 1);
            // and a second cluster on the same port is refused before it formats or starts anything
            Throwable second = catchThrowable(() -> EmbeddedKafkaCluster.start(1, port, Map.of()).close());
            assertThat(second).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("port " + port + " of 127.0.0.1 is in use");
        }
    }

    @Test
    @Timeout(180)
    void shouldKeepServingWhileOneOfThreeBrokersIsDown() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3, Map.of())) {
            roundTrip(cluster, "replicated", (short) 3);
            cluster.stopBroker(2);
            roundTrip(cluster, "replicated", (short) 3);
            cluster.startBroker(2);
            cluster.awaitBrokers(3, Duration.ofSeconds(60));
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
        }
    }

    @Test
    @Timeout(120)
    void shouldFailAtOnceWithTheCauseWhenABrokerCannotStart() {
        // given a broker setting the broker refuses (at least one I/O thread is needed)
        Map<String, String> refused = Map.of("num.io.threads", "0");
        // when the single node is started with it
        long started = System.nanoTime();
        Throwable failure = catchThrowable(() -> EmbeddedKafkaCluster.start(1, refused).close());
        // then the start fails with the broker's own reason, without first waiting for a broker that never comes
        assertThat(failure).isNotNull();
        assertThat(failure).hasRootCauseInstanceOf(ConfigException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    /** Writes a record of its own to {@code topic} and reads it back: that one, not an earlier call's. */
    private static void roundTrip(EmbeddedKafkaCluster cluster, String topic, short replication) throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, replication))).all().get();
            }
        }
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.allBootstrapServers());
        String value = "v-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.allBootstrapServers());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + System.nanoTime());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            List<String> seen = new ArrayList<>();
            while (!seen.contains(value) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> seen.add(record.value()));
            }
            assertThat(seen).contains(value);
        }
    }
}
