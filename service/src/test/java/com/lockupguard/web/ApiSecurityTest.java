package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.JwksKeys;
import com.lockupguard.security.JwtSettings;
import com.lockupguard.security.JwtVerifier;
import com.lockupguard.security.Role;
import com.lockupguard.security.SseTickets;
import com.lockupguard.security.StaticToken;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.testing.CapturedLogs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API under attack, over real HTTP with a real JWT verifier (a JWKS file) and fake backends:
 * every endpoint without a token, with each kind of bad or forged token, with a token lacking the
 * role, with the token in the URL, with reused and expired live-feed tickets; and what a refusal
 * leaves behind (an answer and a log without the token, a counted failure).
 */
class ApiSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "{\"orderId\":\"o1\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
            + "\"kind\":\"PUBLIC_SALE\",\"quantity\":1000}";
    private static final String PEER_SECRET = "peer-secret-0123456789";

    /** Every route that needs a credential once authentication is configured: method, path. */
    private static final List<String[]> GUARDED = List.of(
            new String[] {"GET", "/api/holdings"},
            new String[] {"GET", "/api/holdings/dutchess/CBYI"},
            new String[] {"GET", "/api/holdings/dutchess/CBYI/history"},
            new String[] {"GET", "/api/holdings/dutchess/CBYI/agreement"},
            new String[] {"GET", "/api/holdings/dutchess/CBYI/reservations"},
            new String[] {"GET", "/api/holdings/dutchess/CBYI/orders/o1"},
            new String[] {"GET", "/api/decisions"},
            new String[] {"GET", "/api/alerts"},
            new String[] {"GET", "/api/reports"},
            new String[] {"GET", "/api/events"},
            new String[] {"GET", "/metrics"},
            new String[] {"POST", "/api/orders"},
            new String[] {"POST", "/api/what-if"},
            new String[] {"POST", "/api/events/ticket"});

    private static TestIssuer issuer;
    private static TestIssuer forger;

    @TempDir
    static Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final GuardMetrics metrics = new GuardMetrics();
    private final MovableClock clock = new MovableClock();
    private GuardWebServer server;
    private String base;

    @BeforeAll
    static void keys() throws Exception {
        issuer = TestIssuer.rsa("guard-key");
        forger = TestIssuer.rsa("guard-key");
    }

    @BeforeEach
    void start() throws Exception {
        JwtVerifier jwt = new JwtVerifier(JwksKeys.file(issuer.writeJwks(dir.resolve("jwks.json"))), new JwtSettings(
                TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of("RS256", "ES256"), Duration.ofSeconds(30),
                List.of("scope"), Map.of(Role.READ, Set.of(TestIssuer.READ), Role.SUBMIT, Set.of(TestIssuer.SUBMIT))));
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, Duration.ofMillis(500),
                new BearerAuthenticator(null, new StaticToken(PEER_SECRET), jwt, "JWT"), null), metrics, JSON, clock);
        base = "http://127.0.0.1:" + server.start();
        server.attach(new GuardWebServer.Backend(new Orders(), new StubBackend.Holdings(), new StubBackend.NoHistory(),
                new StubBackend.Up()));
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    path.contains("ticket") ? "" : ORDER));
        } else {
            request.GET();
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.equals("/api/events")) {
            request.header("Accept", "text/event-stream"); // as an EventSource sends it
            HttpResponse<InputStream> stream = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (stream.statusCode() == 200) {
                stream.body().close();
                return new Answer(stream, "");
            }
            return new Answer(stream, new String(stream.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token's signature, or the whole token when it has none (alg none): a part that must never leak. */
    private static String signature(String token) {
        String signature = token.substring(token.lastIndexOf('.') + 1);
        return signature.isEmpty() ? token : signature;
    }

    private static String challenge(HttpResponse<String> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse("");
    }

    private double failures(String reason) {
        String prefix = "lockup_guard_api_auth_failures_total{reason=\"" + reason + "\"} ";
        return metrics.scrape().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    // ---- no credential, bad credentials

    @Test
    void shouldAnswer401WithABearerChallengeOnEveryApiEndpointAndMetricsWithoutAToken() throws Exception {
        for (String[] route : GUARDED) {
            // when
            HttpResponse<String> response = call(route[0], route[1], null);

            // then
            assertThat(response.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(challenge(response)).as(route[1]).isEqualTo("Bearer realm=\"lockup-guard\"");
            assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(401);
        }
        assertThat(failures("missing")).isEqualTo(GUARDED.size());
    }

    @Test
    void shouldAskAHeadForTheCredentialItsGetNeedsHoweverItsPathIsWritten() throws Exception {
        // given a reader's token, a trader's, and every guarded GET route, with and without the trailing slash
        // Javalin ignores
        String reader = issuer.token().scope(TestIssuer.READ).sign();
        String trader = issuer.token().scope(TestIssuer.SUBMIT).sign();
        List<String> paths = GUARDED.stream().filter(route -> route[0].equals("GET")).map(route -> route[1])
                .flatMap(path -> java.util.stream.Stream.of(path, path + "/")).toList();

        for (String path : paths) {
            // when each is asked for with HEAD: without a token, with one lacking the role, and with the reader's
            int without = head(path, null);
            int withoutTheRole = head(path, trader);
            int read = head(path, reader);

            // then HEAD is refused as its GET would be (no body, but its status and headers tell about the data),
            // and answered to the reader
            assertThat(without).as("HEAD " + path).isEqualTo(401);
            assertThat(withoutTheRole).as("HEAD " + path + " without the role").isEqualTo(403);
            assertThat(read).as("HEAD " + path + " by a reader").isNotIn(401, 403);
        }
        // and health and the dashboard's files stay open to a HEAD as to a GET
        for (String open : List.of("/health/live", "/health/ready", "/", "/app.js")) {
            assertThat(head(open, null)).as("HEAD " + open).isEqualTo(200);
        }
    }

    private int head(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.startsWith("/api/events")) {
            request.header("Accept", "text/event-stream");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void shouldRefuseEveryForgedOrFaultyTokenWith401InvalidTokenAndCountIt() throws Exception {
        // given tokens that must all be refused, by the reason the counter shows
        Instant now = Instant.now();
        Map<String, String[]> attacks = new LinkedHashMap<>();
        // (a JWT's three parts, its claims no JSON: a credential of another shape is a wrong static secret here)
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        attacks.put("malformed", new String[] {base64url.encodeToString("{\"alg\":\"RS256\"}".getBytes(
                StandardCharsets.UTF_8)) + "." + base64url.encodeToString("not json".getBytes(StandardCharsets.UTF_8))
                + ".c2ln", "malformed"});
        attacks.put("expired", new String[] {issuer.token().expiresAt(now.minusSeconds(120)).sign(), "expired"});
        attacks.put("living a month", new String[] {issuer.token().expiresAt(now.plusSeconds(30 * 86_400)).sign(),
            "too_long_lived"});
        attacks.put("not yet valid", new String[] {issuer.token().notBefore(now.plusSeconds(300)).sign(),
            "not_yet_valid"});
        attacks.put("issued in the future", new String[] {issuer.token().claim("iat",
            now.plusSeconds(300).getEpochSecond()).sign(), "not_yet_valid"});
        attacks.put("expiring before it was issued", new String[] {issuer.token().claim("iat",
            now.plusSeconds(900).getEpochSecond()).sign(), "contradictory_times"});
        attacks.put("wrong issuer", new String[] {issuer.token().claim("iss", "https://evil.test").sign(),
            "wrong_issuer"});
        attacks.put("wrong audience", new String[] {issuer.token().claim("aud", "another-api").sign(),
            "wrong_audience"});
        attacks.put("signed by another key", new String[] {forger.token().sign(), "invalid"});
        attacks.put("alg none", new String[] {issuer.token().unsigned(), "invalid"});
        attacks.put("HS256 with the public key", new String[] {issuer.token().hmacWithPublicKey(), "invalid"});
        attacks.put("no subject", new String[] {issuer.token().claim("sub", null).sign(), "missing_claim"});
        attacks.put("another kind of token", new String[] {issuer.token().type("secevent+jwt").sign(), "wrong_type"});
        attacks.put("static secret, wrong", new String[] {PEER_SECRET + "x", "invalid"});

        for (Map.Entry<String, String[]> attack : attacks.entrySet()) {
            String token = attack.getValue()[0];
            for (String[] route : List.of(new String[] {"GET", "/api/holdings"}, new String[] {"POST", "/api/orders"},
                    new String[] {"GET", "/metrics"})) {
                // when
                HttpResponse<String> response = call(route[0], route[1], token);

                // then
                assertThat(response.statusCode()).as(attack.getKey() + " on " + route[1]).isEqualTo(401);
                assertThat(challenge(response)).as(attack.getKey()).startsWith("Bearer realm=\"lockup-guard\", "
                        + "error=\"invalid_token\", error_description=");
                assertThat(challenge(response) + response.body()).as("the token is never echoed")
                        .doesNotContain(token).doesNotContain(signature(token));
            }
            assertThat(failures(attack.getValue()[1])).as(attack.getKey()).isGreaterThanOrEqualTo(3);
        }
        assertThat(failures("expired")).isEqualTo(3);
        assertThat(failures("invalid")).isEqualTo(12);
    }

    @Test
    void shouldAnswer403ToAValidTokenWithoutTheRoleTheEndpointNeeds() throws Exception {
        // given a reader and a trader
        String reader = issuer.token().scope(TestIssuer.READ).sign();
        String trader = issuer.token().scope(TestIssuer.SUBMIT).sign();

        // when / then
        HttpResponse<String> readerOrders = call("POST", "/api/orders", reader);
        assertThat(readerOrders.statusCode()).isEqualTo(403);
        assertThat(challenge(readerOrders)).contains("error=\"insufficient_scope\"");
        assertThat(call("POST", "/api/what-if", reader).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/holdings", trader).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/metrics", trader).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/events", trader).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/events/ticket", trader).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/holdings", issuer.token().scope("openid").sign()).statusCode()).isEqualTo(403);
        assertThat(failures("forbidden")).isEqualTo(7);
    }

    @Test
    void shouldServeAValidTokenWhatItsRolesAllow() throws Exception {
        // given
        String reader = issuer.token().scope(TestIssuer.READ).sign();
        String trader = issuer.token().scope(TestIssuer.SUBMIT).sign();

        // when / then
        for (String[] route : GUARDED) {
            String token = route[1].equals("/api/orders") || route[1].equals("/api/what-if") ? trader : reader;
            assertThat(call(route[0], route[1], token).statusCode()).as(route[0] + " " + route[1]).isEqualTo(200);
        }
        assertThat(JSON.readTree(call("POST", "/api/orders", trader).body()).get("decision").asText())
                .isEqualTo("APPROVED");
        assertThat(call("GET", "/metrics", reader).body()).contains("lockup_guard_api_auth_failures_total");
    }

    @Test
    void shouldRefuseTwoAuthorizationHeadersWhicheverComesFirst() throws Exception {
        // given a valid token and a forged one
        String valid = "Bearer " + issuer.token().sign();
        String forged = "Bearer " + forger.token().sign();

        // when both are sent, in either order (a proxy on the way may check one, the guard read the other)
        for (List<String> headers : List.of(List.of(valid, forged), List.of(forged, valid))) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/holdings"))
                    .header("Authorization", headers.get(0)).header("Authorization", headers.get(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            // then neither counts: refused as a credential that is not one bearer token
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(challenge(response)).contains("send one 'Authorization: Bearer <token>' header");
        }
        assertThat(failures("malformed")).isEqualTo(2);
    }

    @Test
    void shouldAskForACredentialBeforeJudgingTheQuery() throws Exception {
        // given a query the endpoint would refuse, sent without a credential, and with a token in the URL
        HttpResponse<String> without = call("GET", "/api/decisions?foo=1", null);
        HttpResponse<String> inTheUrl = call("GET", "/api/holdings?access_token=x&foo=1", null);

        // then each is answered for its credential first, and counted as such
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(inTheUrl.statusCode()).isEqualTo(401);
        assertThat(failures("missing")).isEqualTo(1);
        assertThat(failures("token_in_url")).isEqualTo(1);
    }

    @Test
    void shouldRefuseAFilterTheEndpointDoesNotReadFromAReaderWithAValidTokenToo() throws Exception {
        // given a reader's valid token
        String reader = issuer.token().scope(TestIssuer.READ).sign();

        // when it asks with a misspelt filter, and with a filter given twice
        HttpResponse<String> misspelt = call("GET", "/api/decisions?investorid=dutchess", reader);
        HttpResponse<String> twice = call("GET", "/api/decisions?investorId=a&investorId=b", reader);

        // then each is a 400 naming it, as without authentication: ignored, the filter would answer every
        // investor's records as if it had not been asked for
        assertThat(misspelt.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(misspelt.body()).get("field").asText()).isEqualTo("investorid");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(twice.body()).get("error").asText()).contains("is given twice");
    }

    @Test
    void shouldRefuseATokenInTheUrlEvenAValidOne() throws Exception {
        // given a valid token, sent as a query parameter
        String token = issuer.token().sign();

        // when / then: refused on every endpoint, the live feed included, with or without a header too
        for (String path : List.of("/api/holdings?access_token=", "/metrics?access_token=",
                "/api/events?access_token=")) {
            HttpResponse<String> response = call("GET", path + token, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(challenge(response)).contains("error=\"invalid_request\"");
        }
        assertThat(call("GET", "/api/holdings?access_token=" + token, token).statusCode()).isEqualTo(401);
        assertThat(failures("token_in_url")).isEqualTo(4);
    }

    @Test
    void shouldKeepHealthAndTheDashboardsFilesOpen() throws Exception {
        assertThat(call("GET", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/app.js", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/style.css", null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldTellWhyTheGuardIsNotReadyInKafkasWordsOnlyToAReaderAndTheKindOfTroubleToAnyoneElse() throws Exception {
        // given a guard that stopped for a missing ACL, which its log names with the principal and the topic
        ReadinessReason why = new ReadinessReason("the guard stops: Kafka denies the guard a permission it needs; its "
                + "log says what to fix", "the guard stops: User:guard may not WRITE to topic orders-approved");
        server.attach(new GuardWebServer.Backend(new Orders(), new StubBackend.Holdings(), new StubBackend.NoHistory(),
                new Health() {
                    @Override
                    public boolean live() {
                        return false;
                    }

                    @Override
                    public boolean ready() {
                        return false;
                    }

                    @Override
                    public String state() {
                        return "PENDING_ERROR";
                    }

                    @Override
                    public ReadinessReason reason() {
                        return why;
                    }
                }));
        String reader = issuer.token().scope(TestIssuer.READ).sign();
        String trader = issuer.token().scope(TestIssuer.SUBMIT).sign();

        // when / then a reader is told the detail
        HttpResponse<String> toReader = call("GET", "/health/ready", reader);
        assertThat(toReader.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(toReader.body()).get("reason").asText()).isEqualTo(why.detail());
        assertThat(toReader.headers().firstValue("Cache-Control")).as("kept by no cache").hasValue("no-store");
        // and no credential, one without the read role, a forged one or the peers' token: the kind of trouble, and
        // the same 503 a probe reads, never a 401
        for (String other : new String[] {null, trader, forger.token().scope(TestIssuer.READ).sign(), PEER_SECRET}) {
            HttpResponse<String> answer = call("GET", "/health/ready", other);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(answer.body()).get("reason").asText()).isEqualTo(why.summary());
            assertThat(answer.body()).doesNotContain("User:guard").doesNotContain("orders-approved");
        }
        assertThat(failures("invalid")).isZero();
    }

    @Test
    void shouldTellWhyAnOrderWasNotSentInKafkasWordsOnlyToAReaderAndTheKindOfTroubleToAnyoneElse() throws Exception {
        // given a gateway that refuses an order while the decision feed is down, and one whose send Kafka failed,
        // each in words that name a host
        ApiException feedDown = ApiException.notReady("order o1 was not sent: the guard cannot read decisions back now "
                + "(the decision feed failed (the schema registry cannot be reached) at 2026-12-07T10:00:00Z; it "
                + "restarts 400 ms after a failure)")
                .withDetail("order o1 was not sent: the guard cannot read decisions back now (the decision feed failed "
                        + "(registry-2.internal:8081: connection refused) at 2026-12-07T10:00:00Z; it restarts 400 ms "
                        + "after a failure)");
        Exception sendFailed = new org.apache.kafka.common.errors.TimeoutException(
                "Expiring 1 record(s) for orders-3: broker-7.internal:9092 did not answer");
        String traderWhoReads = issuer.token().sign();
        String trader = issuer.token().scope(TestIssuer.SUBMIT).sign();
        for (Exception failure : List.of(feedDown, sendFailed)) {
            server.attach(new GuardWebServer.Backend(order -> CompletableFuture.failedFuture(failure),
                    new StubBackend.Holdings(), new StubBackend.NoHistory(), new StubBackend.Up()));

            // when a trader who may also read, and one who may only submit, send an order
            HttpResponse<String> toReader = call("POST", "/api/orders", traderWhoReads);
            HttpResponse<String> toTrader = call("POST", "/api/orders", trader);

            // then both get the same status; only the reader is told the host, the other the kind of trouble
            assertThat(toReader.statusCode()).isEqualTo(toTrader.statusCode()).isIn(502, 503);
            assertThat(JSON.readTree(toReader.body()).get("error").asText()).contains(".internal:");
            assertThat(JSON.readTree(toTrader.body()).get("error").asText()).doesNotContain("internal")
                    .startsWith(failure == feedDown ? "order o1 was not sent" : "the order could not be sent to Kafka");
            assertThat(JSON.readTree(toTrader.body()).get("orderId").asText()).isEqualTo("o1");
        }
    }

    @Test
    void shouldSendSecurityHeadersAndNeverCacheData() throws Exception {
        HttpResponse<String> page = call("GET", "/", null);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'").contains("style-src 'self';").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(call("GET", "/api/holdings", issuer.token().sign()).headers().firstValue("Cache-Control"))
                .contains("no-store");
    }

    @Test
    void shouldNeverLetDataBeCachedWhicheverWayItsPathIsWritten() throws Exception {
        // given a reader's token
        String token = issuer.token().sign();
        for (String path : new String[] {"/metrics", "/metrics/", "/api/holdings", "/api/holdings/"}) {
            // when a reader asks for data, the path written with or without the trailing slash Javalin ignores
            HttpResponse<String> response = call("GET", path, token);
            // then it is served, and no cache may store it
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Cache-Control")).as(path).contains("no-store");
        }
    }

    // ---- the live feed's tickets

    @Test
    void shouldTellACallerOutOfTicketsHowLongUntilOneExpiresRatherThanOneSecond() throws Exception {
        // given a caller holding every ticket it may hold, unused
        String token = issuer.token().sign();
        for (int i = 0; i < 100; i++) {
            ticket(token);
        }

        // when it asks for one more
        HttpResponse<String> refused = call("POST", "/api/events/ticket", token);

        // then it is told to come back when the first of them expires (30 s on the server's clock, which stands
        // still here), not to retry every second
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("a place frees when one is used");
    }

    @Test
    void shouldRefuseATicketToATokenPastItsExpiryThatTheClockSkewStillLetsIn() throws Exception {
        // given a token that expired 10 s ago, still taken within the 30 s the verifier allows a clock to be off
        String token = issuer.token().expiresAt(clock.instant().minusSeconds(10)).sign();
        assertThat(call("GET", "/api/decisions", token).statusCode()).isEqualTo(200);

        // when its page asks for a live-feed ticket
        HttpResponse<String> refused = call("POST", "/api/events/ticket", token);

        // then it is refused as expired, not given a ticket that expired before it was issued (its page would buy
        // one again and again, each spent at once)
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge ->
                assertThat(challenge).contains("error=\"invalid_token\"", "the token has expired"));
    }

    private String ticket(String token) throws Exception {
        HttpResponse<String> response = call("POST", "/api/events/ticket", token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(Instant.parse(body.get("expiresAt").asText())).isBefore(clock.instant().plusSeconds(31));
        return body.get("ticket").asText();
    }

    private HttpResponse<InputStream> events(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/events" + query))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void shouldOpenTheLiveFeedWithATicketOnceAndNeverAgain() throws Exception {
        // given a ticket bought with a reader's token
        String ticket = ticket(issuer.token().scope(TestIssuer.READ).sign());

        // when the page opens the feed with it, twice
        HttpResponse<InputStream> first = events("?ticket=" + ticket);
        HttpResponse<InputStream> second = events("?ticket=" + ticket);

        // then the first streams, the second (a replay) is refused
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo(": connected");
        }
        assertThat(second.statusCode()).isEqualTo(401);
        second.body().close();
        assertThat(failures("ticket")).isEqualTo(1);
    }

    @Test
    void shouldAnswer400ToALiveFeedRequestWithAParameterItDoesNotReadAndKeepItsTicket() throws Exception {
        // given a ticket bought with a reader's token
        String ticket = ticket(issuer.token().scope(TestIssuer.READ).sign());

        // when the feed is opened with it and a filter the feed does not read
        HttpResponse<InputStream> filtered = events("?ticket=" + ticket + "&investorId=dutchess");

        // then it is told, and the ticket is not spent on the refusal: the feed opens with it alone
        assertThat(filtered.statusCode()).isEqualTo(400);
        filtered.body().close();
        HttpResponse<InputStream> stream = events("?ticket=" + ticket);
        assertThat(stream.statusCode()).isEqualTo(200);
        stream.body().close();
        assertThat(failures("ticket")).isZero();
    }

    @Test
    void shouldAnswer406ToALiveFeedRequestThatDoesNotAcceptAnEventStreamAndKeepItsTicket() throws Exception {
        // given a ticket bought with a reader's token
        String ticket = ticket(issuer.token().scope(TestIssuer.READ).sign());

        // when a plain client (curl's Accept: */*) opens the feed with it
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events?ticket=" + ticket))
                .header("Accept", "*/*").GET().build(), HttpResponse.BodyHandlers.ofString());

        // then it is told what to send, and the ticket is not spent on an empty answer
        assertThat(plain.statusCode()).isEqualTo(406);
        assertThat(JSON.readTree(plain.body()).get("error").asText()).contains("Accept: text/event-stream");
        HttpResponse<InputStream> stream = events("?ticket=" + ticket);
        assertThat(stream.statusCode()).isEqualTo(200);
        stream.body().close();
        assertThat(failures("ticket")).isZero();
    }

    @Test
    void shouldAnswerAHeadOfTheLiveFeedWithoutSpendingItsTicket() throws Exception {
        // given a ticket bought with a reader's token
        String ticket = ticket(issuer.token().scope(TestIssuer.READ).sign());

        // when a HEAD of the feed is sent with it (a link checker, curl -I), and a made-up one
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events?ticket=" + ticket))
                .header("Accept", "text/event-stream").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> madeUp = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events?ticket=made-up"))
                .header("Accept", "text/event-stream").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());

        // then it is answered, the made-up one refused, and the ticket still opens the stream (seen: spent by the
        // HEAD, which gets no stream, and the page's EventSource then refused)
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(madeUp.statusCode()).isEqualTo(401);
        HttpResponse<InputStream> stream = events("?ticket=" + ticket);
        assertThat(stream.statusCode()).isEqualTo(200);
        stream.body().close();
    }

    @Test
    void shouldRefuseAnExpiredTicketAMadeUpOneAndATicketOnAnotherEndpoint() throws Exception {
        // given
        String reader = issuer.token().scope(TestIssuer.READ).sign();
        String expiring = ticket(reader);
        String elsewhere = ticket(reader);

        // when the ticket's 30 seconds pass
        clock.advance(SseTickets.TTL.plusSeconds(1));

        // then
        assertThat(events("?ticket=" + expiring).statusCode()).isEqualTo(401);
        assertThat(events("?ticket=made-up").statusCode()).isEqualTo(401);
        HttpResponse<String> onHoldings = call("GET", "/api/holdings?ticket=" + elsewhere, null);
        assertThat(onHoldings.statusCode()).as("a ticket is for the live feed only").isEqualTo(401);
        assertThat(failures("ticket")).isEqualTo(2);
        assertThat(failures("token_in_url")).isEqualTo(1);
    }

    @Test
    void shouldTakeATicketOnTheLiveFeedAloneNotToBuyAnotherNorOnAnyOtherRoute() throws Exception {
        // given a valid ticket
        String ticket = ticket(issuer.token().sign()); // both roles
        List<String[]> others = GUARDED.stream().filter(route -> !route[1].equals("/api/events")).toList();

        for (String[] route : others) {
            // when it is sent to another route instead of a bearer token
            HttpResponse<String> response = call(route[0], route[1] + "?ticket=" + ticket, null);

            // then it is refused as a credential in the URL
            assertThat(response.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(challenge(response)).as(route[1]).contains("error=\"invalid_request\"");
        }
        assertThat(failures("token_in_url")).isEqualTo(others.size());
        // and it still opens the live feed once
        HttpResponse<InputStream> stream = events("?ticket=" + ticket);
        assertThat(stream.statusCode()).isEqualTo(200);
        stream.body().close();
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // a stream that never ends would otherwise hang the build
    void shouldEndTheLiveFeedWhenTheTokenThatOpenedItExpires() throws Exception {
        // given a feed opened with a token good for three more seconds (by the server's clock)
        Instant expires = Instant.now().plusSeconds(3);
        String token = issuer.token().expiresAt(expires).sign();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);

        // when / then the server closes it when the token lapses: not before (a token's exp is in whole seconds,
        // so up to one early), however long opening it took on a busy machine, and not long after
        try (InputStream body = stream.body()) {
            body.readAllBytes(); // returns at the end of the stream
        }
        assertThat(Instant.now()).isBetween(expires.minusSeconds(1), expires.plusSeconds(12));
    }

    // ---- instances calling each other

    @Test
    void shouldLetTheServiceTokenAskOnlyForTheLocalPartOfAHoldingOrWhatIf() throws Exception {
        assertThat(call("GET", "/api/holdings?local=true", PEER_SECRET).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/holdings/dutchess/CBYI?local=true", PEER_SECRET).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/holdings/dutchess/CBYI/agreement?local=true", PEER_SECRET).statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/api/holdings/dutchess/CBYI/reservations?local=true", PEER_SECRET).statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/api/holdings/dutchess/CBYI/orders/o1?local=true", PEER_SECRET).statusCode())
                .isEqualTo(200);
        assertThat(call("POST", "/api/what-if?local=true", PEER_SECRET).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/holdings", PEER_SECRET).statusCode()).as("not forwarded").isEqualTo(403);
    }

    @Test
    void shouldRefuseTheServiceTokenEveryRouteNoInstanceForwards() throws Exception {
        // given every guarded route but the six an instance forwards to the holding's owner (StreamsHoldingsQuery)
        List<String> forwarded = List.of("/api/holdings", "/api/holdings/dutchess/CBYI",
                "/api/holdings/dutchess/CBYI/agreement", "/api/holdings/dutchess/CBYI/reservations",
                "/api/holdings/dutchess/CBYI/orders/o1", "/api/what-if");
        List<String[]> others = GUARDED.stream().filter(route -> !forwarded.contains(route[1])).toList();
        assertThat(others).hasSize(GUARDED.size() - forwarded.size());

        for (String[] route : others) {
            // when another instance's credential asks for it, even for the local part
            HttpResponse<String> response = call(route[0], route[1] + "?local=true", PEER_SECRET);

            // then it may not: it reads or submits nothing of its own
            assertThat(response.statusCode()).as(route[0] + " " + route[1]).isEqualTo(403);
        }
        assertThat(failures("forbidden")).isEqualTo(others.size());
    }

    // ---- what a refusal leaves behind

    @Test
    void shouldNeverLogTheTokenOfAFailedLogin() throws Exception {
        // given the shipped logging (StandardErrorLogging) with the root logger at its most verbose (an operator
        // debugging), recorded
        CapturedLogs recorded = CapturedLogs.of(org.slf4j.Logger.ROOT_LOGGER_NAME).at(Level.ALL);
        List<String> tokens = new ArrayList<>();
        try (recorded) {
            // when real tokens fail: expired, forged, key confusion, another audience
            tokens.add(issuer.token().expiresAt(Instant.now().minusSeconds(300)).sign());
            tokens.add(forger.token().sign());
            tokens.add(issuer.token().hmacWithPublicKey());
            tokens.add(issuer.token().claim("aud", "another-api").sign());
            tokens.add(issuer.token().scope(TestIssuer.READ).sign()); // valid, but 403 on orders
            for (String token : tokens) {
                call("POST", "/api/orders", token);
                call("GET", "/api/holdings?access_token=" + token, null);
            }
        }

        // then something was logged, and not one token, nor a token's signature
        List<ILoggingEvent> logged = recorded.events();
        assertThat(logged).isNotEmpty();
        for (ILoggingEvent event : logged) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String token : tokens) {
                assertThat(text).as(event.getLoggerName()).doesNotContain(token).doesNotContain(signature(token))
                        .doesNotContain(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')));
            }
        }
    }

    // ---- fakes

    /** A 200 for the live feed's request, whose body is a stream the test closed at once. */
    private record Answer(HttpResponse<InputStream> response, String body) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public URI uri() {
            return response.uri();
        }

        @Override
        public HttpClient.Version version() {
            return response.version();
        }
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class Orders implements OrderGateway {
        @Override
        public CompletableFuture<Decision> submit(ProposedOrder order) {
            return CompletableFuture.completedFuture(GuardWebServerTest.decision(order, Outcome.APPROVED, List.of(),
                    1000L));
        }
    }

}
