package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.JwksKeys;
import com.lockupguard.security.JwtSettings;
import com.lockupguard.security.JwtVerifier;
import com.lockupguard.security.Role;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.testing.CapturedLogs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live feed ({@code GET /api/events}) when a reader stops reading, and when one opens too many streams. */
class LiveStreamsTest {

    private final GuardMetrics metrics = new GuardMetrics();
    private final StubBackend.Feed feed = new StubBackend.Feed();
    private final List<Socket> sockets = new ArrayList<>();
    private GuardWebServer server;
    private int port;

    @BeforeEach
    void start() {
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, null, Duration.ofSeconds(1)), metrics,
                new ObjectMapper());
        port = server.start();
        server.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), feed, new StubBackend.Up()));
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
        metrics.close();
    }

    @Test
    void shouldKeepFeedingReadersWhileAnotherStopsReadingAndDisconnectTheOneThatFellBehind() throws Exception {
        // given a reader that never reads (a small receive buffer fills at once) and one that does
        Socket stalled = openStream(1024);
        Socket reading = openStream(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 2);
        AtomicInteger received = countDecisions(reading);
        // when more decisions are published than a stream may fall behind by, in bursts the reading one keeps up with
        int events = LiveStreams.QUEUE_CAPACITY * 2;
        int burst = LiveStreams.QUEUE_CAPACITY / 10;
        for (int sent = 0; sent < events; ) {
            for (int i = 0; i < burst; i++, sent++) {
                feed.publish(decisionEvent(sent));
            }
            int published = sent;
            // then the reading one gets each burst, in far less time than the server's idle timeout (30 s)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.get()).isEqualTo(published));
        }
        // and the stalled one is disconnected: no longer subscribed, nothing queued for it
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.subscribers.size() == 1);
        assertThat(stalled.isClosed()).isFalse(); // its end, not ours: the server let it go
    }

    @Test
    void shouldEndTheStreamOfAReaderThatFellBehindSoThatItsPageReconnects() throws Exception {
        // given a reader that does not read (a small receive buffer fills at once)
        Socket stalled = openStream(1024);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
        // when it falls further behind than a stream may
        for (int i = 0; i < LiveStreams.QUEUE_CAPACITY * 2 && !feed.subscribers.isEmpty(); i++) {
            feed.publish(decisionEvent(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.isEmpty());
        // then, once it reads again, what was sent is followed by the end of the stream, long before the server's
        // idle timeout (30 s): its EventSource reconnects and the page reloads what it missed, rather than wait on
        // a stream that sends nothing more
        await().atMost(Duration.ofSeconds(10)).until(() -> endOfStream(stalled));
    }

    @Test
    void shouldRefuseMoreStreamsPerSubjectThanTheCapAndAdmitAgainOnceOneCloses() throws Exception {
        // given as many streams as one subject may hold (authentication off: every caller is the same subject)
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < LiveStreams.MAX_STREAMS_PER_SUBJECT; i++) {
            open.add(openStream(0));
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == expected);
        }
        // when one more is asked for
        String refused = statusLine(openStream(0));
        // then it is refused before its answer begins, and nobody else is disturbed
        assertThat(refused).startsWith("HTTP/1.1 429");
        assertThat(feed.subscribers).hasSize(LiveStreams.MAX_STREAMS_PER_SUBJECT);
        // and once a reader goes away, its place is free again
        open.get(0).close();
        feed.publish(decisionEvent(0)); // a write to the closed socket is what tells the server it went
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statusLine(openStream(0)))
                .startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldAnswer429ToEveryStreamOfABurstBeyondTheCapNotAnEmpty200() throws Exception {
        // given a guard with no stream open (authentication off: every caller is the same subject)
        int asks = LiveStreams.MAX_STREAMS_PER_SUBJECT * 4;

        // when a page asks for far more streams than one subject may hold, all at once
        List<Socket> burst = new ArrayList<>();
        for (int i = 0; i < asks; i++) {
            burst.add(openStream(0));
        }

        // then as many as it may hold are opened and stay open, and every other is refused before its answer
        // begins: a 429 its page does not mistake for a stream that opened and ended at once
        await().atMost(Duration.ofSeconds(20))
                .until(() -> feed.subscribers.size() == LiveStreams.MAX_STREAMS_PER_SUBJECT);
        List<String> answers = new ArrayList<>();
        for (Socket socket : burst) {
            String status = statusLine(socket);
            answers.add(status.startsWith("HTTP/1.1 200") && endOfStream(socket) ? "200, then its end" : status);
        }
        assertThat(answers).filteredOn(answer -> answer.startsWith("HTTP/1.1 200"))
                .hasSize(LiveStreams.MAX_STREAMS_PER_SUBJECT);
        assertThat(answers).filteredOn(answer -> answer.startsWith("HTTP/1.1 429"))
                .hasSize(asks - LiveStreams.MAX_STREAMS_PER_SUBJECT);
        assertThat(feed.subscribers).hasSize(LiveStreams.MAX_STREAMS_PER_SUBJECT);
    }

    @Test
    void shouldFreeThePlaceOfAReaderThatWentAwayOnAQuietGuardWithoutWaitingForADecision() throws Exception {
        // given a guard whose streams are sent a comment after 200 ms without a write, and a subject holding as
        // many streams as it may
        restartWithHeartbeat(Duration.ofMillis(200));
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < LiveStreams.MAX_STREAMS_PER_SUBJECT; i++) {
            open.add(openStream(0));
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == expected);
        }
        // when one reader goes away and nothing is decided
        open.get(0).close();

        // then its place is free again all the same: the comment written to it found it gone
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size()
                == LiveStreams.MAX_STREAMS_PER_SUBJECT - 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statusLine(openStream(0)))
                .startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldEndStreamsWithoutTouchingARequestTheServerIsDoneWith() throws Exception {
        // given Javalin's own log recorded, and a guard whose streams are sent a comment after 100 ms
        List<String> warnings;
        try (CapturedLogs javalin = CapturedLogs.of("io.javalin.Javalin")) {
            restartWithHeartbeat(Duration.ofMillis(100));
            // when a reader goes away from a quiet guard, which comments on for a while
            Socket leaving = openStream(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
            leaving.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.isEmpty());
            Thread.sleep(500);
            // and the server stops while another reader is connected
            openStream(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
            server.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().startsWith("lockup-guard-sse-") && thread.isAlive()));
            warnings = javalin.messages();
        } finally {
            server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, null, Duration.ofSeconds(1)),
                    metrics, new ObjectMapper()); // not started: nothing for the test's end to stop
        }

        // then every stream ended, and none touched its request once the server was done with it: that failed,
        // and Javalin's handling of the failure failed in turn, without end (millions of warnings a minute)
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldStopTheServerPromptlyWhileAWriteToAReaderThatDoesNotReadIsUnderWay() throws Exception {
        // given a reader that does not read (a small receive buffer fills at once), its stream's sender blocked
        // in a write, well short of the events that would disconnect it
        Socket stalled = openStream(1024);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
        for (int i = 0; i < LiveStreams.QUEUE_CAPACITY / 2; i++) {
            feed.publish(decisionEvent(i));
        }
        Thread.sleep(500);

        // when the server stops
        long started = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // then it does not wait for that write (it fails as the server stops), and the stream ends
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("lockup-guard-sse-") && thread.isAlive()));
        stalled.close();
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, null, Duration.ofSeconds(1)),
                metrics, new ObjectMapper()); // not started: nothing for the test's end to stop
    }

    @Test
    void shouldSendAQuietReaderAHeartbeatEventThatItsPageSeesAndProxiesKeepItsStreamFor() throws Exception {
        // given a guard whose streams are sent a heartbeat after 200 ms without a write
        restartWithHeartbeat(Duration.ofMillis(200));
        BufferedReader lines = streamLines(openStream(0));

        // when a reader is connected and nothing is decided
        String line;
        do {
            line = lines.readLine();
        } while (line != null && !line.equals("event: heartbeat"));
        String data = lines.readLine();

        // then it is sent a named event with data, which an EventSource dispatches (a comment, or an event without
        // data, it drops): a page can tell a quiet stream from a dead one
        assertThat(line).isEqualTo("event: heartbeat");
        assertThat(data).isEqualTo("data: {}");
        assertThat(lines.readLine()).isEmpty();
    }

    @Test
    void shouldSayInEachHeartbeatThatTheFeedReadsNothingWhileItDoesNot() throws Exception {
        // given a guard whose decision feed reads nothing now, its streams sent a heartbeat after 5 s without a write
        restartWithHeartbeat(Duration.ofSeconds(5));
        feed.outage = new ReadinessReason("the decision feed failed (TimeoutException) at 2026-12-07T10:00:00Z; it "
                + "restarts 1000 ms after a failure", "the decision feed failed (TimeoutException: broker-1:9092 did "
                + "not answer) at 2026-12-07T10:00:00Z; it restarts 1000 ms after a failure");

        // when a reader connects
        BufferedReader lines = streamLines(openStream(0));
        long opened = System.nanoTime();
        String line;
        do {
            line = lines.readLine();
        } while (line != null && !line.equals("event: heartbeat"));

        // then it is told at once, not a heartbeat later, in words anyone may read (seen: "{}", the page green)
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isLessThan(Duration.ofSeconds(3));
        assertThat(lines.readLine()).isEqualTo("data: {\"feed\":\"down\",\"reason\":\"the decision feed failed "
                + "(TimeoutException) at 2026-12-07T10:00:00Z; it restarts 1000 ms after a failure\"}");
        // and once the feed reads again, the next heartbeat says nothing more
        feed.outage = null;
        do {
            line = lines.readLine();
        } while (line != null && !line.equals("event: heartbeat"));
        assertThat(lines.readLine()).isEqualTo("data: {}");
    }

    @Test
    void shouldSendNoHeartbeatWhileEventsKeepTheStreamBusy() throws Exception {
        // given a guard whose streams are sent a heartbeat after 4 s without a write (a loaded machine may stall the
        // publishing below for a second or two), and a connected reader
        restartWithHeartbeat(Duration.ofSeconds(4));
        BufferedReader lines = streamLines(openStream(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);

        // when a decision is sent every 200 ms for 9 s: more than two heartbeats' time, so that one sent on a clock
        // of its own, whatever the writes, would come
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            feed.publish(decisionEvent(i));
            Thread.sleep(200);
        }
        feed.publish(decisionEvent(99));
        String line;
        while ((line = lines.readLine()) != null && !line.contains("\"o-99-")) {
            seen.add(line);
        }

        // then the stream had no heartbeat: each event is a write that tells a reader gone, as a heartbeat would
        assertThat(seen).contains("event: decision").doesNotContain("event: heartbeat");
    }

    @Test
    void shouldAdmitReadersForAsLongAsTheyComeAndGoEvenOnceMoreHaveComeThanMayBeOpenAtOnce() throws Exception {
        // given readers that open the feed one after another, each going away before the next comes (page reloads),
        // more of them over time than the instance holds open at once
        for (int i = 0; i < LiveStreams.MAX_STREAMS; i++) {
            Socket reader = openStream(0);
            await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10))
                    .until(() -> feed.subscribers.size() == 1);
            reader.close();
            // a write to the closed socket is what tells the server it went
            await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10)).until(() -> {
                feed.publish(decisionEvent(0));
                return feed.subscribers.isEmpty();
            });
        }
        // when one more comes, then it is admitted: a stream that ended gave its place back
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statusLine(openStream(0)))
                .startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldForgetAStreamsEndAtItsTokensExpiryOnceTheStreamHasEnded(@TempDir Path dir) throws Exception {
        // given a guard that authenticates readers by JWT, and a reader whose token expires in an hour
        TestIssuer issuer = TestIssuer.rsa("live-key");
        try (JwtGuard guard = JwtGuard.start(issuer, dir, feed)) {
            Socket reader = openStream(guard.port(), 0, issuer.token().sign());
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
            assertThat(guard.server().streamExpiriesPending()).as("its end at the expiry, to come").isEqualTo(1);

            // when the reader goes away (a write tells the server)
            reader.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                feed.publish(decisionEvent(0));
                return feed.subscribers.isEmpty();
            });

            // then nothing is kept for it until its token would have expired: a page reconnecting all day adds none
            await().atMost(Duration.ofSeconds(10)).until(() -> guard.server().streamExpiriesPending() == 0);
        }
    }

    @Test
    void shouldAnswer503ToAStreamAskedForWhileTheGuardIsStartingAndOpenItOnceItHasStarted(@TempDir Path dir)
            throws Exception {
        // given a guard that authenticates readers by JWT and is still starting: its feed is not there yet
        TestIssuer issuer = TestIssuer.rsa("live-key");
        try (JwtGuard guard = JwtGuard.starting(issuer, dir)) {
            String token = issuer.token().sign();

            // when a page asks for the live feed, three times as it retries, once with a ticket
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(wholeAnswer(openStream(guard.port(), 0, token)));
            }
            String ticket = guard.ticket(token);
            answers.add(wholeAnswer(openStream(guard.port(), "/api/events?ticket=" + ticket, 0, null)));

            // then each is answered 503 with a retry, before any stream begins, so that the page comes back (a
            // stream begun without the feed stayed open and silent, the page showing it connected) and nothing
            // is kept for it until its token would expire
            assertThat(answers).allSatisfy(answer -> assertThat(answer).startsWith("HTTP/1.1 503")
                    .contains("Retry-After: 1").contains("the guard is starting; retry")
                    .doesNotContain("text/event-stream"));
            assertThat(guard.server().streamExpiriesPending()).isZero();

            // and once it has started, the same page's ticket, not spent by the 503, opens the stream
            guard.server().attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), feed,
                    new StubBackend.Up()));
            String opened = statusLine(openStream(guard.port(), "/api/events?ticket=" + ticket, 0, null));
            assertThat(opened).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
        }
    }

    @Test
    void shouldAnswer503ToAStreamAskedForWhileTheFeedReadsWhatWasDecidedBeforeAndOpenItOnceRead() throws Exception {
        // given a guard whose feed still reads what was committed before it started (its page would load its lists
        // without the newest of it as the stream opens, and the stream tells only what comes after)
        feed.backlogRead = false;

        // when a page asks for the live feed
        String refused = wholeAnswer(openStream(0));

        // then it is answered 503 with a retry, before any stream begins
        assertThat(refused).startsWith("HTTP/1.1 503").contains("Retry-After: 1")
                .contains("the live feed is reading what was decided before this instance started; retry")
                .doesNotContain("text/event-stream");
        assertThat(feed.subscribers).isEmpty();

        // and once the feed has read it, the stream opens
        feed.backlogRead = true;
        assertThat(statusLine(openStream(0))).startsWith("HTTP/1.1 200");
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
    }

    @Test
    void shouldSayWhyTheFeedReadsNothingToAStreamRefusedBeforeItReadWhatWasDecidedBefore() throws Exception {
        // given a feed that failed while it read what was committed before it started (its brokers away, say)
        feed.backlogRead = false;
        feed.outage = new ReadinessReason("the decision feed failed (TimeoutException) at 2026-12-07T10:00:00Z; it "
                + "restarts 1000 ms after a failure", "the decision feed failed (TimeoutException)");

        // when a page asks for the live feed
        String refused = wholeAnswer(openStream(0));

        // then it is refused saying why the feed reads nothing, not that it is reading (seen: for ever, the feed
        // stopped for good); opened, its page would load its lists once the feed reads again, before the backlog is
        assertThat(refused).startsWith("HTTP/1.1 503").contains("Retry-After: 1")
                .contains("the live feed reads nothing now: the decision feed failed (TimeoutException) at "
                        + "2026-12-07T10:00:00Z; it restarts 1000 ms after a failure; retry");
        assertThat(feed.subscribers).isEmpty();
    }

    @Test
    void shouldGiveBackThePlaceOfAStreamThatFailedToOpen() throws Exception {
        // given a guard whose feed fails every subscription (a stream that cannot be opened, whatever the cause)
        server.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), new StubBackend.Feed() {
            @Override
            public AutoCloseable subscribe(java.util.function.Consumer<DecisionHistory.Event> subscriber) {
                throw new IllegalStateException("the feed failed");
            }
        }, new StubBackend.Up()));

        // when one caller asks for more streams, one after another, than it may hold at once
        List<String> answers = new ArrayList<>();
        try (CapturedLogs logs = CapturedLogs.of(GuardWebServer.class)) {
            int asks = LiveStreams.MAX_STREAMS_PER_SUBJECT + 1;
            for (int i = 0; i < asks; i++) {
                Socket asked = openStream(0);
                asked.setSoTimeout(5_000);
                answers.add(new String(asked.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            }

            // then each stream is ended at once (not left open and silent), and none keeps its place: never a 429
            assertThat(answers).allSatisfy(answer -> assertThat(answer).startsWith("HTTP/1.1 200"));
            // and each failure is logged
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.messagesAt(Level.ERROR).size() == asks);
            assertThat(logs.messagesAt(Level.ERROR)).containsOnly("GET /api/events failed");
        }
    }

    /** All that {@code socket} is sent until the server closes the connection. */
    private static String wholeAnswer(Socket socket) throws Exception {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldRefuseMoreStreamsInAllThanTheInstanceHoldsWhateverTheirSubjects(@TempDir Path dir) throws Exception {
        // given a guard that authenticates readers by JWT
        TestIssuer issuer = TestIssuer.rsa("live-key");
        try (JwtGuard guard = JwtGuard.start(issuer, dir, feed)) {
            int jwtPort = guard.port();
            // and as many streams open as it holds, each subject within its own cap
            int subjects = LiveStreams.MAX_STREAMS / LiveStreams.MAX_STREAMS_PER_SUBJECT;
            for (int subject = 0; subject < subjects; subject++) {
                String token = issuer.token().claim("sub", "reader-" + subject).sign();
                for (int i = 0; i < LiveStreams.MAX_STREAMS_PER_SUBJECT; i++) {
                    openStream(jwtPort, 0, token);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> feed.subscribers.size() == LiveStreams.MAX_STREAMS);

            // when one more subject asks for a stream
            String refused = statusLine(openStream(jwtPort, 0, issuer.token().claim("sub", "reader-" + subjects)
                    .sign()));

            // then it is refused: no number of identities takes every thread of the instance
            assertThat(refused).startsWith("HTTP/1.1 429");
            assertThat(feed.subscribers).hasSize(LiveStreams.MAX_STREAMS);
        }
    }

    @Test
    void shouldKeepATicketRefusedForTooManyStreamsSoThatItOpensOneOnceAPlaceIsFree(@TempDir Path dir)
            throws Exception {
        // given a reader holding as many streams as one subject may, by JWT, and a ticket bought with the same token
        TestIssuer issuer = TestIssuer.rsa("live-key");
        try (JwtGuard guard = JwtGuard.start(issuer, dir, feed)) {
            String token = issuer.token().claim("sub", "reader").sign();
            List<Socket> open = new ArrayList<>();
            for (int i = 0; i < LiveStreams.MAX_STREAMS_PER_SUBJECT; i++) {
                open.add(openStream(guard.port(), 0, token));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> feed.subscribers.size() == LiveStreams.MAX_STREAMS_PER_SUBJECT);
            String ticket = guard.ticket(token);

            // when its page opens one more with the ticket, and again once one of its streams has gone
            String refused = statusLine(openStream(guard.port(), "/api/events?ticket=" + ticket, 0, null));
            open.get(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                feed.publish(decisionEvent(0)); // a write to the closed socket is what tells the server it went
                // its place is free once its expiry is cancelled, which comes after: the subscription goes first
                return guard.server().streamExpiriesPending() < LiveStreams.MAX_STREAMS_PER_SUBJECT;
            });
            String retried = statusLine(openStream(guard.port(), "/api/events?ticket=" + ticket, 0, null));

            // then the 429 did not spend the ticket: the retry it invites opens the stream
            assertThat(refused).startsWith("HTTP/1.1 429");
            assertThat(retried).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void shouldGiveBackThePlaceATicketTookWhenItsRequestIsRefusedAfterwards(@TempDir Path dir) throws Exception {
        // given a reader by JWT and a ticket bought with its token
        TestIssuer issuer = TestIssuer.rsa("live-key");
        try (JwtGuard guard = JwtGuard.start(issuer, dir, feed)) {
            String ticket = guard.ticket(issuer.token().claim("sub", "reader").sign());

            // when its page asks, more times than the reader may hold streams, with a query the feed refuses (the
            // ticket's place taken before the query is read, and the ticket not spent on it), then as it should
            List<String> refused = new ArrayList<>();
            for (int i = 0; i <= LiveStreams.MAX_STREAMS_PER_SUBJECT; i++) {
                refused.add(statusLine(openStream(guard.port(), "/api/events?ticket=" + ticket + "&limit=5", 0, null)));
            }
            String opened = statusLine(openStream(guard.port(), "/api/events?ticket=" + ticket, 0, null));

            // then each refusal gave its place back: the stream opens
            assertThat(refused).allSatisfy(status -> assertThat(status).startsWith("HTTP/1.1 400"));
            assertThat(opened).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.subscribers.size() == 1);
        }
    }

    /** A web server that authenticates by JWTs of {@code issuer}, feeding its live streams from {@code feed}. */
    private record JwtGuard(GuardWebServer server, GuardMetrics metrics, int port) implements AutoCloseable {

        static JwtGuard start(TestIssuer issuer, Path dir, StubBackend.Feed feed) throws Exception {
            JwtGuard guard = starting(issuer, dir);
            guard.server.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), feed,
                    new StubBackend.Up()));
            return guard;
        }

        /** One still starting: its Kafka side (the feed among it) not attached yet. */
        static JwtGuard starting(TestIssuer issuer, Path dir) throws Exception {
            JwtVerifier jwt = new JwtVerifier(JwksKeys.file(issuer.writeJwks(dir.resolve("jwks.json"))),
                    new JwtSettings(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of("RS256"), Duration.ofSeconds(30),
                            List.of("scope"), Map.of(Role.READ, Set.of(TestIssuer.READ), Role.SUBMIT,
                                    Set.of(TestIssuer.SUBMIT))));
            GuardMetrics metrics = new GuardMetrics();
            GuardWebServer server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0,
                    Duration.ofSeconds(1), new BearerAuthenticator(null, null, jwt, "JWT"), null), metrics,
                    new ObjectMapper());
            return new JwtGuard(server, metrics, server.start());
        }

        /** A live-feed ticket bought with {@code bearer}. */
        String ticket(String bearer) throws Exception {
            HttpResponse<String> bought = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/events/ticket"))
                    .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bought.statusCode()).isEqualTo(200);
            return new ObjectMapper().readTree(bought.body()).get("ticket").asText();
        }

        @Override
        public void close() {
            server.close();
            metrics.close();
        }
    }

    /** The server again, its streams sent a comment after {@code heartbeat} without a write. */
    private void restartWithHeartbeat(Duration heartbeat) {
        server.close();
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, null, Duration.ofSeconds(1)),
                metrics, new ObjectMapper(), java.time.Clock.systemUTC(), heartbeat);
        port = server.start();
        server.attach(new GuardWebServer.Backend(null, new StubBackend.Holdings(), feed, new StubBackend.Up()));
    }

    private Socket openStream(int receiveBuffer) throws Exception {
        return openStream(port, receiveBuffer, null);
    }

    private Socket openStream(int serverPort, int receiveBuffer, String bearer) throws Exception {
        return openStream(serverPort, "/api/events", receiveBuffer, bearer);
    }

    private Socket openStream(int serverPort, String target, int receiveBuffer, String bearer) throws Exception {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", serverPort));
        String authorization = bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n";
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
                + "\r\n" + authorization + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        sockets.add(socket);
        return socket;
    }

    /** Reads what {@code socket} has; true once the server ended the stream, false if it is still open. */
    private static boolean endOfStream(Socket socket) throws Exception {
        socket.setSoTimeout(200);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // what was sent before the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: ended all the same
        }
    }

    /** What a stream sends, line by line; a read waits up to 10 s. */
    private static BufferedReader streamLines(Socket stream) throws Exception {
        stream.setSoTimeout(10_000);
        return new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String statusLine(Socket socket) throws Exception {
        socket.setSoTimeout(5_000);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                .readLine();
    }

    private static AtomicInteger countDecisions(Socket socket) {
        AtomicInteger received = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.equals("event: decision")) {
                        received.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                // the test ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return received;
    }

    private static DecisionHistory.Event decisionEvent(int i) {
        ProposedOrder order = ProposedOrder.newBuilder().setOrderId("o-" + i + "-" + "x".repeat(200))
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE).setQuantity(1L).build();
        return new DecisionHistory.Event(DecisionHistory.Event.DECISION, "dutchess/CBYI",
                GuardWebServerTest.decision(order, Outcome.APPROVED, List.of(), 1L));
    }
}
