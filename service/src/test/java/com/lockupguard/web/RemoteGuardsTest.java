package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.testing.CapturedLogs;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How an instance asks the one that owns a holding, as Kafka Streams names it (host and port). */
class RemoteGuardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuardMetrics metrics = new GuardMetrics();
    private GuardWebServer owner;

    @AfterEach
    void stop() {
        if (owner != null) {
            owner.close();
        }
        metrics.close();
    }

    @Test
    void shouldAskAnInstanceThatAdvertisesAnIpv6Address() {
        // given the owner of a holding listening on an IPv6 address, which Kafka Streams names without brackets
        owner = new GuardWebServer(new GuardWebServer.Settings("::1", 0, null, Duration.ofSeconds(1)), metrics, JSON);
        int port = owner.start();
        owner.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), new StubBackend.NoHistory(),
                new StubBackend.Up()));
        HostInfo host = HostInfo.buildFromEndpoint("[::1]:" + port);
        assertThat(host.host()).isEqualTo("::1");

        // when another instance asks it for the holding
        JsonNode holding = new RemoteGuards(JSON, new PeerAccess(false, null, null))
                .get(host, "/api/holdings/dutchess/CBYI?local=true", null);

        // then it is answered
        assertThat(holding.get("investorId").asText()).isEqualTo("dutchess");
    }

    @Test
    void shouldSayAnOwnerThatIsGoneCannotBeReachedAndWhy() throws Exception {
        // given the address of an owner that has just stopped: nothing listens on its port
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        HostInfo gone = new HostInfo("127.0.0.1", port);

        // when another instance asks it
        UnreachablePeers unreachable = new UnreachablePeers();
        Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null),
                unreachable).get(gone, "/api/holdings/dutchess/CBYI?local=true", null));

        // then a 503 to retry, saying why, not "(null)", and what to check if it lasts (seen: "retry" alone, for an
        // instance whose advertised address the others could never reach), and the instance is counted unreachable
        assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("instance 127.0.0.1:" + port
                    + " that owns this holding cannot be reached (connection refused); retry, and if this lasts, is "
                    + "its http.advertised.host an address the other instances can reach?");
        });
        assertThat(unreachable.count()).isEqualTo(1);
    }

    @Test
    void shouldSayAnOwnerThatTookTheRequestButDidNotAnswerInTimeIsSlowNotMisaddressed() throws Exception {
        // given an owner that takes the request and answers only after the three seconds an instance waits
        CountDownLatch done = new CountDownLatch(1);
        HttpServer slow = server(exchange -> {
            await(done);
            answer(exchange, 200, "{}");
        });
        UnreachablePeers unreachable = new UnreachablePeers();
        try {
            // when another instance asks it
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null),
                    unreachable).get(hostOf(slow), "/api/holdings/dutchess/CBYI?local=true", null));

            // then a 503 to retry that says it was slow, and sends nobody to check addresses (seen: "cannot be
            // reached (request timed out) ... is its http.advertised.host an address ...?" for a busy owner)
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).isEqualTo("instance " + hostOf(slow).host() + ":" + hostOf(slow).port()
                        + " that owns this holding did not answer within 3 s; retry");
            });
            assertThat(unreachable.count()).isEqualTo(1);
        } finally {
            done.countDown();
            slow.stop(0);
        }
    }

    @Test
    void shouldGiveUpOnAListWhoseBodyStallsOnceItsTimeHasPassedAndSayItWasSlow() throws Exception {
        // given an instance that sends its answer's headers and the start of its list, then stops (seen: a list
        // asked of an instance stopped while it sent its body waited 26 s, the client's time out ending at headers)
        CountDownLatch done = new CountDownLatch(1);
        HttpServer stalls = server(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("[{\"securityId\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            await(done);
            out.close();
        });
        UnreachablePeers unreachable = new UnreachablePeers();
        try {
            // when this instance asks it for its holdings, waiting half a second for the whole list
            long started = System.nanoTime();
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null),
                    unreachable, Duration.ofMillis(500)).getEach(List.of(hostOf(stalls)), "/api/holdings?local=true",
                    null));

            // then a 503 once that time has passed, saying the instance did not answer in it, and it is counted
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).isEqualTo("instance " + hostOf(stalls).host() + ":"
                        + hostOf(stalls).port() + " that owns some of the holdings did not answer within 500 ms; "
                        + "retry");
            });
            assertThat(unreachable.count()).isEqualTo(1);
        } finally {
            done.countDown();
            stalls.stop(0);
        }
    }

    @Test
    void shouldSayWhyAnInstanceOfTheListCannotAnswerNowInItsOwnWords() throws Exception {
        // given an instance busy with lists already (seen: called "not ready (rebalancing)", which it was not)
        HttpServer busy = server(exchange -> answer(exchange, 503, "{\"status\":503,\"error\":\"this instance "
                + "builds 2 lists of its own holding already, each held in memory until sent; retry\"}"));
        try {
            // when this instance asks it for its holdings
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                    .getEach(List.of(hostOf(busy)), "/api/holdings?local=true", null));

            // then a 503 to retry, with the instance's reason
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).endsWith(" that owns some of the holdings cannot answer now (this instance "
                        + "builds 2 lists of its own holding already, each held in memory until sent); retry");
            });
        } finally {
            busy.stop(0);
        }
    }

    @Test
    void shouldCallAListThatIsNotAJsonArrayNotAGuardsAnswer() throws Exception {
        // given an instance whose answer to the list is a 200 that is not one, as a proxy's page would be
        HttpServer proxied = server(exchange -> answer(exchange, 200, "<html>[maintenance]</html>"));
        try {
            // when this instance asks it for its holdings
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                    .getEach(List.of(hostOf(proxied)), "/api/holdings?local=true", null));

            // then a 502 that says so, with what it answered in the detail, not a list with holdings missing
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).endsWith("answered 200 with what is not a list of positions (not a "
                        + "guard's answer: a proxy between the instances?)");
                assertThat(e.detail()).endsWith(": <html>[maintenance]</html>");
            });
        } finally {
            proxied.stop(0);
        }
    }

    @Test
    void shouldAnswerTheCallerTheOwnersRefusalOfItsOwnCredentialWhenNoServiceTokenIsSet() throws Exception {
        // given an owner that refuses the caller's token (a key it has not fetched yet), asked with that token
        HttpServer owner = server(exchange -> answer(exchange, 401, "{\"status\":401,\"error\":\"the token's "
                + "signature, algorithm or key is not accepted\"}"));
        UnreachablePeers unreachable = new UnreachablePeers();
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // when this instance, which accepted the token, asks it for a holding
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null),
                    unreachable).get(hostOf(owner), "/api/holdings/d/S?local=true", "Bearer caller-token"));

            // then the caller is told 401 in the owner's words, not a 502 blaming the instances' settings; the owner
            // is reached, and the refusal logged once for the operator
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.getMessage()).contains("refused the caller's credential, which this instance let in "
                        + "(401): the token's signature, algorithm or key is not accepted");
            });
            assertThat(unreachable.count()).isZero();
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .contains("refused a caller's credential that this instance let in");
        } finally {
            owner.stop(0);
        }
    }

    @Test
    void shouldCountAnInstanceThatRefusesTheServiceTokenAsOneThatCannotBeAsked() throws Exception {
        // given an instance with another api.service.token, which refuses this one's
        HttpServer other = server(exchange -> answer(exchange, 401, "{\"status\":401,\"error\":\"the token is "
                + "not one this guard accepts\"}"));
        UnreachablePeers unreachable = new UnreachablePeers();
        try {
            // when this instance asks it for a holding with its service token
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null,
                    "service-token-of-this-instance"), unreachable).get(hostOf(other), "/api/holdings/d/S?local=true",
                    "Bearer caller-token"));

            // then a 502 naming the settings to align, and the instance counted as one that cannot be asked
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).contains("give every instance the same api.service.token");
            });
            assertThat(unreachable.count()).isEqualTo(1);
        } finally {
            other.stop(0);
        }
    }

    @Test
    void shouldSayAnOwnerWhoseCertificateIsRefusedIsRefusedInTlsNotMisaddressed() throws Exception {
        // given an owner serving https with a certificate of a CA this instance's trust store does not hold
        TestPki rogue = TestPki.create("rogue-ca");
        HttpsServer owner = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        owner.setHttpsConfigurator(new HttpsConfigurator(rogue.localhostServerContext()));
        owner.createContext("/", exchange -> answer(exchange, 200, "{}"));
        owner.start();
        try {
            // when this instance asks it for a holding over https
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(true,
                    TestPki.create("guard-ca").clientContext(), null)).get(new HostInfo("localhost",
                    owner.getAddress().getPort()), "/api/holdings/d/S?local=true", null));

            // then the answer says its certificate was refused and what to check of it, not of its address
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).contains("cannot be reached (TLS refused: ",
                        "with a certificate a CA of this instance's trust store issued, valid now and naming its "
                                + "http.advertised.host?); retry").doesNotContain("an address the other instances");
            });
        } finally {
            owner.stop(0);
        }
    }

    @Test
    void shouldNoLongerCountAnInstanceUnreachableOnceItAnswers() throws Exception {
        // given an instance that could not be reached, and then answers
        HttpServer up = server(exchange -> answer(exchange, 404, "{\"error\":\"no such holding\"}"));
        UnreachablePeers unreachable = new UnreachablePeers();
        unreachable.failed("127.0.0.1:" + up.getAddress().getPort(), "connection refused");
        try {
            // when it is asked, and answers as a guard (here, that it has no such holding)
            catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null), unreachable)
                    .get(hostOf(up), "/api/holdings/dutchess/CBYI?local=true", null));

            // then it is reached again
            assertThat(unreachable.count()).isZero();
        } finally {
            up.stop(0);
        }
    }

    @Test
    void shouldCountEveryInstanceOfTheListThatCannotBeReachedNotOnlyTheFirst() throws Exception {
        // given two instances that have just stopped
        int[] ports = new int[2];
        for (int i = 0; i < 2; i++) {
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = closed.getLocalPort();
            }
        }
        UnreachablePeers unreachable = new UnreachablePeers();

        // when this instance asks both for their holdings
        catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null), unreachable).getEach(
                List.of(new HostInfo("127.0.0.1", ports[0]), new HostInfo("127.0.0.1", ports[1])),
                "/api/holdings?local=true", null));

        // then both are counted (seen: the first alone, the answer failing on it before the second was looked at)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> unreachable.count() == 2);
    }

    @Test
    void shouldTakeAProxysPageBetweenTheInstancesForAnInstanceNotReachedAndAGuardsOwn503ForOneReached()
            throws Exception {
        // given an instance behind a proxy that answers 503 with a page of its own, and one rebalancing
        HttpServer proxied = server(exchange -> answer(exchange, 503, "upstream connect error or disconnect"));
        HttpServer rebalancing = server(exchange -> answer(exchange, 503, "{\"status\":503,\"error\":\"the "
                + "guard's instances are rebalancing; retry\"}"));
        UnreachablePeers unreachable = new UnreachablePeers();
        RemoteGuards remote = new RemoteGuards(JSON, new PeerAccess(false, null, null), unreachable);
        try {
            // when each is asked for a holding
            Throwable fromProxy = catchThrowable(() -> remote.get(hostOf(proxied), "/api/holdings/d/S?local=true",
                    null));
            Throwable fromGuard = catchThrowable(() -> remote.get(hostOf(rebalancing), "/api/holdings/d/S?local=true",
                    null));

            // then the proxy's is a bad gateway, its instance not reached (seen: "not ready (rebalancing); retry",
            // and counted reached), and the guard's a 503 to retry, its instance reached
            assertThat(fromProxy).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).contains("answered 503 (not a guard's answer");
            });
            assertThat(fromGuard).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status())
                    .isEqualTo(503));
            assertThat(unreachable.count()).isEqualTo(1);
        } finally {
            proxied.stop(0);
            rebalancing.stop(0);
        }
    }

    @Test
    void shouldSayTheGuardIsStoppingWhenAStopInterruptsTheRequestWaitingForTheOwner() throws Exception {
        // given an owner that takes the connection and does not answer, and a request thread a stop interrupts
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostInfo owner = new HostInfo("127.0.0.1", silent.getLocalPort());
            Thread.currentThread().interrupt();

            // when this instance asks the owner
            Throwable stopped;
            boolean stillInterrupted;
            try {
                stopped = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                        .get(owner, "/api/holdings/dutchess/CBYI?local=true", null));
            } finally {
                stillInterrupted = Thread.interrupted();
            }

            // then a 503 that says what to do, as the stop's other answers do, and the thread stays interrupted
            assertThat(stopped).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).isEqualTo("the guard is stopping; ask another instance, or again once "
                        + "this one is back");
            });
            assertThat(stillInterrupted).isTrue();
        }
    }

    @Test
    void shouldSayAnOwnerWhoseAdvertisedNameDoesNotResolveIsMisnamedNotRefusing() {
        // given an owner that advertises a name nobody resolves (a Kubernetes pod's name, say)
        HostInfo misnamed = new HostInfo("lockup-guard-7d9f8c-x2kq.invalid", 8080);

        // when another instance asks it
        Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                .get(misnamed, "/api/holdings/dutchess/CBYI?local=true", null));

        // then the 503 names the setting to look at, not a refused connection
        assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("lockup-guard-7d9f8c-x2kq.invalid:8080")
                    .contains("its name does not resolve here").contains("http.advertised.host")
                    .doesNotContain("connection refused");
        });
    }

    @Test
    void shouldQuoteAnotherGuardsErrorButOnlyNameAProxysPageAndCutItInTheDetail() throws Exception {
        // given an owner that answers 500 as a guard does, and a proxy in front of another that answers a long page
        String page = "<html>upstream 10.1.2.3:8080 failed" + "x".repeat(5_000) + "</html>";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/guard", exchange -> answer(exchange, "{\"status\":500,\"error\":\"boom\"}"));
        server.createContext("/proxy", exchange -> answer(exchange, page));
        server.start();
        try {
            HostInfo host = new HostInfo("127.0.0.1", server.getAddress().getPort());
            RemoteGuards remote = new RemoteGuards(JSON, new PeerAccess(false, null, null));

            // when this instance asks each
            Throwable fromGuard = catchThrowable(() -> remote.get(host, "/guard", null));
            Throwable fromProxy = catchThrowable(() -> remote.get(host, "/proxy", null));

            // then the guard's own error is quoted; the proxy's page only in the detail, cut, for a reader
            String answered = "instance 127.0.0.1:" + host.port() + " answered 500";
            assertThat(fromGuard).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.getMessage()).isEqualTo(answered + ": boom"));
            assertThat(fromProxy).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).isEqualTo(answered + " (not a guard's answer: a proxy between the "
                        + "instances?)");
                assertThat(e.detail()).startsWith(answered + ": <html>upstream 10.1.2.3:8080 failed")
                        .endsWith("... (" + page.length() + " characters)")
                        .hasSizeLessThan(answered.length() + RemoteGuards.SHOWN_BODY_CHARACTERS + 40);
            });
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldAskEveryOtherInstanceAtOnceForTheListOfHoldings() throws Exception {
        // given two instances, the first of which answers only once the second has been asked too
        CountDownLatch secondAsked = new CountDownLatch(1);
        HttpServer first = server(exchange -> {
            boolean together = await(secondAsked);
            answer(exchange, together ? 200 : 500, together ? "[{\"securityId\":\"A\"}]" : "{\"error\":\"alone\"}");
        });
        HttpServer second = server(exchange -> {
            secondAsked.countDown();
            answer(exchange, 200, "[{\"securityId\":\"B\"},{\"securityId\":\"C\"}]");
        });
        try {
            // when this instance asks both for their holdings
            List<RemoteGuards.Reply> answers = new RemoteGuards(JSON, new PeerAccess(false, null, null))
                    .getEach(List.of(hostOf(first), hostOf(second)), "/api/holdings?local=true", null);

            // then both were asked before either answered, and their answers come in the order asked
            assertThat(answers).extracting(reply -> reply.body().toString())
                    .containsExactly("[{\"securityId\":\"A\"}]", "[{\"securityId\":\"B\"},{\"securityId\":\"C\"}]");
        } finally {
            first.stop(0);
            second.stop(0);
        }
    }

    @Test
    void shouldSayWhichInstanceOfTheListCannotBeReached() throws Exception {
        // given one instance that answers, and one that has just stopped
        HttpServer up = server(exchange -> answer(exchange, 200, "[]"));
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try {
            // when this instance asks both for their holdings
            Throwable refused = catchThrowable(() -> new RemoteGuards(JSON, new PeerAccess(false, null, null))
                    .getEach(List.of(hostOf(up), new HostInfo("127.0.0.1", port)), "/api/holdings?local=true", null));

            // then a 503 to retry that names the one gone, as one of the owners rather than the holding's
            assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).isEqualTo("instance 127.0.0.1:" + port
                        + " that owns some of the holdings cannot be reached (connection refused); retry, and if "
                        + "this lasts, is its http.advertised.host an address the other instances can reach?");
            });
        } finally {
            up.stop(0);
        }
    }

    private static HttpServer server(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }

    private static HostInfo hostOf(HttpServer server) {
        return new HostInfo("127.0.0.1", server.getAddress().getPort());
    }

    /** Whether {@code latch} opened within ten seconds, far beyond the three an instance waits for another. */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        answer(exchange, 500, body);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
