package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.lockupguard.security.testing.JwksEndpoint;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.testing.CapturedLogs;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jose4j.http.Response;
import org.jose4j.http.SimpleResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A JWKS URL as the guard logs it: without the user and password it may carry. */
class JwksKeysTest {

    @Test
    void shouldLogTheJwksUrlWithoutItsUserInfo() throws Exception {
        // given an issuer serving its JWKS on loopback, a port nothing listens on, and JwksKeys' log recorded
        TestIssuer issuer = TestIssuer.rsa("key-1");
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 200,
                issuer::jwks, new AtomicInteger());
        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = socket.getLocalPort();
        }
        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class).at(Level.INFO)) {
            // when keys are fetched from URLs with a user and password: one that answers, one that cannot (presigned)
            boolean read = JwksKeys.url(URI.create("http://idp:jwks-secret@127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks"), Duration.ofMinutes(5), null).prefetch();
            boolean unreachable = JwksKeys.url(URI.create("http://idp:jwks-secret@127.0.0.1:" + nothingListens
                    + "/jwks?sig=s3cr3t"), Duration.ofMinutes(5), null).prefetch();

            // then both are logged with their host, port and path, and neither with the user, the password nor the
            // query
            assertThat(read).isTrue();
            assertThat(unreachable).isFalse();
            assertThat(logged.messages()).hasSize(2)
                    .anySatisfy(message -> assertThat(message).startsWith("JWKS http://127.0.0.1:"
                            + server.getAddress().getPort() + "/jwks: "))
                    .anySatisfy(message -> assertThat(message).startsWith("JWKS http://127.0.0.1:" + nothingListens
                            + "/jwks?[hidden] cannot be read"))
                    .noneSatisfy(message -> assertThat(message).containsAnyOf("jwks-secret", "idp", "s3cr3t"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldKeepTheJwksUrlsUserInfoAndQueryOutOfEveryLoggersLines() throws Exception {
        // given an issuer that serves its JWKS, then fails, on a URL with a user, a password and a signature, and
        // every logger recorded at every level (jose4j's own included)
        TestIssuer issuer = TestIssuer.rsa("key-1");
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            byte[] body = issuer.jwks().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI url = URI.create("http://idp:jwks-secret@127.0.0.1:" + server.getAddress().getPort() + "/jwks?sig=s3cr3t");
        try (CapturedLogs logged = CapturedLogs.of(org.slf4j.Logger.ROOT_LOGGER_NAME).at(Level.ALL)) {
            // when the keys are fetched, and fetched by another instance while the issuer fails
            boolean read = JwksKeys.url(url, Duration.ofMinutes(5), null).prefetch();
            status.set(503);
            boolean failed = JwksKeys.url(url, Duration.ofMinutes(5), null).prefetch();

            // then jose4j wrote of them, and nothing any logger wrote holds the user, the password or the query
            assertThat(read).isTrue();
            assertThat(failed).isFalse();
            assertThat(logged.events()).anySatisfy(event -> assertThat(event.getLoggerName()).startsWith("org.jose4j"));
            for (ILoggingEvent event : logged.events()) {
                String written = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : ThrowableProxyUtil.asString(event.getThrowableProxy()));
                assertThat(written).as(event.getLoggerName()).doesNotContain("jwks-secret").doesNotContain("s3cr3t")
                        .doesNotContain("idp:");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldNameTheJwksUrlAsShownInTheErrorOfAFailedFetch() throws Exception {
        // given a URL with a password and a signature, on a port nothing listens on, and one that answers 503
        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = socket.getLocalPort();
        }
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 503,
                () -> "unavailable", new AtomicInteger());
        try {
            for (int port : new int[] {nothingListens, server.getAddress().getPort()}) {
                URI url = URI.create("http://idp:jwks-secret@127.0.0.1:" + port + "/jwks?sig=s3cr3t");
                // when it is fetched
                Throwable failure = catchThrowable(() -> new JwksKeys.Fetch(url, null, JwksKeys.FETCH_DEADLINE)
                        .get(JwksKeys.shown(url)));
                // then the error, which jose4j logs with its causes, says what went wrong, and holds neither secret
                assertThat(failure).as("port " + port).isInstanceOf(java.io.IOException.class);
                assertThat(failure.getMessage()).contains(port == nothingListens ? "Connection refused" : "503");
                assertThat(failure.toString()).doesNotContain("jwks-secret").doesNotContain("s3cr3t");
                assertThat(failure.getCause()).isNull();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read a timeout cannot interrupt
    void shouldGiveUpAFetchWhoseAnswerTricklesInPastItsDeadline() throws Exception {
        // given an issuer that sends its answer's headers, then a byte of its body every 300 ms, for ever
        try (ServerSocket trickling = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread issuer = new Thread(() -> {
                try (Socket connection = trickling.accept()) {
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    while (true) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(300);
                    }
                } catch (Exception closed) {
                    // the guard gave up
                }
            });
            issuer.setDaemon(true);
            issuer.start();
            URI url = URI.create("http://127.0.0.1:" + trickling.getLocalPort() + "/jwks");

            // when the keys are fetched with a deadline of 2 s (no read waits as long as the 5 s read timeout)
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> new JwksKeys.Fetch(url, null, Duration.ofSeconds(2))
                    .get(JwksKeys.shown(url)));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            // then the fetch fails at its deadline, saying so, rather than hold the requests waiting for it
            assertThat(failure).isInstanceOf(IOException.class)
                    .hasMessageContaining("did not answer in full within 2 s");
            assertThat(waited).isBetween(Duration.ofMillis(1_900), Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldNotFollowARedirectOfTheJwksEndpointToAnotherHost() throws Exception {
        // given an endpoint that redirects to another server's JWKS, which counts what it is asked
        TestIssuer issuer = TestIssuer.rsa("key-1");
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer other = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 200,
                issuer::jwks, elsewhere);
        HttpServer redirecting = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 302,
                () -> "", Map.of("Location", "http://127.0.0.1:" + other.getAddress().getPort() + "/jwks"),
                new AtomicInteger());
        try {
            URI url = URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort() + "/jwks");
            // when the keys are fetched
            Throwable failure = catchThrowable(() -> new JwksKeys.Fetch(url, null, JwksKeys.FETCH_DEADLINE)
                    .get(JwksKeys.shown(url)));
            // then the redirect is refused, saying which URL to configure, and the other server is not asked
            assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("answered 302")
                    .hasMessageContaining("a redirect is not followed");
            assertThat(elsewhere.get()).isZero();
        } finally {
            redirecting.stop(0);
            other.stop(0);
        }
    }

    @Test
    void shouldShowAJwksUrlWithoutItsUserInfoWhereverJavaFindsNoHostInIt() {
        // given URLs whose user and password java.net.URI does not parse out: a host with an underscore (a compose
        // service's name), a password holding an unencoded '@', '/' or '?'; and ones it does
        List<String> unparsed = List.of("https://idp:s3cret@key_cloak:8443/jwks?sig=x",
                "https://idp@corp:s3cret@idp.example/jwks", "https://idp:pa/s3cret@idp.example/jwks",
                "https://idp:pa?s3cret@idp.example/jwks");
        URI plain = URI.create("https://idp:s3cret@127.0.0.1:8443/jwks");
        URI ipv6 = URI.create("https://idp:s3cret@[::1]:8443/jwks?sig=x");
        // when / then none is shown with its password; those parsed, with their host, port and path
        for (String url : unparsed) {
            assertThat(JwksKeys.shown(URI.create(url))).as(url).isEqualTo("https://[hidden]");
        }
        assertThat(JwksKeys.shown(plain)).isEqualTo("https://127.0.0.1:8443/jwks");
        assertThat(JwksKeys.shown(ipv6)).isEqualTo("https://[::1]:8443/jwks?[hidden]");
        assertThat(JwksKeys.shown(URI.create("https://idp:8443/s3cret@idp.example/jwks")))
                .as("a password that looks like a port and a path: neither the user nor the password's start shows")
                .isEqualTo("https://[hidden]");
        for (String url : List.of("https://idp:8443?s3cret@idp.example/jwks", "https://idp:8443#s3cret@idp.example")) {
            assertThat(JwksKeys.shown(URI.create(url))).as("a password holding a '?' or a '#': " + url)
                    .isEqualTo("https://[hidden]");
        }
        assertThat(JwksKeys.shown(URI.create("https://key_cloak:8443/jwks"))).isEqualTo("https://key_cloak:8443/jwks");
        assertThat(JwksKeys.shown(URI.create("https://idp.example"))).isEqualTo("https://idp.example");
    }

    @Test
    void shouldHoldTheKeysOfAJwksWithoutKeyIdsAsServedForATokenThatNamesNone() throws Exception {
        // given an issuer whose one key has no id, which a JWKS may leave out
        JwksKeys.Throttled fetch = throttled(TestIssuer.rsa(null).jwks());

        // when its JWKS is read
        fetch.get("https://idp.test/jwks");

        // then a token naming no key is verified with the keys in hand, not among those that must wait for a fetch
        assertThat(fetch.served(null)).isTrue();
        assertThat(fetch.served("made-up")).isFalse();
    }

    @Test
    void shouldKeepTheKeysServedWhenTheIssuerAnswersWithSomethingThatIsNotAJwks() throws Exception {
        // given an issuer that served key-1, then answers 200 with its maintenance page
        List<String> answers = new ArrayList<>(List.of(TestIssuer.rsa("key-1").jwks(),
                "<html>maintenance</html>"));
        JwksKeys.Throttled fetch = new JwksKeys.Throttled(location -> answer(answers.remove(0)),
                "https://idp.test/jwks", new AtomicLong()::get, Duration.ZERO);
        fetch.get("https://idp.test/jwks");

        // when it is asked again
        fetch.get("https://idp.test/jwks");

        // then key-1 is still served, as jose4j keeps it: its tokens are not sent to wait for a fetch
        assertThat(fetch.served("key-1")).isTrue();
    }

    @Test
    void shouldWarnOfAFailedFetchAtOnceThenEveryFiveMinutesAndSayWhenTheKeysAreReadAgain() throws Exception {
        // given an issuer that fails, then answers again; asked every 30 s
        AtomicLong clock = new AtomicLong();
        AtomicInteger status = new AtomicInteger(503);
        String jwks = TestIssuer.rsa("key-1").jwks();
        JwksKeys.Throttled fetch = new JwksKeys.Throttled(location -> {
            if (status.get() != 200) {
                throw new IOException("the JWKS endpoint https://idp.test/jwks answered " + status.get());
            }
            return answer(jwks);
        }, "https://idp.test/jwks", clock::get);
        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class).at(Level.INFO)) {
            // when it is asked every 30 s for six minutes, then once more after it answers again
            for (int ask = 0; ask < 12; ask++) {
                catchThrowable(() -> fetch.get("https://idp.test/jwks"));
                clock.addAndGet(JwksKeys.UNKNOWN_KEY_REFETCH_INTERVAL.toNanos());
            }
            status.set(200);
            fetch.get("https://idp.test/jwks");

            // then the failure was logged (jose4j's own line is below the guard's level) at the first ask and
            // after five minutes, saying what it means for tokens; and the keys read again, once
            assertThat(logged.messagesAt(Level.WARN)).hasSize(2).allSatisfy(message -> assertThat(message)
                    .startsWith("JWKS https://idp.test/jwks cannot be read (the JWKS endpoint https://idp.test/jwks "
                            + "answered 503): bearer JWTs are refused until it can"));
            assertThat(logged.messagesAt(Level.INFO)).containsExactly("JWKS https://idp.test/jwks read: 1 key(s)");
        }
    }

    @Test
    void shouldCountTheKeysReadAgainAfterAFailureThoseWithoutAnIdToo() throws Exception {
        // given an issuer whose two keys have no id, read once, then failing, then answering again
        AtomicLong clock = new AtomicLong();
        AtomicInteger status = new AtomicInteger(200);
        String jwks = TestIssuer.jwks(TestIssuer.rsa(null), TestIssuer.rsa(null));
        JwksKeys.Throttled fetch = new JwksKeys.Throttled(location -> {
            if (status.get() != 200) {
                throw new IOException("answered " + status.get());
            }
            return answer(jwks);
        }, "https://idp.test/jwks", clock::get);
        fetch.get("https://idp.test/jwks");
        status.set(503);
        clock.addAndGet(JwksKeys.UNKNOWN_KEY_REFETCH_INTERVAL.toNanos());
        catchThrowable(() -> fetch.get("https://idp.test/jwks"));
        status.set(200);
        clock.addAndGet(JwksKeys.UNKNOWN_KEY_REFETCH_INTERVAL.toNanos());

        // when it is read again
        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class).at(Level.INFO)) {
            fetch.get("https://idp.test/jwks");

            // then the keys are counted, not their ids (seen: "0 key id(s)")
            assertThat(logged.messagesAt(Level.INFO)).containsExactly("JWKS https://idp.test/jwks read again: 2 "
                    + "key(s)");
        }
    }

    private static JwksKeys.Throttled throttled(String jwks) {
        return new JwksKeys.Throttled(location -> answer(jwks), "https://idp.test/jwks", new AtomicLong()::get);
    }

    private static SimpleResponse answer(String body) {
        return new Response(200, "OK", Map.of(), body);
    }
}
