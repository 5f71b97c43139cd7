package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The REST client against scripted registries: retries, failover, caching, and what each refusal is. */
@Timeout(20)
class HttpSchemaRegistryClientScriptedTest {

    private static final Schema ORDER = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Order\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
    private static final String ORDER_JSON = "{\"schema\":" + quotedJson(ORDER.toString()) + ",\"id\":5}";

    private final List<Registry> registries = new ArrayList<>();

    @AfterEach
    void stopRegistries() {
        registries.forEach(r -> r.server.stop(0));
    }

    @Test
    void shouldRetryA5xxOnTheNextUrlAndThenPreferTheUrlThatAnswered() {
        // given two registries, the first failing
        Registry down = registry();
        Registry up = registry();
        down.answer("POST /subjects/orders-value/versions", 503, "{\"message\":\"overloaded\"}");
        up.answer("POST /subjects/orders-value/versions", 200, "{\"id\":5}");
        up.answer("GET /schemas/ids/6", 200, "{\"schema\":" + quotedJson(ORDER.toString()) + "}");
        HttpSchemaRegistryClient client = client(Map.of(), down, up);

        // when the first request fails over, and a second one follows
        int id = client.register("orders-value", ORDER);
        Schema schema = client.getSchemaById(6);

        // then the answer is the second registry's, and the second request went straight to it
        assertThat(id).isEqualTo(5);
        assertThat(schema).isEqualTo(ORDER);
        assertThat(down.asked).containsExactly("POST /subjects/orders-value/versions");
        assertThat(up.asked).containsExactly("POST /subjects/orders-value/versions", "GET /schemas/ids/6");
    }

    @Test
    void shouldGiveUpAfterMaxRetriesPlusOneAttemptsWithTheLastProblemAndNoPassword() {
        // given a registry behind a URL with credentials that always fails
        Registry down = registry();
        down.answer("GET /subjects", 500, "{\"message\":\"disk full\"}");
        String url = "http://desk:s3cret@localhost:" + down.port();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings(url, Map.of("max.retries", "2")));

        // when
        Throwable thrown = catchThrowable(client::getAllSubjects);

        // then it was asked three times, and the failure says why without the password
        assertThat(down.asked).hasSize(3);
        assertThat(thrown).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("after 3 attempts").hasMessageContaining("answered 500: disk full")
                .hasMessageNotContaining("s3cret");
        assertThat(((SchemaRegistryException) thrown).errorCode()).isEqualTo(-1);
    }

    @Test
    void shouldNotRetryWhenNoRetriesAreAllowed() {
        // given
        Registry down = registry();
        down.answer("GET /subjects", 502, "bad gateway");
        HttpSchemaRegistryClient client = client(Map.of("max.retries", "0"), down);

        // when / then
        assertThatThrownBy(client::getAllSubjects).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("after 1 attempts").hasMessageContaining("answered 502: bad gateway");
        assertThat(down.asked).hasSize(1);
    }

    @Test
    void shouldGiveUpOnAnAnswerWhoseBodyStallsWithinTheReadTimeoutAndAskTheNextUrl() throws Exception {
        // given a registry that sends an answer's headers and the start of its body, then nothing more, the
        // connection open (a proxy that stalled); and a registry that answers, after it
        try (ServerSocket stalling = new ServerSocket(0)) {
            stallEachAnswer(stalling);
            Registry answering = registry();
            answering.answer("GET /schemas/ids/5", 200, ORDER_JSON);
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://127.0.0.1:"
                    + stalling.getLocalPort() + ",http://localhost:" + answering.port(), Map.of("max.retries", "0",
                            "http.read.timeout.ms", "500")));

            // when a schema is asked for
            long started = System.nanoTime();
            Schema schema = client.getSchemaById(5);

            // then the stalled answer is given up on within the read timeout, and the next URL's taken
            assertThat(schema).isEqualTo(ORDER);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldSayAStalledAnswerWasNotWholeWithinTheReadTimeout() throws Exception {
        // given only a registry whose answers stall in their body
        try (ServerSocket stalling = new ServerSocket(0)) {
            stallEachAnswer(stalling);
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://127.0.0.1:"
                    + stalling.getLocalPort(), Map.of("max.retries", "0", "http.read.timeout.ms", "500")));

            // when / then
            assertThatThrownBy(() -> client.getSchemaById(5)).isInstanceOf(SchemaRegistryException.Unavailable.class)
                    .hasMessageContaining("gave no answer (HttpTimeoutException: no whole answer within 500 ms)");
        }
    }

    /**
     * Answers each connection's request with headers and part of a body, then holds the connection, silent; on a
     * thread of its own, until {@code server} is closed.
     */
    private static void stallEachAnswer(ServerSocket server) {
        Thread stalling = new Thread(() -> stallEachAnswerUntilClosed(server), "stalling-registry");
        stalling.setDaemon(true);
        stalling.start();
    }

    private static void stallEachAnswerUntilClosed(ServerSocket server) {
        List<java.net.Socket> held = new ArrayList<>();
        try {
            while (true) {
                java.net.Socket socket = server.accept();
                held.add(socket);
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int read = in.read();
                    if (read < 0) {
                        break;
                    }
                    head.append((char) read);
                }
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"schema\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException closed) {
            held.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            });
        }
    }

    @Test
    void shouldSpeakHttp11WithoutAskingToUpgradeToHttp2() {
        // given a registry over plain http
        Registry registry = registry();
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);

        // when a schema is asked for
        client(Map.of(), registry).getSchemaById(5);

        // then the request asks for no upgrade (h2c), as Confluent's client does not
        assertThat(registry.headers).singleElement().satisfies(sent -> assertThat(sent.keySet())
                .doesNotContain("Upgrade", "Http2-settings", "HTTP2-Settings"));
    }

    @Test
    void shouldSayARefusedConnectionCouldNotConnect() throws IOException {
        // given a URL where nothing listens
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://localhost:" + port,
                Map.of("max.retries", "0")));

        // when / then
        assertThatThrownBy(client::getAllSubjects).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("gave no answer (could not connect)").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void shouldRetryARateLimitAndATimeoutWaitingAsRetryAfterAsksUpToTheLongestWait() {
        // given a registry that is rate limited, asking for 30 s, then times a request out, then answers
        Registry limited = registry();
        limited.answer("GET /subjects", 429, "{\"message\":\"slow down\"}", "Retry-After", "30");
        limited.answer("GET /subjects", 408, "{\"message\":\"timed out\"}");
        limited.answer("GET /subjects", 200, "[\"a\",\"b\"]");
        HttpSchemaRegistryClient client = client(Map.of("retries.max.wait.ms", "150"), limited);

        // when
        long start = System.nanoTime();
        List<String> subjects = new ArrayList<>(client.getAllSubjects());
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        // then it was asked again, after the longest wait (150 ms) twice, not after the second asked for
        assertThat(subjects).containsExactly("a", "b");
        assertThat(limited.asked).hasSize(3);
        assertThat(tookMillis).isBetween(290L, 10_000L); // (not 30 s: the longest wait bounds Retry-After)
    }

    @Test
    void shouldDoubleTheWaitBetweenRetries() {
        // given a registry that fails three times
        Registry down = registry();
        down.answer("GET /subjects", 503, "{}");
        down.answer("GET /subjects", 503, "{}");
        down.answer("GET /subjects", 503, "{}");
        down.answer("GET /subjects", 200, "[]");
        HttpSchemaRegistryClient client = client(Map.of("retries.wait.ms", "40", "retries.max.wait.ms", "1000"),
                down);

        // when
        long start = System.nanoTime();
        client.getAllSubjects();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        // then it waited 40 + 80 + 160 ms (not 3 s: the longest wait each time)
        assertThat(tookMillis).isBetween(280L, 2_500L);
    }

    @Test
    void shouldRetryAnAnswerThatIsNotJsonAsAPageThatIsNotTheRegistrys() {
        // given a proxy's page in front of one registry, and the registry behind another URL
        Registry proxy = registry();
        Registry real = registry();
        proxy.answer("GET /subjects", 200, "<html>login</html>");
        real.answer("GET /subjects", 200, "[\"orders-value\"]");

        // when
        List<String> subjects = new ArrayList<>(client(Map.of(), proxy, real).getAllSubjects());

        // then
        assertThat(subjects).containsExactly("orders-value");

        // and a proxy alone is reported as such
        Registry only = registry();
        only.answer("GET /subjects", 200, "<html>login</html>");
        assertThatThrownBy(() -> client(Map.of("max.retries", "0"), only).getAllSubjects())
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 200 with a body that is not JSON (\"<html>login</html>\")");
    }

    @Test
    void shouldCacheTheIdOfASchemaPerSubjectAndItsSchemaById() {
        // given
        Registry registry = registry();
        registry.answer("POST /subjects/orders-value/versions", 200, "{\"id\":5}");
        registry.answer("POST /subjects/orders-key", 200, "{\"id\":9}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        int registered = client.register("orders-value", ORDER);
        int again = client.register("orders-value", ORDER);
        int known = client.getId("orders-value", ORDER);
        int other = client.getId("orders-key", ORDER);
        int otherAgain = client.getId("orders-key", ORDER);
        Schema byId = client.getSchemaById(5);

        // then the registry was asked once per subject, and not for the schema it gave the id of
        assertThat(List.of(registered, again, known, other, otherAgain)).containsExactly(5, 5, 5, 9, 9);
        assertThat(byId).isEqualTo(ORDER);
        assertThat(registry.asked).containsExactly("POST /subjects/orders-value/versions",
                "POST /subjects/orders-key");
        assertThat(registry.bodies.get(0)).contains("\"schemaType\":\"AVRO\"").contains("\\\"Order\\\"");
    }

    @Test
    void shouldCacheASchemaById() {
        // given
        Registry registry = registry();
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        client.getSchemaById(5);
        Schema again = client.getSchemaById(5);

        // then
        assertThat(again).isEqualTo(ORDER);
        assertThat(registry.asked).hasSize(1);
    }

    @Test
    void shouldRememberAnUnknownIdForAMomentAndAskAgainAfterIt() throws InterruptedException {
        // given a registry that does not know id 7, then does
        Registry registry = registry();
        registry.answer("GET /schemas/ids/7", 404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        registry.answer("GET /schemas/ids/7", 200, ORDER_JSON);
        HttpSchemaRegistryClient client = client(Map.of("missing.id.cache.ttl.sec", "1"), registry);

        // when asked twice at once
        Throwable first = catchThrowable(() -> client.getSchemaById(7));
        Throwable second = catchThrowable(() -> client.getSchemaById(7));

        // then the registry was asked once, and both are the registry's "not found"
        assertThat(first).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("Schema 7 not found").hasMessageNotContaining("subject");
        assertThat(second).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessage(first.getMessage()).isNotSameAs(first);
        assertThat(registry.asked).hasSize(1);

        // and when the moment has passed, it is asked again and its answer is kept
        Thread.sleep(1_050);
        assertThat(client.getSchemaById(7)).isEqualTo(ORDER);
        assertThat(client.getSchemaById(7)).isEqualTo(ORDER);
        assertThat(registry.asked).hasSize(2);
    }

    @Test
    void shouldAskForAnUnknownIdEachTimeWhenNotRememberingThem() {
        // given
        Registry registry = registry();
        registry.answer("GET /schemas/ids/7", 404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        registry.answer("GET /schemas/ids/7", 404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        registry.answer("GET /schemas/ids/8", 404, "{\"error_code\":40403,\"message\":\"Schema 8 not found\"}");
        registry.answer("GET /schemas/ids/8", 404, "{\"error_code\":40403,\"message\":\"Schema 8 not found\"}");
        HttpSchemaRegistryClient noTtl = client(Map.of("missing.id.cache.ttl.sec", "0"), registry);
        HttpSchemaRegistryClient noRoom = client(Map.of("missing.cache.size", "0"), registry);

        // when
        catchThrowable(() -> noTtl.getSchemaById(7));
        catchThrowable(() -> noTtl.getSchemaById(7));
        catchThrowable(() -> noRoom.getSchemaById(8));
        catchThrowable(() -> noRoom.getSchemaById(8));

        // then
        assertThat(registry.asked).containsExactly("GET /schemas/ids/7", "GET /schemas/ids/7",
                "GET /schemas/ids/8", "GET /schemas/ids/8");
    }

    @Test
    void shouldForgetEveryUnknownIdWhenTheirRoomIsFull() {
        // given room for two unknown ids
        Registry registry = registry();
        for (int id = 1; id <= 3; id++) {
            registry.answer("GET /schemas/ids/" + id, 404, "{\"error_code\":40403,\"message\":\"no " + id + "\"}");
        }
        registry.answer("GET /schemas/ids/1", 404, "{\"error_code\":40403,\"message\":\"no 1\"}");
        HttpSchemaRegistryClient client = client(Map.of("missing.cache.size", "2"), registry);
        catchThrowable(() -> client.getSchemaById(1));
        catchThrowable(() -> client.getSchemaById(2));
        catchThrowable(() -> client.getSchemaById(1));
        catchThrowable(() -> client.getSchemaById(2));

        // when a third comes, all are forgotten
        catchThrowable(() -> client.getSchemaById(3));
        catchThrowable(() -> client.getSchemaById(1));

        // then both were remembered until then, and asked for again after
        assertThat(registry.asked).containsExactly("GET /schemas/ids/1", "GET /schemas/ids/2", "GET /schemas/ids/3",
                "GET /schemas/ids/1");
    }

    @Test
    void shouldNotAskForAnIdBelowOne() {
        // given
        Registry registry = registry();
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when / then
        assertThatThrownBy(() -> client.getSchemaById(0)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("ids start at 1");
        assertThatThrownBy(() -> client.getSchemaById(-3)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        assertThat(registry.asked).isEmpty();
    }

    @Test
    void shouldRememberASchemaThatIsNotAvroAsInvalid() {
        // given a Protobuf producer's schema
        Registry registry = registry();
        registry.answer("GET /schemas/ids/4", 200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = proto3;\"}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        Throwable first = catchThrowable(() -> client.getSchemaById(4));
        Throwable second = catchThrowable(() -> client.getSchemaById(4));

        // then
        assertThat(first).isInstanceOf(SchemaRegistryException.InvalidSchema.class)
                .hasMessageContaining("the registry's schema id 4 is not an Avro schema");
        assertThat(second).isInstanceOf(SchemaRegistryException.InvalidSchema.class).hasMessage(first.getMessage());
        assertThat(registry.asked).hasSize(1);
    }

    @Test
    void shouldRefuseASchemaWhoseSchemaTypeIsNotAvroSayingSoEvenWhereAvroWouldParseIt() {
        // given a JSON Schema producer's schema, which Avro would read as a string, and a Protobuf one
        Registry registry = registry();
        registry.answer("GET /schemas/ids/6", 200, "{\"schemaType\":\"JSON\",\"schema\":"
                + quotedJson("{\"type\":\"string\"}") + "}");
        registry.answer("GET /schemas/ids/4", 200, "{\"schemaType\":\"PROTOBUF\",\"schema\":"
                + quotedJson("syntax = \"proto3\";") + "}");
        registry.answer("GET /schemas/ids/5", 200, "{\"schemaType\":\"AVRO\",\"schema\":"
                + quotedJson("\"string\"") + "}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        Throwable json = catchThrowable(() -> client.getSchemaById(6));
        Throwable jsonAgain = catchThrowable(() -> client.getSchemaById(6));
        Throwable protobuf = catchThrowable(() -> client.getSchemaById(4));
        Schema avro = client.getSchemaById(5);

        // then each that is not Avro is refused as such, and remembered; one that says it is Avro is read
        assertThat(json).isInstanceOf(SchemaRegistryException.InvalidSchema.class)
                .hasMessage("the registry's schema id 6 is not an Avro schema: its schemaType is JSON, and the guard "
                        + "reads Avro only");
        assertThat(jsonAgain).isInstanceOf(SchemaRegistryException.InvalidSchema.class).hasMessage(json.getMessage());
        assertThat(protobuf).isInstanceOf(SchemaRegistryException.InvalidSchema.class)
                .hasMessageContaining("its schemaType is PROTOBUF");
        assertThat(avro.getType()).isEqualTo(Schema.Type.STRING);
        assertThat(registry.asked).containsExactly("GET /schemas/ids/6", "GET /schemas/ids/4", "GET /schemas/ids/5");
    }

    @Test
    void shouldTellEachRefusalByItsType() {
        // given a registry refusing in every way it can
        Registry registry = registry();
        registry.answer("POST /subjects/a/versions", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        registry.answer("POST /subjects/b/versions", 403, "{\"error_code\":40301,\"message\":\"denied\"}");
        registry.answer("POST /subjects/c/versions", 409, "{\"error_code\":409,\"message\":\"breaks BACKWARD\"}");
        registry.answer("POST /subjects/d/versions", 422, "{\"error_code\":42201,\"message\":\"bad schema\"}");
        registry.answer("POST /subjects/e", 404, "{\"error_code\":40401,\"message\":\"Subject 'e' not found.\"}");
        registry.answer("POST /subjects/f", 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        registry.answer("POST /subjects/g/versions", 400, "{\"error_code\":400,\"message\":\"odd\"}");
        registry.answer("POST /subjects/h/versions", 418, "{\"error_code\":41801,\"message\":\"teapot\"}");
        registry.answer("GET /schemas/ids/9", 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when / then
        assertThatThrownBy(() -> client.register("a", ORDER)).isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining("refused the credentials (401)")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(401));
        assertThatThrownBy(() -> client.register("b", ORDER)).isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining("does not allow POST /subjects/b/versions").hasMessageEndingWith("subject b")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(403));
        assertThatThrownBy(() -> client.register("c", ORDER))
                .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class).hasMessageContaining("breaks BACKWARD");
        assertThatThrownBy(() -> client.register("d", ORDER)).isInstanceOf(SchemaRegistryException.InvalidSchema.class)
                .hasMessageContaining("(42201): bad schema");
        assertThatThrownBy(() -> client.getId("e", ORDER)).isInstanceOf(SchemaRegistryException.SubjectNotFound.class);
        assertThatThrownBy(() -> client.getId("f", ORDER)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageStartingWith("Schema not found: the schema is not registered under subject 'f'");
        assertThatThrownBy(() -> client.register("g", ORDER)).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry answered 400 (400) to POST /subjects/g/versions: odd");
        assertThatThrownBy(() -> client.register("h", ORDER)).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry answered 418 (41801) to POST /subjects/h/versions: teapot");
        assertThatThrownBy(() -> client.getSchemaById(9)).isInstanceOf(SchemaRegistryException.InvalidSchema.class)
                .hasMessage("schema registry found the schema of GET /schemas/ids/9 invalid (42201): Invalid schema");
        // each refusal is an answer: asked once
        assertThat(registry.asked).hasSize(9);
    }

    @Test
    void shouldKeepTheRegistrysOwnCodeOfA422AndSayWhatItRefused() {
        // given a subject in read-only mode, and a subject name the registry refuses
        Registry registry = registry();
        registry.answer("POST /subjects/o/versions", 422, "{\"error_code\":42205,\"message\":\"Subject o in "
                + "read-only mode\"}");
        registry.answer("POST /subjects/p/versions", 422, "{\"error_code\":42208,\"message\":\"Invalid subject\"}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        Throwable readOnly = catchThrowable(() -> client.register("o", ORDER));
        Throwable badName = catchThrowable(() -> client.register("p", ORDER));

        // then each keeps its code, and neither is called an invalid schema
        assertThat(readOnly).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("schema registry refused POST /subjects/o/versions (42205): not permitted")
                .hasMessageContaining("only READWRITE takes a registration (not READONLY, nor IMPORT")
                .hasMessageEndingWith(": Subject o in read-only mode").hasMessageNotContaining("invalid");
        assertThat(((SchemaRegistryException) readOnly).errorCode()).isEqualTo(42205);
        assertThat(badName).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry refused POST /subjects/p/versions (42208): not a valid subject name: "
                        + "Invalid subject");
        assertThat(((SchemaRegistryException) badName).errorCode()).isEqualTo(42208);
        assertThat(registry.asked).hasSize(2);
    }

    @Test
    void shouldRetryAndFailOverA4xxPageWithoutARegistrysErrorCodeInsteadOfTakingItAsARefusal() {
        // given a proxy asking for its own credentials before the registry, a second URL that is the registry, and
        // a load balancer that answers 400 and 421 with pages of its own
        Registry proxy = registry();
        Registry up = registry();
        Registry balancer = registry();
        proxy.answer("GET /schemas/ids/5", 407, "<html>Proxy Authentication Required</html>");
        up.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        balancer.answer("GET /schemas/ids/5", 400, "<html>plain HTTP request sent to HTTPS port</html>");
        balancer.answer("GET /schemas/ids/5", 421, "<html>Misdirected Request</html>");
        balancer.answer("GET /schemas/ids/5", 200, ORDER_JSON);

        // when
        Schema failedOver = client(Map.of("max.retries", "0"), proxy, up).getSchemaById(5);
        Throwable refused = catchThrowable(() -> client(Map.of("max.retries", "0"), proxy).getSchemaById(5));
        Schema retried = client(Map.of("max.retries", "2"), balancer).getSchemaById(5);

        // then none is taken for the registry's refusal (a record would be dead-lettered for it): the next URL is
        // asked, or the same again, and when none is left the registry is unavailable (the thread waits for it)
        assertThat(failedOver).isEqualTo(ORDER);
        assertThat(refused).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 407 to GET /schemas/ids/5 without a schema registry's error code")
                .hasMessageContaining("the proxy asks for credentials");
        assertThat(retried).isEqualTo(ORDER);
        assertThat(balancer.asked).hasSize(3);
    }

    @Test
    void shouldRetryJsonThatHoldsNotWhatTheRegistryAnswersAsAnotherServersPage() {
        // given a URL whose path leads to a status page, and a second URL that is the registry
        Registry status = registry();
        Registry up = registry();
        status.answer("POST /subjects/orders-value/versions", 200, "{\"status\":\"UP\"}");
        status.answer("GET /schemas/ids/5", 200, "{\"status\":\"UP\"}");
        up.answer("POST /subjects/orders-value/versions", 200, "{\"id\":7}");

        // when
        int id = client(Map.of("max.retries", "0"), status, up).register("orders-value", ORDER);
        Throwable read = catchThrowable(() -> client(Map.of("max.retries", "0"), status).getSchemaById(5));

        // then it is neither a NullPointerException nor an invalid schema (remembered, its records dead-lettered)
        assertThat(id).isEqualTo(7);
        assertThat(read).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 200 to GET /schemas/ids/5 with JSON that is not the registry's answer "
                        + "(no \"schema\"")
                .hasMessageContaining("{\"status\":\"UP\"}");
    }

    @Test
    void shouldAskEveryUrlOnceEvenWhenNoRetriesAreAllowed() {
        // given two registries, the first failing, and no retries
        Registry down = registry();
        Registry up = registry();
        down.answer("GET /subjects", 503, "{}");
        up.answer("GET /subjects", 200, "[\"x\"]");
        HttpSchemaRegistryClient client = client(Map.of("max.retries", "0", "retries.wait.ms", "30000"), down, up);

        // when
        long start = System.nanoTime();
        List<String> subjects = new ArrayList<>(client.getAllSubjects());

        // then the second was asked, at once: failing over is not retrying
        assertThat(subjects).containsExactly("x");
        assertThat(List.of(down.asked.size(), up.asked.size())).containsExactly(1, 1);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000L);
    }

    @Test
    void shouldTakeABare404AsNotFoundWhereTheRegistryServesItsConfig() {
        // given a registry that says 404 without a code, and serves GET /config
        Registry registry = registry();
        registry.answer("GET /subjects/orders-value/versions/latest", 404, "{\"message\":\"HTTP 404 Not Found\"}");
        registry.answer("GET /config", 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when / then
        assertThatThrownBy(() -> client.getLatestSchemaMetadata("orders-value"))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("answered 404 to GET /subjects/orders-value/versions/latest without a schema "
                        + "registry's error code (HTTP 404 Not Found)");
        assertThat(registry.asked).containsExactly("GET /subjects/orders-value/versions/latest", "GET /config");
    }

    @Test
    void shouldTakeABare404AsNotFoundWhereTheRegistryRefusesTheCredentialsForItsConfig() {
        // given
        Registry registry = registry();
        registry.answer("GET /schemas/ids/3", 404, "not found");
        registry.answer("GET /config", 403, "{}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when / then
        assertThatThrownBy(() -> client.getSchemaById(3)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        assertThat(registry.asked).hasSize(2);
    }

    @Test
    void shouldRetryABare404WhereNoRegistryAnswersAndFailOverToTheRegistry() {
        // given a base path the registry does not serve (GET /config not JSON, then 404), and the right URL
        Registry wrong = registry();
        Registry right = registry();
        wrong.answer("GET /subjects", 404, "<html>nope</html>");
        wrong.answer("GET /config", 200, "<html>nope</html>");
        wrong.answer("GET /subjects", 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        wrong.answer("GET /config", 404, "{}");
        right.answer("GET /subjects", 200, "[\"x\"]");
        HttpSchemaRegistryClient wrongOnly = client(Map.of("max.retries", "1"), wrong);

        // when / then a bare 404 where no registry answers is the URL's fault, not the schema's
        assertThatThrownBy(wrongOnly::getAllSubjects).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 404 to GET /subjects without a schema registry's error code "
                        + "(HTTP 404 Not Found): is schema.registry.url right");
        assertThat(wrong.asked).containsExactly("GET /subjects", "GET /config", "GET /subjects", "GET /config");

        // and another URL is tried
        wrong.answer("GET /subjects", 404, "{}");
        wrong.answer("GET /config", 500, "{}");
        assertThat(client(Map.of(), wrong, right).getAllSubjects()).containsExactly("x");
    }

    @Test
    void shouldTakeEverythingAsCompatibleWithASubjectNotYetRegistered() {
        // given
        Registry registry = registry();
        registry.answer("POST /compatibility/subjects/new/versions", 404, "{\"error_code\":40401}");
        registry.answer("POST /compatibility/subjects/old/versions", 200, "{\"is_compatible\":false}");
        registry.answer("POST /compatibility/subjects/ok/versions", 200, "{\"is_compatible\":true}");
        registry.answer("POST /compatibility/subjects/odd/versions", 200, "{}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when / then
        assertThat(client.testCompatibility("new", ORDER)).isTrue();
        assertThat(client.testCompatibility("old", ORDER)).isFalse();
        assertThat(client.testCompatibility("ok", ORDER)).isTrue();
        assertThat(client.testCompatibility("odd", ORDER)).isFalse();
    }

    @Test
    void shouldCheckCompatibilityAsRegisteringWouldAndAgainstTheLatestWhereARegistryCannot() {
        // given a registry that checks against every version the subject's level names (all, under a transitive
        // level: the schema reads the latest version's records, not an older one's), and one without that check
        Registry transitive = registry();
        transitive.answer("POST /compatibility/subjects/s/versions", 200, "{\"is_compatible\":false}");
        transitive.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");
        Registry older = registry();
        older.answer("POST /compatibility/subjects/s/versions", 404, "{\"error_code\":404,\"message\":"
                + "\"HTTP 404 Not Found\"}");
        older.answer("GET /config", 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        older.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");

        // when / then the first says what registering would meet (asked of the latest version alone, the guard's
        // refusal to start said "compatible: register it" of a schema registering refuses), and the second is asked
        // of its latest version
        assertThat(client(Map.of(), transitive).testCompatibility("s", ORDER)).isFalse();
        assertThat(client(Map.of(), older).testCompatibility("s", ORDER)).isTrue();
        assertThat(older.asked).containsExactly("POST /compatibility/subjects/s/versions", "GET /config",
                "POST /compatibility/subjects/s/versions/latest");
    }

    @Test
    void shouldAskTheLatestVersionWhenARegistryAnswersTheCheckAgainstEveryVersionOtherwise() {
        // given registries that answer the check against every version with a 405, a proxy's page, and a 400
        Registry refusing = registry();
        refusing.answer("POST /compatibility/subjects/s/versions", 405, "{\"error_code\":405,\"message\":"
                + "\"HTTP 405 Method Not Allowed\"}");
        refusing.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");
        Registry proxied = registry();
        proxied.answer("POST /compatibility/subjects/s/versions", 200, "<html>gateway</html>");
        proxied.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":false}");
        Registry bad = registry();
        bad.answer("POST /compatibility/subjects/s/versions", 400, "{\"error_code\":400,\"message\":\"no\"}");
        bad.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");

        // when / then each is asked of its latest version, as before the check against every version was asked
        assertThat(client(Map.of(), refusing).testCompatibility("s", ORDER)).isTrue();
        assertThat(client(Map.of(RegistryClientConfig.MAX_RETRIES, "0"), proxied).testCompatibility("s", ORDER))
                .isFalse();
        assertThat(client(Map.of(), bad).testCompatibility("s", ORDER)).isTrue();
    }

    @Test
    void shouldNotAskTheLatestVersionOfARegistryThatGaveNoAnswerAtAll() throws Exception {
        // given a registry URL that takes each connection and closes it unanswered (a registry going down), counted
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket cutting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!cutting.isClosed()) {
                    try (Socket connection = cutting.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://127.0.0.1:"
                    + cutting.getLocalPort(), Map.of(RegistryClientConfig.MAX_RETRIES, "0")));

            // when the guard asks whether a schema is compatible
            Throwable thrown = catchThrowable(() -> client.testCompatibility("s", ORDER));

            // then it is told the registry is unavailable, having asked once: not again of the latest version,
            // which after an outage's retries would wait them out a second time (seen: twice)
            assertThat(thrown).isInstanceOf(SchemaRegistryException.Unavailable.class);
            assertThat(connections).hasValue(1);
        }
    }

    @Test
    void shouldNotAskTheLatestVersionOfARegistryThatALoadBalancerSaysIsDown() {
        // given a registry behind a load balancer that answers 503 while it is down
        Registry down = registry();
        down.answer("POST /compatibility/subjects/s/versions", 503, "<html>no healthy upstream</html>");
        down.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");
        HttpSchemaRegistryClient client = client(Map.of(RegistryClientConfig.MAX_RETRIES, "0"), down);

        // when the guard asks whether a schema is compatible
        Throwable thrown = catchThrowable(() -> client.testCompatibility("s", ORDER));

        // then it is told the registry is unavailable, not asked again of the latest version: a 503 is an outage,
        // not a path the registry does not serve (helper-218: it waited the outage's retries out twice)
        assertThat(thrown).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(down.asked).containsExactly("POST /compatibility/subjects/s/versions");
    }

    @Test
    void shouldAskTheLatestVersionOfARegistryThatSaysItDoesNotImplementTheCheckAgainstEveryVersion() {
        // given a registry answering the check against every version 501 Not Implemented: not served, not down
        Registry minimal = registry();
        minimal.answer("POST /compatibility/subjects/s/versions", 501, "{\"error_code\":501,\"message\":\"no\"}");
        minimal.answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":false}");

        // when / then it is asked of its latest version (helper-219: a 501 was taken for an outage)
        assertThat(client(Map.of(RegistryClientConfig.MAX_RETRIES, "0"), minimal).testCompatibility("s", ORDER))
                .isFalse();
    }

    @Test
    void shouldRefuseToStartForASchemaNotRegisteredThoughTheRegistryCannotSayWhetherItIsCompatible() {
        // given a registry that does not hold the schema, and whose compatibility checks fail
        Registry registry = registry();
        registry.answer("POST /subjects/s", 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        registry.answer("GET /subjects/s/versions/latest", 200, "{\"subject\":\"s\",\"version\":3,\"id\":5,"
                + "\"schema\":" + quotedJson(ORDER.toString()) + "}");
        registry.answer("POST /compatibility/subjects/s/versions", 500, "{\"error_code\":50001,\"message\":\"x\"}");
        registry.answer("POST /compatibility/subjects/s/versions/latest", 500, "{\"error_code\":50001,"
                + "\"message\":\"x\"}");
        Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":"
                + "\"id\",\"type\":\"string\"},{\"name\":\"q\",\"type\":\"int\",\"default\":0}]}");

        // when the guard checks it at start, then the refusal is the schema's (seen: "schema registry unavailable
        // ... check that the registry is up", the registry up and the schema the problem)
        assertThatThrownBy(() -> new SchemaBootstrap(client(Map.of(RegistryClientConfig.MAX_RETRIES, "0"), registry),
                false).ensure(List.of(new SchemaBootstrap.Subject("s", other, true))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("subject 's' does not hold this guard's Order schema (latest is version 3, id "
                        + "5); it is not known whether compatible (the registry's check failed: ");
    }

    @Test
    void shouldSayAnIdIsUnknownWhenARegistryAnswersItWithAnUnknownSubjectsCode() {
        // given a registry that answers a schema id it does not have with 40401, as if it were a subject
        Registry registry = registry();
        registry.answer("GET /schemas/ids/7", 404, "{\"error_code\":40401,\"message\":\"Subject not found.\"}");

        // when / then it is a missing schema, not "subject 'null' is not registered"
        assertThatThrownBy(() -> client(Map.of(), registry).getSchemaById(7))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageNotContaining("null");
    }

    @Test
    void shouldReadTheLatestVersionAndKeepItsSchemaById() {
        // given
        Registry registry = registry();
        registry.answer("GET /subjects/orders%20value/versions/latest", 200, "{\"subject\":\"orders value\","
                + "\"version\":3,\"id\":12,\"schema\":" + quotedJson(ORDER.toString()) + "}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        SchemaMetadata latest = client.getLatestSchemaMetadata("orders value");

        // then
        assertThat(latest).isEqualTo(new SchemaMetadata("orders value", 3, 12, ORDER));
        assertThat(client.getSchemaById(12)).isEqualTo(ORDER);
        assertThat(registry.asked).hasSize(1);
    }

    @Test
    void shouldParseTheSchemasASchemaReferencesFirstEachOnce() {
        // given a schema referencing Money twice, via two references to one version, and Money referencing Currency
        Registry registry = registry();
        String currency = "{\"type\":\"enum\",\"name\":\"Currency\",\"symbols\":[\"EUR\",\"USD\"]}";
        String money = "{\"type\":\"record\",\"name\":\"Money\",\"fields\":[{\"name\":\"cents\",\"type\":\"long\"},"
                + "{\"name\":\"currency\",\"type\":\"Currency\"}]}";
        String priced = "{\"type\":\"record\",\"name\":\"Priced\",\"fields\":[{\"name\":\"price\",\"type\":\"Money\"},"
                + "{\"name\":\"fee\",\"type\":\"Money\"}]}";
        String reference = "{\"name\":\"Money\",\"subject\":\"money\",\"version\":1}";
        registry.answer("GET /schemas/ids/2", 200, "{\"schema\":" + quotedJson(priced) + ",\"references\":["
                + reference + "," + reference + "]}");
        registry.answer("GET /subjects/money/versions/1", 200, "{\"schema\":" + quotedJson(money) + ",\"references\":"
                + "[{\"name\":\"Currency\",\"subject\":\"currency\",\"version\":2}]}");
        registry.answer("GET /subjects/currency/versions/2", 200, "{\"schema\":" + quotedJson(currency) + "}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        Schema schema = client.getSchemaById(2);

        // then
        Schema price = schema.getField("price").schema();
        assertThat(price.getType()).isEqualTo(Schema.Type.RECORD);
        assertThat(price.getField("currency").schema().getEnumSymbols()).containsExactly("EUR", "USD");
        assertThat(registry.asked).containsExactly("GET /schemas/ids/2", "GET /subjects/money/versions/1",
                "GET /subjects/currency/versions/2");
        // and each reference is asked for soft-deleted versions too, as Confluent's client asks: a schema id stays
        // readable after its versions are retired, and so must what it references
        assertThat(registry.uris).filteredOn(uri -> uri.contains("/subjects/")).containsExactly(
                "/subjects/money/versions/1?deleted=true", "/subjects/currency/versions/2?deleted=true");
    }

    @Test
    void shouldParseTwoVersionsOfOneReferencedTypeOnceByItsNameAsConfluentsClientDoes() {
        // given a schema referencing Trade and Quote, each referencing Money, in two versions of its subject
        Registry registry = registry();
        String money = "{\"type\":\"record\",\"name\":\"Money\",\"fields\":[{\"name\":\"cents\",\"type\":\"long\"}]}";
        String trade = "{\"type\":\"record\",\"name\":\"Trade\",\"fields\":[{\"name\":\"price\",\"type\":\"Money\"}]}";
        String quote = "{\"type\":\"record\",\"name\":\"Quote\",\"fields\":[{\"name\":\"bid\",\"type\":\"Money\"}]}";
        String both = "{\"type\":\"record\",\"name\":\"Both\",\"fields\":[{\"name\":\"trade\",\"type\":\"Trade\"},"
                + "{\"name\":\"quote\",\"type\":\"Quote\"}]}";
        registry.answer("GET /schemas/ids/9", 200, "{\"schema\":" + quotedJson(both) + ",\"references\":["
                + "{\"name\":\"Trade\",\"subject\":\"trade\",\"version\":1},"
                + "{\"name\":\"Quote\",\"subject\":\"quote\",\"version\":1}]}");
        registry.answer("GET /subjects/trade/versions/1", 200, "{\"schema\":" + quotedJson(trade) + ",\"references\":"
                + "[{\"name\":\"Money\",\"subject\":\"money\",\"version\":1}]}");
        registry.answer("GET /subjects/quote/versions/1", 200, "{\"schema\":" + quotedJson(quote) + ",\"references\":"
                + "[{\"name\":\"Money\",\"subject\":\"money\",\"version\":2}]}");
        registry.answer("GET /subjects/money/versions/1", 200, "{\"schema\":" + quotedJson(money) + "}");
        registry.answer("GET /subjects/money/versions/2", 200, "{\"schema\":" + quotedJson(money) + "}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when
        Schema schema = client.getSchemaById(9);

        // then Money is parsed once, not refused as redefined (and the schema remembered as not Avro)
        assertThat(schema.getField("quote").schema().getField("bid").schema().getName()).isEqualTo("Money");
        assertThat(registry.asked).doesNotContain("GET /subjects/money/versions/2");
    }

    @Test
    void shouldRememberASchemaWhoseReferenceTheRegistryDoesNotHaveAsNotFoundNamingTheReference() {
        // given a schema referencing Money in a subject the registry does not have (deleted)
        Registry registry = registry();
        String priced = "{\"type\":\"record\",\"name\":\"Priced\",\"fields\":[{\"name\":\"price\","
                + "\"type\":\"Money\"}]}";
        registry.answer("GET /schemas/ids/2", 200, "{\"schema\":" + quotedJson(priced) + ",\"references\":["
                + "{\"name\":\"Money\",\"subject\":\"money\",\"version\":1}]}");
        registry.answer("GET /subjects/money/versions/1", 404, "{\"error_code\":40401,\"message\":\"Subject 'money' "
                + "not found.\"}");
        HttpSchemaRegistryClient client = client(Map.of(), registry);

        // when asked twice, as for two records naming it
        Throwable first = catchThrowable(() -> client.getSchemaById(2));
        Throwable second = catchThrowable(() -> client.getSchemaById(2));

        // then the registry was asked only for the first, and both say which reference it lacks
        assertThat(registry.asked).containsExactly("GET /schemas/ids/2", "GET /subjects/money/versions/1");
        assertThat(first).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("the registry's schema id 2 references Money as version 1 of subject 'money', "
                        + "which the registry does not have").hasMessageNotContaining("auto.register.schemas");
        assertThat(second).isInstanceOf(SchemaRegistryException.SchemaNotFound.class).hasMessage(first.getMessage());
    }

    @Test
    void shouldSendBasicAuthFromUserInfoOrTheUrl() {
        // given
        Registry registry = registry();
        registry.answer("GET /subjects", 200, "[]");
        registry.answer("GET /subjects", 200, "[]");
        registry.answer("GET /subjects", 200, "[]");
        String basic = "Basic " + Base64.getEncoder().encodeToString("desk:secret".getBytes(StandardCharsets.UTF_8));

        // when
        client(Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "desk:secret"), registry)
                .getAllSubjects();
        new HttpSchemaRegistryClient(settings("http://desk:secret@localhost:" + registry.port(), Map.of()))
                .getAllSubjects();
        client(Map.of("basic.auth.credentials.source", "USER_INFO", "schema.registry.basic.auth.user.info",
                "desk:secret"), registry).getAllSubjects(); // Confluent's older name

        // then
        assertThat(registry.headers).extracting(h -> h.get("Authorization")).containsExactly(basic, basic, basic);
        assertThat(registry.headers).extracting(h -> h.get("Accept")).allSatisfy(a -> assertThat(a)
                .startsWith("application/vnd.schemaregistry.v1+json"));
    }

    @Test
    void shouldSendABearerTokenWithItsClusterAndPoolInsteadOfBasicAuth() {
        // given
        Registry registry = registry();
        registry.answer("POST /subjects/o/versions", 200, "{\"id\":1}");
        registry.answer("GET /subjects", 200, "[]");
        Map<String, Object> bearer = Map.of("bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", "tok", "bearer.auth.logical.cluster", " lsrc-1 ");

        // when
        client(bearer, registry).register("o", ORDER);
        client(Map.of("bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "tok",
                "bearer.auth.identity.pool.id", "pool-1", "bearer.auth.logical.cluster", " "), registry)
                .getAllSubjects();

        // then
        Map<String, String> first = registry.headers.get(0);
        assertThat(first).containsEntry("Authorization", "Bearer tok").containsEntry("Target-sr-cluster", "lsrc-1")
                .containsEntry("Content-type", "application/vnd.schemaregistry.v1+json")
                .doesNotContainKey("Confluent-identity-pool-id");
        assertThat(registry.headers.get(1)).containsEntry("Confluent-identity-pool-id", "pool-1")
                .doesNotContainKey("Target-sr-cluster").doesNotContainKey("Content-type");
    }

    @Test
    void shouldAnswerOnlyWhenSomeUrlServesItsConfigBelow500() {
        // given
        Registry ok = registry();
        Registry refusing = registry();
        Registry missing = registry();
        Registry failing = registry();
        ok.answer("GET /config", 200, "{}");
        refusing.answer("GET /config", 401, "{}");
        missing.answer("GET /config", 404, "{}");
        failing.answer("GET /config", 500, "{}");

        // when / then
        assertThat(client(Map.of(), failing, ok).answers(Duration.ofSeconds(5))).isTrue();
        assertThat(client(Map.of(), refusing).answers(Duration.ofSeconds(5))).isTrue();
        assertThat(client(Map.of(), missing, failing).answers(Duration.ofSeconds(5))).isFalse();
    }

    @Test
    void shouldNotTakeARedirectOrAPageThatIsNotTheRegistrysForTheRegistryBack() {
        // given what a load balancer answers in the registry's place: a redirect, a maintenance page, an error page
        Registry redirecting = registry();
        Registry maintenance = registry();
        Registry erring = registry();
        redirecting.answer("GET /config", 301, "", "Location", "https://elsewhere.example/config");
        maintenance.answer("GET /config", 200, "<html>maintenance</html>");
        erring.answer("GET /config", 400, "<html>bad request</html>");

        // when / then none is the registry back, as the guard's own requests would not take it for one: a thread
        // replaced on it would fail again on the same record and restore its stores for nothing
        assertThat(client(Map.of(), redirecting).answers(Duration.ofSeconds(5))).isFalse();
        assertThat(client(Map.of(), maintenance).answers(Duration.ofSeconds(5))).isFalse();
        assertThat(client(Map.of(), erring).answers(Duration.ofSeconds(5))).isFalse();
        assertThat(client(Map.of(), redirecting, maintenance, erring).answers(Duration.ofSeconds(5))).isFalse();
    }

    @Test
    void shouldReachTheRegistryThroughTheConfiguredProxy() {
        // given a proxy, and a registry URL only the proxy can reach
        Registry proxy = registry();
        proxy.answer("GET /subjects", 200, "[\"via-proxy\"]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://registry.invalid:8081",
                Map.of("proxy.host", "localhost", "proxy.port", String.valueOf(proxy.port()), "max.retries", "0")));

        // when
        List<String> subjects = new ArrayList<>(client.getAllSubjects());

        // then
        assertThat(subjects).containsExactly("via-proxy");
        assertThat(proxy.headers.get(0)).containsEntry("Host", "registry.invalid:8081");
    }

    @Test
    void shouldSendThePasswordOfTheUrlOnlyInTheAuthorizationHeaderNotInTheProxysRequestLine() {
        // given a proxy, and a registry URL with credentials that only the proxy can reach
        Registry proxy = registry();
        proxy.answer("GET /subjects", 200, "[\"via-proxy\"]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings(
                "http://desk:s3cret@registry.invalid:8081", Map.of("proxy.host", "localhost",
                        "proxy.port", String.valueOf(proxy.port()), "max.retries", "0")));
        String basic = "Basic " + Base64.getEncoder().encodeToString("desk:s3cret".getBytes(StandardCharsets.UTF_8));

        // when
        List<String> subjects = new ArrayList<>(client.getAllSubjects());

        // then the request line names the registry without the credentials, which the header still carries
        assertThat(subjects).containsExactly("via-proxy");
        assertThat(proxy.uris).containsExactly("http://registry.invalid:8081/subjects")
                .allSatisfy(uri -> assertThat(uri).doesNotContain("s3cret").doesNotContain("desk"));
        assertThat(proxy.headers.get(0)).containsEntry("Authorization", basic)
                .containsEntry("Host", "registry.invalid:8081");
    }

    @Test
    void shouldNotShowThePasswordOfTheUrlWhenTheRegistryRefusesOrAnswersABare404() {
        // given a registry behind a URL with credentials
        Registry registry = registry();
        registry.answer("GET /subjects", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        registry.answer("GET /schemas/ids/3", 404, "{}");
        registry.answer("GET /config", 200, "{}");
        String url = "http://desk:s3cret@localhost:" + registry.port();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings(url, Map.of()));

        // when
        Throwable refused = catchThrowable(client::getAllSubjects);
        Throwable missing = catchThrowable(() -> client.getSchemaById(3));

        // then
        assertThat(refused).isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining("localhost:" + registry.port()).hasMessageNotContaining("s3cret");
        assertThat(missing).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("localhost:" + registry.port()).hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldAskEveryUrlAtOnceSoAHungOneDoesNotHideAHealthyOneAndTimeARequestOut() throws IOException {
        // given a URL that takes connections and never answers, and a registry that does
        Registry ok = registry();
        ok.answer("GET /config", 200, "{}");
        try (ServerSocket hung = new ServerSocket(0)) {
            String hungUrl = "http://localhost:" + hung.getLocalPort();
            String okUrl = "http://localhost:" + ok.port();
            Map<String, Object> quick = Map.of("http.read.timeout.ms", "300", "max.retries", "0");

            // when / then: the health check hears the healthy one in time, and gives up on the hung one alone
            assertThat(new HttpSchemaRegistryClient(settings(hungUrl + "," + okUrl, quick))
                    .answers(Duration.ofSeconds(2))).isTrue();
            long start = System.nanoTime();
            assertThat(new HttpSchemaRegistryClient(settings(hungUrl, quick)).answers(Duration.ofMillis(200)))
                    .isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
            // and a request to the hung one is timed out, not waited on for ever
            assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings(hungUrl, quick)).getAllSubjects())
                    .isInstanceOf(SchemaRegistryException.Unavailable.class).hasMessageContaining("gave no answer");
        }
    }

    @Test
    void shouldSetUpTlsFromATrustStoreAndRefuseOneWithTheWrongPassword(@TempDir Path dir) throws Exception {
        // given a PKCS12 trust store with a password, and one that holds no certificate
        Path store = com.lockupguard.security.testing.TestPki.create("registry-ca")
                .writeTrustStore(dir.resolve("trust.p12"), "PKCS12", "changeit");
        Path emptyStore = dir.resolve("empty.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(emptyStore)) {
            empty.store(out, "changeit".toCharArray());
        }
        Map<String, Object> right = Map.of(RegistryClientConfig.TRUSTSTORE_LOCATION, store.toString(),
                RegistryClientConfig.TRUSTSTORE_TYPE, "PKCS12", RegistryClientConfig.TRUSTSTORE_PASSWORD, "changeit");
        Map<String, Object> wrong = Map.of(RegistryClientConfig.TRUSTSTORE_LOCATION, store.toString(),
                RegistryClientConfig.TRUSTSTORE_TYPE, "PKCS12", RegistryClientConfig.TRUSTSTORE_PASSWORD, "wrong");

        // when / then: the JVM's trust and the store's are taken for an https registry, a wrong password is not
        assertThatCode(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", Map.of())))
                .doesNotThrowAnyException();
        assertThatCode(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", right)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", wrong)))
                .isInstanceOf(ConfigException.class).hasMessage("schema.registry.ssl.truststore.location: cannot "
                        + "read " + store + " as a PKCS12 store (keystore password was incorrect): check "
                        + "schema.registry.ssl.truststore.password and schema.registry.ssl.truststore.type");
        assertThatThrownBy(() -> HttpSchemaRegistryClient.checked(settings("https://localhost:1", wrong)))
                .isInstanceOf(ConfigException.class);
        // and one read without its password (its certificates left out), or holding none, which trusts nothing and
        // failed every handshake as a registry that does not answer, is refused, naming the setting to give
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", Map.of(
                RegistryClientConfig.TRUSTSTORE_LOCATION, store.toString(), RegistryClientConfig.TRUSTSTORE_TYPE,
                "PKCS12")))).isInstanceOf(ConfigException.class).hasMessage("schema.registry.ssl.truststore.location: "
                        + "the PKCS12 store " + store + " holds no certificate read without a password (a PKCS12 "
                        + "store's certificates are read only with it: give schema.registry.ssl.truststore.password)");
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", Map.of(
                RegistryClientConfig.TRUSTSTORE_LOCATION, emptyStore.toString(), RegistryClientConfig.TRUSTSTORE_TYPE,
                "PKCS12", RegistryClientConfig.TRUSTSTORE_PASSWORD, "changeit")))).isInstanceOf(ConfigException.class)
                .hasMessage("schema.registry.ssl.truststore.location: the PKCS12 store " + emptyStore + " holds no "
                        + "certificate");
        // and so is a key store, for client authentication
        Map<String, Object> keys = Map.of(RegistryClientConfig.KEYSTORE_LOCATION, emptyStore.toString(),
                RegistryClientConfig.KEYSTORE_TYPE, "PKCS12", RegistryClientConfig.KEYSTORE_PASSWORD, "changeit");
        Map<String, Object> wrongKeys = Map.of(RegistryClientConfig.KEYSTORE_LOCATION, emptyStore.toString(),
                RegistryClientConfig.KEYSTORE_TYPE, "PKCS12", RegistryClientConfig.KEYSTORE_PASSWORD, "wrong");
        assertThatCode(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", keys)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings("https://localhost:1", wrongKeys)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.ssl");
        // and an http registry's client does not read the store at all
        assertThatCode(() -> new HttpSchemaRegistryClient(settings("http://localhost:1", wrong)))
                .doesNotThrowAnyException();
        assertThat(HttpSchemaRegistryClient.checked(settings("http://localhost:1", wrong)).urls())
                .containsExactly("http://localhost:1");
    }

    @Test
    void shouldSetUpTlsForAnHttpsUrlWhoseSchemeIsUpperCase(@TempDir Path dir) {
        // given a list whose second URL is https in upper case, and a trust store that does not exist
        Map<String, Object> settings = settings("http://a:8081,HTTPS://b:8443", Map.of(
                RegistryClientConfig.TRUSTSTORE_LOCATION, dir.resolve("missing.p12").toString()));

        // when
        Throwable built = catchThrowable(() -> new HttpSchemaRegistryClient(settings));
        Throwable checked = catchThrowable(() -> HttpSchemaRegistryClient.checked(settings));

        // then the trust store was read for it, and refused, saying it is not there
        assertThat(built).isInstanceOf(ConfigException.class).hasMessage("schema.registry.ssl.truststore.location: "
                + dir.resolve("missing.p12") + " does not exist");
        assertThat(checked).isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.ssl");
    }

    @Test
    void shouldFailOverAcrossEveryUrlInTheirOrder() {
        // given three registries, the first two failing
        Registry first = registry();
        Registry second = registry();
        Registry third = registry();
        first.answer("GET /subjects", 503, "{}");
        second.answer("GET /subjects", 503, "{}");
        third.answer("GET /subjects", 200, "[\"x\"]");

        // when
        List<String> subjects = new ArrayList<>(client(Map.of(), first, second, third).getAllSubjects());

        // then
        assertThat(subjects).containsExactly("x");
        assertThat(List.of(first.asked.size(), second.asked.size(), third.asked.size())).containsExactly(1, 1, 1);
    }

    @Test
    void shouldNotWaitAfterTheLastAttempt() {
        // given a registry that always fails, and a long wait between retries
        Registry down = registry();
        down.answer("GET /subjects", 503, "{}");
        HttpSchemaRegistryClient client = client(Map.of("max.retries", "0", "retries.wait.ms", "30000"), down);

        // when
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(client::getAllSubjects);

        // then it gave up at once
        assertThat(thrown).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000L);
    }

    @Test
    void shouldHideTheCredentialsAProxysPageRepeatsAndQuoteItOnOneLine() {
        // given a proxy whose error page repeats the request's headers, the registry's password among them
        Registry proxy = registry();
        proxy.answer("GET /subjects", 502, "<html>proxy error; your request headers: Authorization: Basic "
                + "c3J1c2VyOlVSTFNFQ1JFVDc=\r\n01:00:00.000 ERROR forged line\u001b[31m</html>");
        proxy.answer("GET /subjects", 400, "<p>token Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln refused</p>");

        // when
        Throwable gateway = catchThrowable(() -> client(Map.of("max.retries", "0"), proxy).getAllSubjects());
        Throwable refused = catchThrowable(() -> client(Map.of("max.retries", "0"), proxy).getAllSubjects());

        // then the password is not shown, nor the token, and the page stays on the message's line
        assertThat(gateway).hasMessageContaining("Authorization: [hidden]").hasMessageNotContaining("c3J1c2Vy")
                .hasMessageContaining("\\n01:00:00.000 ERROR forged line?[31m");
        assertThat(gateway.getMessage()).doesNotContain("\r", "\n", "\u001b");
        assertThat(refused).hasMessageContaining("token Bearer [hidden] refused").hasMessageNotContaining("eyJ");
    }

    @Test
    void shouldHideTheCredentialsItSentWhereverAPageEchoesThem() {
        // given a proxy's page that shows the request's credentials bare: the Base64 token, and decoded
        Registry proxy = registry();
        String token = java.util.Base64.getEncoder().encodeToString("sruser2:URLSECRET7".getBytes(
                StandardCharsets.UTF_8));
        proxy.answer("GET /subjects", 502, "{\"token\":\"" + token + "\",\"user\":\"sruser2:URLSECRET7\","
                + "\"password\":\"URLSECRET7\"}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(settings("http://sruser2:URLSECRET7@localhost:"
                + proxy.port(), Map.of("max.retries", "0")));

        // when / then none of them is shown
        assertThatThrownBy(client::getAllSubjects).hasMessageNotContaining("URLSECRET7")
                .hasMessageNotContaining(token).hasMessageContaining("\"token\":\"[hidden]\"");
    }

    @Test
    void shouldKeepTheWordsOfAMessageThatNameAnAuthorizationSchemeWithoutACredential() {
        // given the registry's own answer that names a scheme in words
        Registry registry = registry();
        registry.answer("GET /subjects", 422, "{\"error_code\":42201,\"message\":\"Basic authentication of "
                + "subjects2024 is not enabled\"}");

        // when / then
        assertThatThrownBy(() -> client(Map.of("max.retries", "0"), registry).getAllSubjects())
                .hasMessageContaining("Basic authentication of subjects2024 is not enabled");
    }

    @Test
    void shouldQuoteNoMoreThanTheStartOfALongPageThatIsNotJson() {
        // given a proxy's long error page
        Registry proxy = registry();
        proxy.answer("GET /subjects", 502, "<html>" + "x".repeat(194) + "TAIL" + "y".repeat(100) + "</html>");

        // when / then
        assertThatThrownBy(() -> client(Map.of("max.retries", "0"), proxy).getAllSubjects())
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 502: <html>" + "x".repeat(194) + ".")
                .hasMessageNotContaining("TAIL");
    }

    @Test
    void shouldRefuseAUrlThatDoesNotParseWithoutShowingItsPassword() {
        // given a password with an unencoded space
        Map<String, Object> settings = settings("http://desk:pa ss@r1:8081", Map.of());

        // when / then
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not an http(s) URL with a host").hasMessageNotContaining("pa ss");
    }

    @Test
    void shouldRefuseAHostNameWithAnUnderscoreSayingSoRatherThanBlamingAPassword() {
        // given a Docker Compose service name, and one behind credentials
        Map<String, Object> plain = settings("http://localhost:8081,http://schema_registry:8081", Map.of());
        Map<String, Object> withCredentials = settings("http://desk:s3cret@schema_registry:8081", Map.of());

        // when
        Throwable refused = catchThrowable(() -> new HttpSchemaRegistryClient(plain));
        Throwable checked = catchThrowable(() -> HttpSchemaRegistryClient.checked(withCredentials));

        // then
        assertThat(refused).isInstanceOf(ConfigException.class)
                .hasMessageContaining("its host name holds '_', which host names may not")
                .hasMessageContaining("a name without '_'").hasMessageNotContaining("password");
        assertThat(checked).isInstanceOf(ConfigException.class).hasMessageContaining("host name holds '_'")
                .hasMessageNotContaining("password").hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldBlameAPasswordHoldingASlashNotAUserNameWithAnUnderscore() {
        // given a user name with '_' and a password holding an unencoded '/', which cuts the authority short
        Map<String, Object> cut = settings("http://svc_guard:ab/cd@registry:8081", Map.of());

        // when
        Throwable refused = catchThrowable(() -> HttpSchemaRegistryClient.checked(cut));

        // then the password is what to mend, not a host that is not one
        assertThat(refused).isInstanceOf(ConfigException.class).hasMessageContaining("password")
                .hasMessageNotContaining("host name holds '_'");
    }

    @Test
    void shouldStopAtOnceWithoutRetryingWhenInterrupted() {
        // given a registry, and a thread asked to stop (as Kafka Streams stops its threads)
        Registry registry = registry();
        registry.answer("GET /subjects", 200, "[]");
        registry.answer("GET /config", 200, "{}");
        HttpSchemaRegistryClient client = client(Map.of("retries.wait.ms", "2000"), registry);
        Thread.currentThread().interrupt();

        // when
        Throwable thrown = catchThrowable(client::getAllSubjects);
        boolean stillInterrupted = Thread.interrupted();
        Thread.currentThread().interrupt();
        boolean answered = client.answers(Duration.ofSeconds(5));
        boolean interruptedAgain = Thread.interrupted();

        // then the request gave up, the health check said no, and both kept the thread's interrupt
        assertThat(thrown).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessage("interrupted while calling the schema registry");
        assertThat(stillInterrupted).isTrue();
        assertThat(answered).isFalse();
        assertThat(interruptedAgain).isTrue();
    }

    @Test
    void shouldTrustAnHttpsRegistryByTheConfiguredTrustStore(@TempDir Path dir) throws Exception {
        // given an https registry whose self-signed certificate only the given store holds
        Path store = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-dname", "CN=localhost", "-ext",
                "san=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/subjects", exchange -> {
            byte[] body = "[\"secure\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "https://localhost:" + server.getAddress().getPort();
            Map<String, Object> trust = Map.of(RegistryClientConfig.TRUSTSTORE_LOCATION, store.toString(),
                    RegistryClientConfig.TRUSTSTORE_TYPE, "PKCS12",
                    RegistryClientConfig.TRUSTSTORE_PASSWORD, "changeit", "max.retries", "0");

            // when / then: trusted by the store, and not by the JVM's own trust
            assertThat(new HttpSchemaRegistryClient(settings(url, trust)).getAllSubjects()).containsExactly("secure");
            assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings(url, Map.of("max.retries", "0")))
                    .getAllSubjects()).isInstanceOf(SchemaRegistryException.Unavailable.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldNotFollowARedirectThatWouldTakeTheCredentialsToAnotherHost() {
        // given a registry answering with a redirect to another host, and a client with basic credentials
        Registry elsewhere = registry();
        elsewhere.answer("GET /subjects", 200, "[\"stolen\"]");
        Registry registry = registry();
        registry.answer("GET /subjects", 307, "", "Location", "http://127.0.0.1:" + elsewhere.port() + "/subjects");
        HttpSchemaRegistryClient client = client(Map.of(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO",
                RegistryClientConfig.USER_INFO, "desk:secret", RegistryClientConfig.MAX_RETRIES, "1"),
                registry);

        // when
        Throwable refused = catchThrowable(client::getAllSubjects);

        // then the other host is never asked, so never given the credentials; the registry is said to be away,
        // naming the redirect
        assertThat(elsewhere.asked).isEmpty();
        assertThat(refused).isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 307, a redirect to http://127.0.0.1:" + elsewhere.port()
                        + "/subjects, which is not followed").hasMessageNotContaining("secret");
    }

    @Test
    void shouldTakeASchemaIdTheGuardMayNotReadWhereItReadsOthersForItsRecordsAloneAndRememberIt() {
        // given a registry that serves the guard schema id 5, and forbids it schema id 3 (Confluent's ACLs: a
        // subject not granted)
        Registry registry = registry();
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        registry.answer("GET /schemas/ids/3", 403, "{\"error_code\":40301,\"message\":\"denied\"}");
        HttpSchemaRegistryClient client = client(Map.of(RegistryClientConfig.MISSING_ID_CACHE_TTL_SEC, "60"), registry);
        client.getSchemaById(5);

        // when schema id 3 is asked for twice
        Throwable refused = catchThrowable(() -> client.getSchemaById(3));
        Throwable again = catchThrowable(() -> client.getSchemaById(3));

        // then it is that id's records that cannot be read (not the guard's access refused, which stops it), saying
        // what to grant, the registry asked again for id 5 to tell, and asked once for id 3
        assertThat(refused).isInstanceOf(SchemaRegistryException.SchemaNotServed.class)
                .isNotInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageStartingWith("schema registry does not let the guard read schema id 3 (403), where it "
                        + "reads others: its producer registered it under a subject the guard's principal may not "
                        + "read; grant it read on that subject, and send the record again")
                .satisfies(e -> assertThat(((SchemaRegistryException.SchemaNotServed) e).registryFailure())
                        .isInstanceOf(SchemaRegistryException.NotAuthorized.class));
        assertThat(again).isInstanceOf(SchemaRegistryException.SchemaNotServed.class)
                .hasMessage(refused.getMessage());
        assertThat(registry.asked).containsExactly("GET /schemas/ids/5", "GET /schemas/ids/3", "GET /schemas/ids/5");
    }

    @Test
    void shouldTakeA403ToASchemaIdAsTheGuardsAccessWhereNoOtherSchemaIsServedToIt() {
        // given a registry that forbids the guard every schema id, and one that it served nothing yet
        Registry everyId = registry();
        everyId.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        everyId.answer("GET /schemas/ids/5", 403, "{\"error_code\":40301,\"message\":\"denied\"}");
        everyId.answer("GET /schemas/ids/3", 403, "{\"error_code\":40301,\"message\":\"denied\"}");
        HttpSchemaRegistryClient lostAccess = client(Map.of(), everyId);
        lostAccess.getSchemaById(5);
        Registry first = registry();
        first.answer("GET /schemas/ids/3", 403, "{\"error_code\":40301,\"message\":\"denied\"}");

        // when schema id 3 is asked for of each
        Throwable revoked = catchThrowable(() -> lostAccess.getSchemaById(3));
        Throwable unknown = catchThrowable(() -> client(Map.of(), first).getSchemaById(3));

        // then each is the refusal the guard stops for, as before: nothing tells it is the record's alone
        assertThat(revoked).isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining("does not allow GET /schemas/ids/3 for these credentials (403)");
        assertThat(unknown).isInstanceOf(SchemaRegistryException.NotAuthorized.class);
    }

    @Test
    void shouldStillTakeRefusedCredentialsForASchemaIdAsTheGuards() {
        // given a registry that refuses the guard's credentials
        Registry registry = registry();
        registry.answer("GET /schemas/ids/3", 401, "{\"error_code\":40101,\"message\":\"unauthorized\"}");

        // when
        Throwable refused = catchThrowable(() -> client(Map.of(), registry).getSchemaById(3));

        // then no record can be read: the refusal the guard stops for
        assertThat(refused).isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining("refused the credentials (401)");
    }

    @Test
    void shouldWaitOutASchemaIdTheRegistryFailsToServeUntilTheLimitAndThenTakeItForItsRecords() throws Exception {
        // given a registry that serves the guard schema id 5, but fails every time for schema id 9
        Registry registry = registry();
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        registry.answer("GET /schemas/ids/9", 500, "{\"error_code\":50001,\"message\":\"store error\"}");
        HttpSchemaRegistryClient client = unservedAfter(Duration.ofMillis(300), registry);
        client.getSchemaById(5);

        // when it is asked for, before the limit and after it, and once more
        Throwable first = catchThrowable(() -> client.getSchemaById(9));
        Thread.sleep(400);
        Throwable afterLimit = catchThrowable(() -> client.getSchemaById(9));
        int asked = registry.asked.size();
        Throwable again = catchThrowable(() -> client.getSchemaById(9));

        // then it is first an outage, waited out, and then its records' alone; not asked for again meanwhile
        assertThat(first).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(afterLimit).isInstanceOf(SchemaRegistryException.SchemaNotServed.class)
                .hasMessageContaining("schema registry serves other schemas, but has not served schema id 9 for 0 s")
                .hasMessageContaining("store error").hasMessageContaining("once the registry serves it, send them");
        assertThat(again).isInstanceOf(SchemaRegistryException.SchemaNotServed.class);
        assertThat(registry.asked).hasSize(asked);
    }

    @Test
    void shouldCountAnIdsFailuresFromTheFirstOfARunAndAgainAfterAQuietSpell() throws Exception {
        // given a registry that serves the guard schema id 5, and fails every time for ids 9 and 10, and a client
        // giving an id up after 400 ms of failures, none 300 ms after the one before
        Registry registry = registry();
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        registry.answer("GET /schemas/ids/9", 500, "{\"message\":\"store error\"}");
        registry.answer("GET /schemas/ids/10", 500, "{\"message\":\"store error\"}");
        HttpSchemaRegistryClient client = unservedAfter(Duration.ofMillis(400), Duration.ofMillis(300), registry);
        client.getSchemaById(5);

        // when id 9 fails every 200 ms, and id 10 once, then again after 350 ms of quiet
        List<Throwable> nine = new ArrayList<>();
        for (int ask = 0; ask < 4; ask++) {
            nine.add(catchThrowable(() -> client.getSchemaById(9)));
            Thread.sleep(200);
        }
        // id 9 was remembered as not served for 400 ms from its third ask: asked again once that has passed, over
        // 300 ms after its last failure, but within 300 ms of the time it was not asked for
        Thread.sleep(100);
        Throwable nineAgain = catchThrowable(() -> client.getSchemaById(9));
        Throwable tenFirst = catchThrowable(() -> client.getSchemaById(10));
        Thread.sleep(350);
        Throwable tenAfterQuiet = catchThrowable(() -> client.getSchemaById(10));

        // then id 9 is given up once its run passes 400 ms, and stays so when asked again once that was forgotten
        // (the time it was not asked for is part of the run); id 10's quiet spell starts its count again
        assertThat(nine.get(0)).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(nine.get(3)).isInstanceOf(SchemaRegistryException.SchemaNotServed.class);
        assertThat(nineAgain).isInstanceOf(SchemaRegistryException.SchemaNotServed.class);
        assertThat(tenFirst).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(tenAfterQuiet).isInstanceOf(SchemaRegistryException.Unavailable.class);
    }

    @Test
    void shouldWaitOutASchemaIdForAsLongAsTheRegistryServesTheGuardNoSchema() {
        // given a registry that served schema id 5 and then answers nothing, its GET /config answering (an outage of
        // its schema lookups alone), and a limit already passed
        Registry registry = registry();
        registry.answer("GET /config", 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        registry.answer("GET /schemas/ids/5", 200, ORDER_JSON);
        registry.answer("GET /schemas/ids/5", 503, "{\"message\":\"down\"}");
        registry.answer("GET /schemas/ids/9", 503, "{\"message\":\"down\"}");
        HttpSchemaRegistryClient client = unservedAfter(Duration.ZERO, registry);
        client.getSchemaById(5);

        // when
        Throwable first = catchThrowable(() -> client.getSchemaById(9));
        Throwable second = catchThrowable(() -> client.getSchemaById(9));

        // then an outage, every time: no record is given up for it
        assertThat(first).isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(second).isInstanceOf(SchemaRegistryException.Unavailable.class);
    }

    private Registry registry() {
        try {
            Registry registry = new Registry(HttpServer.create(new InetSocketAddress("localhost", 0), 0));
            registries.add(registry);
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of {@code registries}, in that order, retrying at once unless {@code more} says otherwise. */
    private static HttpSchemaRegistryClient client(Map<String, ?> more, Registry... registries) {
        List<String> urls = new ArrayList<>();
        for (Registry registry : registries) {
            urls.add("http://localhost:" + registry.port());
        }
        return new HttpSchemaRegistryClient(settings(String.join(",", urls), more));
    }

    /** A client of {@code registry} asking once a request, giving up an id it fails to serve after {@code limit}. */
    private static HttpSchemaRegistryClient unservedAfter(Duration limit, Registry registry) {
        return unservedAfter(limit, HttpSchemaRegistryClient.UNSERVED_GAP, registry);
    }

    /** As above, a quiet spell of {@code gap} before an ask starting the count again. */
    private static HttpSchemaRegistryClient unservedAfter(Duration limit, Duration gap, Registry registry) {
        return new HttpSchemaRegistryClient(settings("http://localhost:" + registry.port(),
                Map.of(RegistryClientConfig.MAX_RETRIES, "0", RegistryClientConfig.MISSING_ID_CACHE_TTL_SEC, "0")),
                limit, gap);
    }

    private static Map<String, Object> settings(String url, Map<String, ?> more) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RegistryClientConfig.URL, url);
        settings.put(RegistryClientConfig.RETRIES_WAIT_MS, "0");
        settings.put(RegistryClientConfig.READ_TIMEOUT_MS, "5000");
        settings.put(RegistryClientConfig.CONNECT_TIMEOUT_MS, "5000");
        settings.putAll(more);
        return settings;
    }

    private static String quotedJson(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A registry answering each "METHOD /path" from its script, in order; 599 when the script has run out. */
    private static final class Registry {
        final HttpServer server;
        final Map<String, Deque<String[]>> script = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        /** The request line's URI, whole: absolute when asked as a proxy. */
        final List<String> uris = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        final List<Map<String, String>> headers = new ArrayList<>();

        Registry(HttpServer server) {
            this.server = server;
            server.createContext("/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        synchronized void answer(String request, int status, String body, String... header) {
            String[] answer = new String[2 + header.length];
            answer[0] = String.valueOf(status);
            answer[1] = body;
            System.arraycopy(header, 0, answer, 2, header.length);
            script.computeIfAbsent(request, r -> new ArrayDeque<>()).add(answer);
        }

        private void handle(HttpExchange exchange) throws IOException {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            String[] answer;
            synchronized (this) {
                asked.add(request);
                uris.add(exchange.getRequestURI().toString());
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Map<String, String> sent = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> sent.put(name, values.get(0)));
                headers.add(sent);
                Deque<String[]> answers = script.get(request);
                answer = answers == null || answers.isEmpty() ? new String[] {"599", "unscripted " + request}
                        : answers.size() == 1 ? answers.peek() : answers.poll();
            }
            for (int i = 2; i + 1 < answer.length; i += 2) {
                exchange.getResponseHeaders().add(answer[i], answer[i + 1]);
            }
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }
    }
}
