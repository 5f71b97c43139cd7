package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.topology.StoreNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of two guard instances on a real broker, as production runs it — https with a
 * certificate of a test CA, bearer JWTs, instances calling each other over https with the service
 * token: the pre-trade check, what-if, holdings and their open reservations fetched from the
 * instance that owns them, recent decisions, the compliance alert of an unapproved fill, and 503s
 * while the group rebalances.
 */
@Timeout(300)
class HttpApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpClient http;
    private static String token;
    private static TestKafka kafka;
    private static String scope;
    private static Map<String, String> settings;

    @TempDir
    static Path stateDirs;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start(1);
        scope = "http-" + UUID.randomUUID();
        settings = GuardInstance.settings(kafka, "guard-http", scope);
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
        // https with a certificate for 127.0.0.1 (what each instance advertises), trusted by the other
        TestPki pki = TestPki.create("http-it-ca");
        settings.put(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG, TestPki.writeKeyStore(
                stateDirs.resolve("http.p12"), "PKCS12", "http-pass", "http-pass", pki.localhost()).toString());
        settings.put(GuardConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, "http-pass");
        settings.put(GuardConfig.HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG,
                pki.writeTrustStore(stateDirs.resolve("trust.p12"), "PKCS12", "trust-pass").toString());
        settings.put(GuardConfig.HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG, "trust-pass");
        // bearer JWTs for callers, a service token between instances
        TestIssuer issuer = TestIssuer.rsa("http-it");
        settings.put(GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG, issuer.writeJwks(stateDirs.resolve("jwks.json"))
                .toString());
        settings.put(GuardConfig.API_AUTH_JWT_ISSUER_CONFIG, TestIssuer.ISSUER);
        settings.put(GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG, TestIssuer.AUDIENCE);
        settings.put(GuardConfig.API_SERVICE_TOKEN_CONFIG, "instances-of-guard-http");
        token = issuer.token().expiresAt(Instant.now().plus(Duration.ofHours(1))).sign();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(pki.clientContext()).build();
        // 8 holdings, their agreements registered in 2003; the orders below come now
        BrokerIO io = new BrokerIO(settings);
        io.createTopics();
        io.produce(Scenario.random(5, 8, 0));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        InMemorySchemaRegistry.dropScope(scope);
        if (kafka != null) {
            kafka.close();
        }
    }

    private static GuardApplication start(String name) throws Exception {
        return start(name, Map.of());
    }

    private static GuardApplication start(String name, Map<String, String> extra) throws Exception {
        Map<String, String> own = new HashMap<>(settings);
        own.putAll(extra);
        own.put(GuardConfig.STATE_DIR_CONFIG, stateDirs.resolve(name).toString());
        GuardApplication application = GuardApplication.start(new GuardConfig(own));
        assertThat(application.service().awaitRunning(Duration.ofSeconds(90))).isTrue();
        return application;
    }

    private static HttpResponse<String> get(GuardApplication instance, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + instance.httpPort() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(GuardApplication instance, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + instance.httpPort() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String order(String id, String investor, String kind, long quantity) {
        return "{\"orderId\":\"" + id + "\",\"investorId\":\"" + investor + "\",\"securityId\":\"SEC\",\"kind\":\""
                + kind + "\",\"quantity\":" + quantity + "}";
    }

    /** The instance (host:port) that owns a holding now, according to Kafka Streams. */
    private static String owner(GuardApplication instance, String holding) {
        KeyQueryMetadata metadata = instance.service().streams().queryMetadataForKey(StoreNames.HOLDING_STATE, holding,
                Serdes.String().serializer());
        return metadata.activeHost().host() + ":" + metadata.activeHost().port();
    }

    private static String self(GuardApplication instance) {
        return "127.0.0.1:" + instance.httpPort();
    }

    @Test
    void shouldServeEveryEndpointAcrossTwoInstances() throws Exception {
        try (GuardApplication a = start("a"); GuardApplication b = start("b")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> a.service().isReady() && b.service().isReady()
                    && get(a, "/health/ready").statusCode() == 200 && get(b, "/health/ready").statusCode() == 200);
            // a holding owned by b, asked of a
            String remoteHolding = null;
            for (int h = 0; h < 8 && remoteHolding == null; h++) {
                if (owner(a, "investor-" + h + "/SEC").equals(self(b))) {
                    remoteHolding = "investor-" + h;
                }
            }
            assertThat(remoteHolding).as("with 4 partitions over two instances, b owns a holding").isNotNull();

            // without a token, nothing; with one, everything below (b answers a's forwarded requests: a sends the
            // service token over https)
            assertThat(http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + a.httpPort()
                    + "/api/holdings")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

            // GET /api/holdings on a lists all 8, merged from both instances
            HttpResponse<String> all = get(a, "/api/holdings");
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(all.body())).hasSize(8);

            // GET /api/holdings/{i}/{s} on a, for b's holding, is fetched from b
            HttpResponse<String> one = get(a, "/api/holdings/" + remoteHolding + "/SEC");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            JsonNode before = JSON.readTree(one.body());
            assertThat(before.get("investorId").asText()).isEqualTo(remoteHolding);
            assertThat(before.get("phase").asText()).as("2003's agreement, now").isEqualTo("PERIOD");

            // POST /api/what-if on a, for b's holding, is answered by b from its state and records nothing
            HttpResponse<String> whatIf = post(a, "/api/what-if", order("w1", remoteHolding, "PUBLIC_SALE", 10));
            assertThat(whatIf.statusCode()).isEqualTo(200);
            assertThat(whatIf.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            assertThat(JSON.readTree(whatIf.body()).get("decision").asText()).isEqualTo("APPROVED");
            long allowedBefore = JSON.readTree(whatIf.body()).get("maxAllowedNow").asLong();
            JsonNode after = JSON.readTree(get(a, "/api/holdings/" + remoteHolding + "/SEC").body());
            assertThat(after.get("soldToDate")).isEqualTo(before.get("soldToDate"));
            assertThat(after.get("reservedNow")).isEqualTo(before.get("reservedNow"));

            // POST /api/orders on a returns the committed decision, and its position moves: the approval is
            // reserved, not sold (RULES.md section 9)
            HttpResponse<String> submitted = post(a, "/api/orders", order("p1", remoteHolding, "PUBLIC_SALE", 10));
            assertThat(submitted.statusCode()).isEqualTo(200);
            JsonNode decision = JSON.readTree(submitted.body());
            assertThat(decision.get("orderId").asText()).isEqualTo("p1");
            assertThat(decision.get("decision").asText()).isEqualTo("APPROVED");
            assertThat(decision.get("position").get("soldToDate").asLong())
                    .isEqualTo(before.get("soldToDate").asLong());
            assertThat(decision.get("position").get("reservedNow").asLong())
                    .as("approved: reserved until its fills are reported")
                    .isEqualTo(before.get("reservedNow").asLong() + 10);
            // a retry of the same order gets the same decision, marked as repeated
            assertThat(decision.get("repeated").asBoolean()).isFalse();
            assertThat(JSON.readTree(post(b, "/api/orders", order("p1", remoteHolding, "PUBLIC_SALE", 10)).body()))
                    .isEqualTo(((ObjectNode) decision.deepCopy()).put("repeated", true));

            // a what-if after the approval, on a, sees the capacity its open reservation holds
            JsonNode whatIfAfter = JSON.readTree(post(a, "/api/what-if", order("w2", remoteHolding, "PUBLIC_SALE", 10))
                    .body());
            assertThat(whatIfAfter.get("maxAllowedNow").asLong()).isEqualTo(allowedBefore - 10);
            assertThat(whatIfAfter.get("position").get("reservedNow").asLong()).as("p1's, and its own as if approved")
                    .isEqualTo(20);
            assertThat(JSON.readTree(get(a, "/api/holdings/" + remoteHolding + "/SEC").body()).get("reservedNow")
                    .asLong()).as("a what-if records nothing").isEqualTo(10);

            // GET /api/holdings/{i}/{s}/reservations on a, for b's holding, is answered by b: p1, nothing filled yet
            HttpResponse<String> reservations = get(a, "/api/holdings/" + remoteHolding + "/SEC/reservations");
            assertThat(reservations.statusCode()).isEqualTo(200);
            assertThat(reservations.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            JsonNode open = JSON.readTree(reservations.body());
            assertThat(open).hasSize(1);
            assertThat(open.get(0).get("orderId").asText()).isEqualTo("p1");
            assertThat(open.get(0).get("kind").asText()).isEqualTo("PUBLIC_SALE");
            assertThat(open.get(0).get("quantity").asLong()).isEqualTo(10);
            assertThat(open.get(0).get("taken").asLong()).isZero();
            assertThat(open.get(0).get("rest").asLong()).isEqualTo(10);
            assertThat(open.get(0).get("ageSeconds").asLong()).isBetween(0L, 300L);
            HttpResponse<String> ownerLocal = get(b, "/api/holdings/" + remoteHolding + "/SEC/reservations?local=true");
            assertThat(ownerLocal.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            assertThat(JSON.readTree(ownerLocal.body()).get(0).get("orderId").asText()).isEqualTo("p1");
            assertThat(get(a, "/api/holdings/nobody/SEC/reservations").statusCode()).isEqualTo(404);

            // GET /api/holdings/{i}/{s}/orders/{orderId} on a, for b's holding, is answered by b: p1's decision as
            // written, its reservation open; an order the guard never decided is 404
            HttpResponse<String> lookedUp = get(a, "/api/holdings/" + remoteHolding + "/SEC/orders/p1");
            assertThat(lookedUp.statusCode()).isEqualTo(200);
            assertThat(lookedUp.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            JsonNode p1 = JSON.readTree(lookedUp.body());
            assertThat(p1.get("decision")).isEqualTo(decision);
            assertThat(p1.get("reservationStatus").asText()).isEqualTo("OPEN");
            assertThat(p1.get("reservation").get("rest").asLong()).isEqualTo(10);
            assertThat(get(a, "/api/holdings/" + remoteHolding + "/SEC/orders/w1").statusCode())
                    .as("a what-if is not an order").isEqualTo(404);

            // GET /api/holdings/{i}/{s}/agreement on a, for b's holding, is answered by b: the version decisions cite
            HttpResponse<String> agreement = get(a, "/api/holdings/" + remoteHolding + "/SEC/agreement");
            assertThat(agreement.statusCode()).isEqualTo(200);
            assertThat(agreement.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(b));
            assertThat(JSON.readTree(agreement.body()).get("termsHash").asText())
                    .isEqualTo(whatIfAfter.get("termsHash").asText());

            // a fill of an order the guard never approved, sent through the orders topic, is counted as sold
            // and raises an alert that every instance lists
            new BrokerIO(settings).produce(Scenario.of(List.of("{\"type\":\"execution\",\"at\":\"" + Instant.now()
                    + "\",\"executionId\":\"x-unapproved\",\"orderId\":\"never-asked\",\"investorId\":\""
                    + remoteHolding + "\",\"securityId\":\"SEC\",\"kind\":\"FILL\",\"quantity\":5}")));
            String alertsPath = "/api/alerts?investorId=" + remoteHolding + "&securityId=SEC";
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(get(a, alertsPath).body()).size() == 1);
            JsonNode alert = JSON.readTree(get(a, alertsPath).body()).get(0);
            assertThat(alert.get("executionId").asText()).isEqualTo("x-unapproved");
            assertThat(alert.get("orderId").asText()).isEqualTo("never-asked");
            assertThat(alert.get("type").asText()).isEqualTo("UNAPPROVED_SALE");
            assertThat(alert.get("quantity").asLong()).isEqualTo(5);
            assertThat(alert.get("breachesAgreement").asBoolean()).as("5 shares, with %s allowed now",
                    alert.get("allowedNow")).isFalse();
            assertThat(alert.get("position").get("reservedNow").asLong()).isEqualTo(10);
            assertThat(alert.get("position").get("soldToDate").asLong()).isEqualTo(before.get("soldToDate").asLong() + 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(b, alertsPath).body()).size() == 1);
            assertThat(JSON.readTree(get(a, "/api/alerts?investorId=" + remoteHolding + "&securityId=OTHER").body()))
                    .isEmpty();
            // and so does GET /api/reports, the fill's result beside its alert, on both instances
            String reportsPath = "/api/reports?investorId=" + remoteHolding + "&securityId=SEC";
            for (GuardApplication instance : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(instance, reportsPath).body())
                        .size() == 1);
                JsonNode report = JSON.readTree(get(instance, reportsPath).body()).get(0);
                assertThat(report.get("executionId").asText()).isEqualTo("x-unapproved");
                assertThat(report.get("kind").asText()).isEqualTo("FILL");
                assertThat(report.get("result").asText()).isEqualTo("APPLIED");
                assertThat(report.get("alert").get("type").asText()).isEqualTo("UNAPPROVED_SALE");
            }
            assertThat(JSON.readTree(get(a, "/api/reports?investorId=" + remoteHolding + "&securityId=OTHER").body()))
                    .isEmpty();
            assertThat(get(b, "/metrics").body())
                    .contains("lockup_guard_execution_reports_total{result=\"APPLIED\"} 1.0")
                    .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"false\",type=\"UNAPPROVED_SALE\"} 1.0");

            // GET /api/decisions on b lists it
            JsonNode recent = JSON.readTree(get(b, "/api/decisions?investorId=" + remoteHolding + "&limit=5").body());
            assertThat(recent).isNotEmpty();
            assertThat(recent.get(0).get("orderId").asText()).isEqualTo("p1");

            // GET /metrics counts it, says the instance is ready, as /health/ready does, and that it commits exactly
            // once, as its default has it
            String metrics = get(a, "/metrics").body();
            assertThat(metrics).contains("lockup_guard_api_requests_seconds_count{endpoint=\"orders\",status=\"200\"}")
                    .contains("lockup_guard_ready 1.0").contains("processing_guarantee=\"exactly_once_v2\"");
        }
    }

    @Test
    void shouldNeverAnswerAHoldingAsUnknownWhenAnotherInstanceOfTheGroupServesNoApi() throws Exception {
        // given an instance with the API, that has every holding's agreement
        try (GuardApplication served = start("g")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get(served, "/health/ready").statusCode() == 200
                    && JSON.readTree(get(served, "/api/holdings").body()).size() == 8);
            // when an instance without an API (http.port=-1: no application.server) joins and takes partitions
            try (GuardApplication silent = start("h", Map.of(GuardConfig.HTTP_PORT_CONFIG, "-1"))) {
                await().atMost(Duration.ofSeconds(90)).until(() -> served.service().isReady()
                        && silent.service().isReady() && silent.service().streams().metadataForLocalThreads()
                                .stream().anyMatch(thread -> !thread.activeTasks().isEmpty()));
                // (an instance without the API is ready by its stores alone, as its metrics say)
                await().atMost(Duration.ofSeconds(30)).until(() -> silent.metrics().scrape()
                        .contains("lockup_guard_ready 1.0"));

                // then each holding is answered by the instance with the API when it holds it, and otherwise refused
                // with 503 and why: never 404, "no agreement", which Kafka Streams' count of the partitions its
                // assignment names made it answer for holdings on the other instance's partitions
                List<Integer> statuses = new ArrayList<>();
                List<String> refusals = new ArrayList<>();
                for (int investor = 0; investor < 8; investor++) {
                    HttpResponse<String> one = get(served, "/api/holdings/investor-" + investor + "/SEC");
                    statuses.add(one.statusCode());
                    if (one.statusCode() == 503) {
                        refusals.add(one.body());
                    }
                }
                assertThat(statuses).containsOnly(200, 503).contains(200, 503);
                assertThat(refusals).allSatisfy(body -> assertThat(body)
                        .contains("serves no API (http.port=-1 there)"));
                // and the list of every holding is refused as incomplete, not answered with a part of them
                HttpResponse<String> all = get(served, "/api/holdings");
                assertThat(all.statusCode()).isEqualTo(503);
                assertThat(all.body()).contains("are on no instance this one can ask");
            }
        }
    }

    @Test
    void shouldMakeAnInstanceGivenNoHoldingReadyAndAnswerEveryHoldingFromItsOwner() throws Exception {
        // a joining instance whose state lags at all only warms up (standby tasks) until a probing rebalance, every
        // 10 minutes, moves a task to it: this is what an instance joining a guard with a long history meets
        Map<String, String> warmsUp = Map.of("acceptable.recovery.lag", "0");
        try (GuardApplication owner = start("e", warmsUp)) {
            // given an instance that owns every holding
            await().atMost(Duration.ofSeconds(60)).until(() -> get(owner, "/health/ready").statusCode() == 200
                    && JSON.readTree(get(owner, "/api/holdings").body()).size() == 8);
            try (GuardApplication joining = start("f", warmsUp)) {
                // when a second one joins, and is given none of them (only standby tasks)
                await().atMost(Duration.ofSeconds(60)).until(() -> owner.service().isReady()
                        && joining.service().isReady());
                assertThat(joining.service().streams().metadataForLocalThreads()).allSatisfy(thread ->
                        assertThat(thread.activeTasks()).isEmpty());

                // then it is ready, and answers for every holding from the instance that owns it
                assertThat(get(joining, "/health/ready").statusCode()).isEqualTo(200);
                HttpResponse<String> all = get(joining, "/api/holdings");
                assertThat(all.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(all.body())).hasSize(8);
                HttpResponse<String> one = get(joining, "/api/holdings/investor-1/SEC");
                assertThat(one.statusCode()).isEqualTo(200);
                assertThat(one.headers().firstValue("X-Lockup-Guard-Served-By")).contains(self(owner));
            }
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileTheGroupRebalancesAndNeverSpin() throws Exception {
        try (GuardApplication a = start("c")) {
            // given: a serves the holding (ready means queryable, not caught up with the agreements)
            await().atMost(Duration.ofSeconds(60)).until(() -> get(a, "/health/ready").statusCode() == 200
                    && get(a, "/api/holdings/investor-1/SEC").statusCode() == 200);
            // statuses of requests made wholly while a's client state said REBALANCING
            List<Integer> bracketed = new ArrayList<>();
            List<int[]> answers = new ArrayList<>(); // {status, hasRetryAfter} of every request
            List<Long> durations = new ArrayList<>();
            AtomicBoolean joining = new AtomicBoolean(true);
            CompletableFuture<GuardApplication> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return start("d");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    joining.set(false);
                }
            });
            // when a second instance joins, a rebalances: ask it all along
            while (joining.get() || a.service().state() != KafkaStreams.State.RUNNING) {
                KafkaStreams.State stateBefore = a.service().state();
                long start = System.nanoTime();
                HttpResponse<String> response = get(a, "/api/holdings/investor-1/SEC");
                durations.add((System.nanoTime() - start) / 1_000_000);
                KafkaStreams.State stateAfter = a.service().state();
                answers.add(new int[] {response.statusCode(),
                        response.headers().firstValue("Retry-After").isPresent() ? 1 : 0});
                if (stateBefore == KafkaStreams.State.REBALANCING && stateAfter == KafkaStreams.State.REBALANCING) {
                    bracketed.add(response.statusCode());
                }
            }
            try (GuardApplication d = second.get()) {
                // then while rebalancing it answered 503 with Retry-After, and otherwise 200, and never made anyone wait
                // (the client's state lags its stream thread's, which decides: a request while the client still
                // says REBALANCING may already be served, by a thread RUNNING with the holding's task)
                assertThat(bracketed).as("requests made during the rebalance").contains(503);
                assertThat(answers).allSatisfy(r -> assertThat(r).satisfiesAnyOf(
                        answer -> assertThat(answer).containsExactly(200, 0),
                        answer -> assertThat(answer).containsExactly(503, 1)));
                assertThat(durations).allSatisfy(ms -> assertThat(ms).isLessThan(3_000));
                await().atMost(Duration.ofSeconds(60)).until(() -> d.service().isReady() && a.service().isReady());
            }
        }
    }
}
