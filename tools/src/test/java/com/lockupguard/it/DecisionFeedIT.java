package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API's decision feed on a real broker: each of two concurrent orders with one id gets its own
 * decision, and a record the feed cannot decode does not stop it.
 */
@Timeout(300)
class DecisionFeedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestKafka kafka;
    private static String scope;
    private static GuardApplication guard;
    private static Map<String, String> settings;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestKafka.start(1);
        scope = "feed-" + UUID.randomUUID();
        settings = GuardInstance.settings(kafka, "guard-feed", scope);
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
        // the clients' metadata, where Kafka Streams and the feed see partitions added to a topic, every second
        settings.put("metadata.max.age.ms", "1000");
        settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
        BrokerIO io = new BrokerIO(settings);
        io.createTopics();
        io.produce(Scenario.random(5, 4, 0)); // 4 holdings, their agreements registered in 2003
        guard = GuardApplication.start(new GuardConfig(settings));
        assertThat(guard.service().awaitRunning(Duration.ofSeconds(90))).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/health/ready").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (guard != null) {
            guard.close();
        }
        InMemorySchemaRegistry.dropScope(scope);
        if (kafka != null) {
            kafka.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guard.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guard.httpPort() + "/api/orders"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String order(String id, String investor, long quantity) {
        return "{\"orderId\":\"" + id + "\",\"investorId\":\"" + investor + "\",\"securityId\":\"SEC\","
                + "\"kind\":\"PUBLIC_SALE\",\"quantity\":" + quantity + "}";
    }

    @Test
    void shouldAnswerTwoConcurrentOrdersWithOneIdEachWithItsOwnDecision() throws Exception {
        // given: two orders with one id, 10 and 20 shares
        CompletableFuture<HttpResponse<String>> ten = CompletableFuture.supplyAsync(() -> post(order("c1",
                "investor-1", 10)));
        CompletableFuture<HttpResponse<String>> twenty = CompletableFuture.supplyAsync(() -> post(order("c1",
                "investor-1", 20)));

        // when both are answered
        JsonNode tenAnswer = JSON.readTree(ten.get().body());
        JsonNode twentyAnswer = JSON.readTree(twenty.get().body());
        assertThat(ten.get().statusCode()).isEqualTo(200);
        assertThat(twenty.get().statusCode()).isEqualTo(200);

        // then each got its own order's decision: whichever came first approved, the other blocked as a reused id
        assertThat(tenAnswer.get("quantity").asLong()).isEqualTo(10);
        assertThat(twentyAnswer.get("quantity").asLong()).isEqualTo(20);
        JsonNode approved = tenAnswer.get("decision").asText().equals("APPROVED") ? tenAnswer : twentyAnswer;
        JsonNode blocked = approved == tenAnswer ? twentyAnswer : tenAnswer;
        assertThat(approved.get("decision").asText()).isEqualTo("APPROVED");
        assertThat(blocked.get("decision").asText()).isEqualTo("BLOCKED");
        assertThat(blocked.get("reasons")).extracting(JsonNode::asText).containsExactly("DUPLICATE_ORDER_ID");

        // and a resend of the approved one gets its decision again, marked as repeated
        JsonNode resent = JSON.readTree(post(order("c1", "investor-1", approved.get("quantity").asLong())).body());
        assertThat(resent.get("repeated").asBoolean()).isTrue();
        assertThat(resent.get("decision").asText()).isEqualTo("APPROVED");
        assertThat(resent.get("quantity")).isEqualTo(approved.get("quantity"));
    }

    @Test
    void shouldAnswerOrdersWhoseDecisionsGoToPartitionsAddedToTheDecisionTopicsWhileItRuns() throws Exception {
        GuardConfig config = new GuardConfig(settings);
        String approved = config.topicNames().approved();
        String blocked = config.topicNames().blocked();
        try (Admin admin = Admin.create(config.adminProperties())) {
            // given partitions added to both decision topics while the guard runs, three times as many
            int before = admin.describeTopics(List.of(blocked)).allTopicNames().get().get(blocked).partitions().size();
            admin.createPartitions(Map.of(approved, NewPartitions.increaseTo(3 * before), blocked,
                    NewPartitions.increaseTo(3 * before))).all().get();

            // when orders for holdings with no agreement are sent, one after another, until Kafka Streams has written
            // five of their (blocked) decisions to the added partitions
            long onAdded = 0;
            int sent = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (onAdded < 5 && System.nanoTime() < deadline) {
                HttpResponse<String> answer = post(order("moved-" + sent, "moved-" + sent, 10));

                // then each is answered with its decision, those read from the added partitions too (the feed read
                // only the partitions it was first given: each of those orders timed out 504, and its resend too)
                assertThat(answer.statusCode()).as("order %d: %s", sent, answer.body()).isEqualTo(200);
                sent++;
                onAdded = recordsFrom(admin, blocked, before);
            }
            assertThat(onAdded).as("decisions written to the added partitions").isGreaterThanOrEqualTo(5);
        }
    }

    /** How many records {@code topic}'s partitions from number {@code first} hold. */
    private static long recordsFrom(Admin admin, String topic, int first) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = first; partition < partitions; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    @Test
    void shouldGoOnDecidingAfterARecordTheFeedCannotDecode() throws Exception {
        // given: an alert whose schema id the registry does not know
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("compliance-alerts", "x/y", new byte[] {0, 0, 0, 0, 99, 1, 2})).get();
        }

        // when an order comes after it
        HttpResponse<String> answer = post(order("after-poison", "investor-2", 10));

        // then it is answered, and the guard stays ready
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("orderId").asText()).isEqualTo("after-poison");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }
}
