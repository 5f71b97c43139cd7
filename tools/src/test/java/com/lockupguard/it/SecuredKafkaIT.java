package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardPermissions;
import com.lockupguard.app.GuardService;
import com.lockupguard.app.KafkaPermission;
import com.lockupguard.app.MissingPermissionException;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on a locked-down cluster: SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer, nothing
 * allowed without an ACL. With only the ACLs docs/SECURITY.md lists (GuardPermissions, which that list
 * is generated from) the real application — Kafka Streams, the API's live feed and order entry, over
 * https with bearer JWTs — decides every order exactly once, as the replay does; a trading desk
 * that may write orders cannot forge an approval; and a guard missing one ACL stops, naming it.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUARD = "lockup-guard";
    private static final String DESK = "trading-desk";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static TestIssuer issuer;
    private static SecuredKafka kafka;
    private static String scope;

    @BeforeAll
    static void startKafka() throws Exception {
        pki = TestPki.create("lockup-guard-test-ca");
        issuer = TestIssuer.rsa("guard-key");
        kafka = SecuredKafka.start(dir, pki);
        scope = "secured-" + UUID.randomUUID();
        // a trading desk (and compliance, for the agreements): it may write the inputs, nothing else
        kafka.createUser(DESK, "desk-password");
        kafka.grant(DESK, List.of(
                new KafkaPermission(AclOperation.WRITE, ResourceType.TOPIC, "orders", PatternType.LITERAL, "desk"),
                new KafkaPermission(AclOperation.WRITE, ResourceType.TOPIC, "agreements", PatternType.LITERAL,
                        "compliance")));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        InMemorySchemaRegistry.dropScope(scope);
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The guard's real settings for {@code user} on this cluster: SCRAM over TLS, and the test's speed-ups. */
    private static Map<String, String> guardSettings(String user, String applicationId) {
        Map<String, String> settings = kafka.scram(user, user + "-password");
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope);
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, "2");
        settings.put(GuardConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        settings.put(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        settings.put(GuardConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "10000");
        settings.put(GuardConfig.STATE_DIR_CONFIG, dir.resolve("state-" + applicationId).toString());
        settings.put("session.timeout.ms", "6000");
        settings.put("heartbeat.interval.ms", "1000");
        return settings;
    }

    /** Settings of another principal with the guard's topic names and registry (to produce or read). */
    private static Map<String, String> as(Map<String, String> credentials) {
        Map<String, String> settings = new HashMap<>(credentials);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope);
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        return settings;
    }

    @Test
    @Order(1)
    void shouldDecideEveryOrderExactlyOnceWithOnlyTheAclsReadmeLists() throws Exception {
        // given the guard's principal with exactly the ACLs `config --acls` prints (docs/SECURITY.md's list), serving
        // its API over https to bearer JWTs
        Map<String, String> settings = guardSettings(GUARD, GUARD);
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
        settings.put(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG, TestPki.writeKeyStore(dir.resolve("http.p12"),
                "PKCS12", "http-pass", "http-pass", pki.localhost()).toString());
        settings.put(GuardConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, "http-pass");
        settings.put(GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG, issuer.writeJwks(dir.resolve("jwks.json")).toString());
        settings.put(GuardConfig.API_AUTH_JWT_ISSUER_CONFIG, TestIssuer.ISSUER);
        settings.put(GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG, TestIssuer.AUDIENCE);
        settings.put(GuardConfig.INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG, "1000");
        GuardConfig config = new GuardConfig(settings);
        kafka.createUser(GUARD, GUARD + "-password");
        kafka.grant(GUARD, GuardPermissions.required(config));
        Scenario scenario = Scenario.random(13, 4, 80);

        try (GuardApplication guard = GuardApplication.start(config)) {
            assertThat(guard.service().awaitRunning(Duration.ofSeconds(60))).as("%s", guard.service().failure())
                    .isTrue();

            // when the desk sends the timeline
            BrokerIO reader = new BrokerIO(as(kafka.superUser()));
            new BrokerIO(as(kafka.scram(DESK, "desk-password"))).produce(scenario, reader);

            // then each order is decided once, as the replay decides it (read by the super user, read_committed)
            List<DecisionReader.DecisionRecord> decisions = reader.awaitDecisions(scenario.orderCount(),
                    Duration.ofSeconds(60));
            BrokerIO.assertEachOrderDecidedOnce(decisions, scenario.orderCount());
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));

            // and what waits on its inputs is read from the cluster under the same ACLs: nothing, once decided
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(guard.metrics().scrape())
                    .contains("lockup_guard_input_lag{partition=\"0\",topic=\"" + config.topicNames().orders()
                            + "\"} 0.0")
                    .contains("lockup_guard_input_wait_seconds{partition=\"1\",topic=\""
                            + config.topicNames().agreements() + "\"} 0.0"));

            // and the API works under the same ACLs, over https, for a token with the roles
            HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
            String base = "https://localhost:" + guard.httpPort();
            String token = issuer.token().sign();
            HttpResponse<String> holdings = https.send(HttpRequest.newBuilder(URI.create(base + "/api/holdings"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(holdings.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(holdings.body())).hasSize(4);
            assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/api/holdings")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            HttpResponse<String> order = https.send(HttpRequest.newBuilder(URI.create(base + "/api/orders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"api-1\",\"investorId\":\"investor-0\","
                            + "\"securityId\":\"SEC\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(order.statusCode()).as(order.body()).isEqualTo(200);
            JsonNode decision = JSON.readTree(order.body());
            assertThat(decision.get("orderId").asText()).isEqualTo("api-1");
            assertThat(decision.get("decision").asText()).isIn("APPROVED", "BLOCKED");
        }
    }

    @Test
    @Order(2)
    void shouldStopAPrincipalWithoutWriteOnOrdersApprovedFromForgingAnApproval() throws Exception {
        // given the trading desk, which may write orders: it tries to write an approval itself
        Properties producer = new Properties();
        producer.putAll(kafka.scram(DESK, "desk-password"));
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        byte[] forged = "FORGED-APPROVAL".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // when / then Kafka refuses it
        try (KafkaProducer<String, byte[]> desk = new KafkaProducer<>(producer, new StringSerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> desk.send(new ProducerRecord<>("orders-approved", "investor-0/SEC", forged))
                    .get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("orders-approved");
        }
        // and nothing of it is on the topic, committed or not
        Properties consumer = new Properties();
        consumer.putAll(kafka.superUser());
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> approvals = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = approvals.partitionsFor("orders-approved").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            approvals.assign(partitions);
            approvals.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = approvals.endOffsets(partitions);
            List<byte[]> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                approvals.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return partitions.stream().allMatch(p -> approvals.position(p) >= end.get(p));
            });
            assertThat(values).noneMatch(v -> java.util.Arrays.equals(v, forged));
        }
    }

    /**
     * Starts a guard of its own (principal, application id, topics) with every ACL it needs but those
     * {@code omitted}, and returns why it stopped: at start, or when Kafka Streams met the refusal.
     */
    private static String whyItStopsWithout(String name, Predicate<KafkaPermission> omitted) throws Exception {
        String user = "guard-" + name;
        Map<String, String> settings = GuardInstance.withTopicPrefix(guardSettings(user, user), name + "-");
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
        GuardConfig config = new GuardConfig(settings);
        List<KafkaPermission> granted = GuardPermissions.required(config).stream().filter(omitted.negate()).toList();
        assertThat(granted).hasSizeLessThan(GuardPermissions.required(config).size());
        kafka.createUser(user, user + "-password");
        kafka.grant(user, granted);
        GuardService service = GuardService.create(config, DecisionObserver.NONE);
        try {
            service.start();
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).as("a guard without " + name).isFalse();
            String why = service.failure().orElseThrow(() -> new AssertionError("stopped (" + service.state()
                    + ") without saying why"));
            // what /health/ready tells a caller without the read role: the kind, naming neither principal nor topic
            assertThat(service.failureKind()).hasValue("Kafka denies the guard a permission it needs");
            // and it has stopped for good: `run`, which waits for that, exits with the reason rather than hang
            java.util.concurrent.CompletableFuture<Void> terminated = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        try {
                            service.awaitTermination();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            await("a guard without " + name + " terminates").atMost(Duration.ofSeconds(30))
                    .until(terminated::isDone);
            return why;
        } catch (MissingPermissionException e) {
            return e.getMessage();
        } finally {
            service.close();
        }
    }

    private static Predicate<KafkaPermission> is(AclOperation operation, ResourceType type, String name) {
        return p -> p.operation() == operation && p.resourceType() == type && p.name().equals(name);
    }

    @Test
    @Order(3)
    void shouldRefuseToStartWithoutWriteOnAnOutputNamingIt() throws Exception {
        String why = whyItStopsWithout("nowrite", is(AclOperation.WRITE, ResourceType.TOPIC, "nowrite-orders-approved"));
        assertThat(why).startsWith("principal User:guard-nowrite needs WRITE on TOPIC 'nowrite-orders-approved' "
                + "(LITERAL)").contains("--operation Write --topic nowrite-orders-approved");
    }

    @Test
    @Order(4)
    void shouldStopWithoutReadOnItsConsumerGroupNamingIt() throws Exception {
        String why = whyItStopsWithout("nogroup", is(AclOperation.READ, ResourceType.GROUP, "guard-nogroup"));
        assertThat(why).startsWith("principal User:guard-nogroup needs READ on GROUP 'guard-nogroup' (LITERAL)")
                .contains("--operation Read --group guard-nogroup");
    }

    @Test
    @Order(5)
    void shouldStopWithoutWriteOnItsTransactionalIdsNamingThePrefix() throws Exception {
        String why = whyItStopsWithout("notxn", is(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, "guard-notxn-"));
        assertThat(why).startsWith("principal User:guard-notxn needs WRITE on TRANSACTIONAL_ID 'guard-notxn-' "
                + "(PREFIXED)").contains("--resource-pattern-type prefixed --transactional-id guard-notxn-");
    }

    @Test
    @Order(6)
    void shouldStopWithoutCreateOnItsInternalTopicsNamingThePrefix() throws Exception {
        String why = whyItStopsWithout("nocreate", is(AclOperation.CREATE, ResourceType.TOPIC, "guard-nocreate-"));
        assertThat(why).startsWith("principal User:guard-nocreate needs CREATE on TOPIC 'guard-nocreate-' "
                + "(PREFIXED)");
    }

    @Test
    @Order(7)
    void shouldRefuseToStartWithoutCreateOnATopicItMustCreateNamingIt() throws Exception {
        String why = whyItStopsWithout("nocreatetopic", is(AclOperation.CREATE, ResourceType.TOPIC,
                "nocreatetopic-orders-blocked"));
        assertThat(why).startsWith("principal User:guard-nocreatetopic needs CREATE on TOPIC "
                + "'nocreatetopic-orders-blocked' (LITERAL)").contains("--operation Create --topic "
                        + "nocreatetopic-orders-blocked");
    }

    @Test
    @Order(8)
    void shouldFailConfigCheckWhenKafkaRefusesTheLoginRatherThanPassItAsNotAnswering() throws Exception {
        // given the guard's settings with a password the cluster does not take
        Map<String, String> settings = guardSettings(GUARD, "guard-wrong-password");
        settings.putAll(kafka.scram(GUARD, "not-the-password"));

        // when config --check is run, as a deployment gate
        StringWriter out = new StringWriter();
        int exit = ConfigCheck.run(settings, out);

        // then it fails, saying Kafka refused: only a cluster that does not answer passes unchecked (seen: exit 0)
        assertThat(out.toString()).contains("# topics not checked: Kafka refused the connection");
        assertThat(exit).isEqualTo(1);
    }
}
