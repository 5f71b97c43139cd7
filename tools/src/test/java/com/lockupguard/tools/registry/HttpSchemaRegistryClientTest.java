package com.lockupguard.tools.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.HttpSchemaRegistryClient;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.serde.SpecificAvroSerde;
import com.lockupguard.testing.CapturedLogs;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSchemaRegistryClientTest {

    private static final Duration PROBE = Duration.ofSeconds(5);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Schema v1 = SchemaBuilder.record("Thing").namespace("test").fields().requiredLong("a").endRecord();
    private final Schema v2 = SchemaBuilder.record("Thing").namespace("test").fields().requiredLong("a")
            .name("b").type().longType().longDefault(0).endRecord();
    private final Schema breaking = SchemaBuilder.record("Thing").namespace("test").fields().requiredString("a")
            .endRecord();
    private final AtomicInteger requests = new AtomicInteger();
    /** When each request the fault filters saw came ({@link System#nanoTime()}). */
    private final List<Long> requestedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SchemaRegistryServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Counts requests; answers {@code status} to the first {@code times} requests matching {@code which}. */
    private Filter fault(int status, int times, Predicate<HttpExchange> which) {
        return fault(status, times, which, Map.of());
    }

    /**
     * Counts requests and notes when each came; answers {@code status}, with {@code headers}, to the first {@code
     * times} requests matching {@code which}.
     */
    private Filter fault(int status, int times, Predicate<HttpExchange> which, Map<String, String> headers) {
        AtomicInteger left = new AtomicInteger(times);
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                requests.incrementAndGet();
                requestedAt.add(System.nanoTime());
                if (which.test(exchange) && left.getAndDecrement() > 0) {
                    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                    respond(exchange, status, null, "{\"error_code\":" + status + ",\"message\":\"injected\"}");
                    return;
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "fault injection";
            }
        };
    }

    /** Holds each request whose number (from 1, counted in {@code calls}) {@code which} picks for {@code millis}. */
    private static Filter delaying(long millis, AtomicInteger calls, java.util.function.IntPredicate which) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                if (which.test(calls.incrementAndGet())) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "delaying " + millis + " ms";
            }
        };
    }

    /** Answers 200 with {@code body} to every request whose path is {@code path}, as a real registry would. */
    private static Filter answering(String path, String body) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    chain.doFilter(exchange);
                    return;
                }
                respond(exchange, 200, "application/vnd.schemaregistry.v1+json", body);
            }

            @Override
            public String description() {
                return "canned answer to " + path;
            }
        };
    }

    /**
     * Counts requests; answers the first {@code times} with a proxy's 404 page (an ingress with no route to the
     * registry, say): HTML, no registry error code.
     */
    private Filter proxyNotFound(int times) {
        AtomicInteger left = new AtomicInteger(times);
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                requests.incrementAndGet();
                if (left.getAndDecrement() <= 0) {
                    chain.doFilter(exchange);
                    return;
                }
                respond(exchange, 404, "text/html", "<html><body><h1>404 Not Found</h1>nginx</body></html>");
            }

            @Override
            public String description() {
                return "a proxy's 404 page";
            }
        };
    }

    /** Counts requests; answers 404 with error_code 0 to every request for {@code path}, as a terse registry might. */
    private Filter terseNotFound(String path) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                requests.incrementAndGet();
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    chain.doFilter(exchange);
                    return;
                }
                respond(exchange, 404, null, "{\"error_code\":0,\"message\":\"Schema not found\"}");
            }

            @Override
            public String description() {
                return "a terse 404 for " + path;
            }
        };
    }

    /** Answers {@code status} with {@code body} (and its content type, when given) and ends the exchange. */
    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private SchemaRegistryServer.Builder builder() {
        return new SchemaRegistryServer.Builder(registry);
    }

    private HttpSchemaRegistryClient client(String url, String... settings) {
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", url);
        config.put("retries.wait.ms", 10);
        config.put("retries.max.wait.ms", 50);
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        return new HttpSchemaRegistryClient(config);
    }

    @Test
    void shouldRegisterLookUpAndFetchSchemasOverRest() throws Exception {
        server = builder().filter(fault(500, 0, e -> false)).start();
        HttpSchemaRegistryClient client = client(server.url());
        // when
        int id = client.register("things-value", v1);
        // then
        assertThat(registry.getLatestSchemaMetadata("things-value").id()).isEqualTo(id);
        assertThat(client.getId("things-value", v1)).isEqualTo(id);
        assertThat(client.getSchemaById(id)).isEqualTo(v1);
        int id2 = client.register("things-value", v2);
        SchemaMetadata latest = client.getLatestSchemaMetadata("things-value");
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.schema()).isEqualTo(v2);
        assertThat(client.getAllSubjects()).containsExactly("things-value");
    }

    @Test
    void shouldTakeARegistryUrlWrittenWithATrailingSlash() throws Exception {
        // given the registry's URL as it is often copied, ending in '/'
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url() + "/");
        // when / then: its requests go to /subjects/..., not //subjects/...
        int id = client.register("things-value", v1);
        assertThat(client.getLatestSchemaMetadata("things-value").id()).isEqualTo(id);
    }

    @Test
    void shouldAnswerFromCacheOnHotPath() throws Exception {
        server = builder().filter(fault(500, 0, e -> false)).start();
        HttpSchemaRegistryClient client = client(server.url());
        int id = client.register("things-value", v1);
        int afterRegister = requests.get();
        for (int i = 0; i < 100; i++) {
            client.register("things-value", v1);
            client.getId("things-value", v1);
            client.getSchemaById(id);
        }
        assertThat(requests.get()).isEqualTo(afterRegister);
    }

    @Test
    void shouldServeSerdeHotPathWithoutCallingRegistry() throws Exception {
        server = builder().filter(fault(500, 0, e -> false)).start();
        SpecificAvroSerde<ProposedOrder> serde = SpecificAvroSerde.forValues(ProposedOrder.class,
                Map.of("schema.registry.url", server.url()));
        ProposedOrder order = ProposedOrder.newBuilder().setOrderId("o").setQuantity(5L).build();
        serde.deserializer().deserialize("orders", serde.serializer().serialize("orders", order));
        int warm = requests.get();
        for (int i = 0; i < 1_000; i++) {
            assertThat(serde.deserializer().deserialize("orders", serde.serializer().serialize("orders", order)))
                    .isEqualTo(order);
        }
        assertThat(requests.get()).isEqualTo(warm);
    }

    @Test
    void shouldCheckCompatibilityWithRealAvroRules() throws Exception {
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url());
        assertThat(client.testCompatibility("things-value", breaking)).as("no subject yet").isTrue();
        client.register("things-value", v1);
        assertThat(client.testCompatibility("things-value", v2)).isTrue();
        assertThat(client.testCompatibility("things-value", breaking)).isFalse();
    }

    @Test
    void shouldExplainIncompatibleSchema() throws Exception {
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url());
        client.register("things-value", v1);
        assertThatThrownBy(() -> client.register("things-value", breaking))
                .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class)
                .hasMessageContaining("things-value").hasMessageContaining("add fields with defaults");
    }

    @Test
    void shouldMapUnknownSubjectAndUnknownSchemaAndUnknownId() throws Exception {
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url());
        assertThatThrownBy(() -> client.getLatestSchemaMetadata("nothing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.SubjectNotFound.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40401))
                .hasMessageContaining("nothing-value");
        client.register("things-value", v1);
        assertThatThrownBy(() -> client.getId("things-value", v2))
                .isInstanceOfSatisfying(SchemaRegistryException.SchemaNotFound.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessageContaining("things-value");
        assertThatThrownBy(() -> client.getSchemaById(4242))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class).hasMessageContaining("4242");
    }

    @Test
    void shouldReadARegisteredSchemaWhoseDefaultDoesNotMatchItsTypeAsConfluentsClientDoes() throws Exception {
        // given: a schema registered before the registry validated defaults (null is no default of a string), which
        // Confluent's client reads: it parses the schemas it fetches without validating their defaults
        String legacy = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Legacy\\\",\\\"namespace\\\":\\\"test\\\",\\\"fields\\\":"
                + "[{\\\"name\\\":\\\"note\\\",\\\"type\\\":\\\"string\\\",\\\"default\\\":null}]}";
        server = builder()
                .filter(answering("/schemas/ids/7", "{\"schema\":\"" + legacy + "\"}"))
                .filter(answering("/subjects/legacy-value/versions/latest", "{\"subject\":\"legacy-value\","
                        + "\"version\":1,\"id\":7,\"schema\":\"" + legacy + "\"}"))
                .start();
        HttpSchemaRegistryClient client = client(server.url());
        // when
        Schema byId = client.getSchemaById(7);
        SchemaMetadata latest = client.getLatestSchemaMetadata("legacy-value");
        // then
        assertThat(byId.getField("note")).isNotNull();
        assertThat(latest.id()).isEqualTo(7);
        assertThat(latest.schema().getFullName()).isEqualTo("test.Legacy");
    }

    @Test
    void shouldResolveTheSchemasASchemaReferencesAsConfluentsClientDoes() throws Exception {
        // given: an order schema whose price is a Money record registered under its own subject, referenced by name
        String money = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Money\\\",\\\"namespace\\\":\\\"test\\\",\\\"fields\\\":"
                + "[{\\\"name\\\":\\\"cents\\\",\\\"type\\\":\\\"long\\\"}]}";
        String order = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\",\\\"namespace\\\":\\\"test\\\",\\\"fields\\\":"
                + "[{\\\"name\\\":\\\"price\\\",\\\"type\\\":\\\"test.Money\\\"}]}";
        String references = "\"references\":[{\"name\":\"test.Money\",\"subject\":\"money-value\",\"version\":1}]";
        server = builder()
                .filter(answering("/subjects/money-value/versions/1", "{\"subject\":\"money-value\",\"version\":1,"
                        + "\"id\":3,\"schema\":\"" + money + "\"}"))
                .filter(answering("/schemas/ids/9", "{\"schema\":\"" + order + "\"," + references + "}"))
                .filter(answering("/subjects/orders-value/versions/latest", "{\"subject\":\"orders-value\","
                        + "\"version\":2,\"id\":9,\"schema\":\"" + order + "\"," + references + "}"))
                .start();
        HttpSchemaRegistryClient client = client(server.url());
        // when
        Schema byId = client.getSchemaById(9);
        SchemaMetadata latest = client.getLatestSchemaMetadata("orders-value");
        // then
        assertThat(byId.getField("price").schema().getFullName()).isEqualTo("test.Money");
        assertThat(byId.getField("price").schema().getField("cents")).isNotNull();
        assertThat(latest.schema()).isEqualTo(byId);
    }

    @Test
    void shouldFetchASchemaByIdOnceNotForEveryRecordThatNamesIt() throws Exception {
        // given a schema registered by another client
        server = builder().filter(fault(500, 0, e -> false)).start();
        int id = client(server.url()).register("things-value", v1);
        HttpSchemaRegistryClient client = client(server.url());
        // when a fresh client fetches it by id again and again
        client.getSchemaById(id);
        int afterFirst = requests.get();
        for (int i = 0; i < 10; i++) {
            assertThat(client.getSchemaById(id)).isEqualTo(v1);
        }
        // then only the first fetch asked the registry
        assertThat(requests.get()).isEqualTo(afterFirst);
    }

    @Test
    void shouldAskAboutAnUnknownIdOnceForARunOfRecordsNamingIt() throws Exception {
        // given a registry that does not know id 4242, and a client that remembers that for a minute
        server = builder().filter(fault(500, 0, e -> false)).start();
        HttpSchemaRegistryClient client = client(server.url(), "missing.id.cache.ttl.sec", "60");
        // when a thousand records name it, one after another
        for (int i = 0; i < 1_000; i++) {
            assertThatThrownBy(() -> client.getSchemaById(4242))
                    .isInstanceOf(SchemaRegistryException.SchemaNotFound.class).hasMessageContaining("4242");
        }
        // then the registry was asked once: a run of them no longer costs a request each (enough, with a registry
        // some tens of ms away, for Kafka Streams' loop over them to outlast its transaction)
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void shouldAskAboutAnIdWhoseSchemaIsNotAvroOnceForARunOfRecordsNamingIt() throws Exception {
        // given a registry whose id 8 holds a Protobuf producer's schema, which is no Avro schema
        server = builder().filter(fault(500, 0, e -> false))
                .filter(answering("/schemas/ids/8", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = "
                        + "\\\"proto3\\\"; message Order { string id = 1; }\"}")).start();
        HttpSchemaRegistryClient client = client(server.url(), "missing.id.cache.ttl.sec", "60");
        // when a hundred records name it
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> client.getSchemaById(8))
                    .isInstanceOf(SchemaRegistryException.InvalidSchema.class).hasMessageContaining("not an Avro");
        }
        // then the registry was asked once, as for an unknown id
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void shouldNotAskTheRegistryAboutAnIdBelowOne() throws Exception {
        // given / when records name ids 0 and -5 (any five bytes after a zero name some id)
        server = builder().filter(fault(500, 0, e -> false)).start();
        HttpSchemaRegistryClient client = client(server.url());
        // then each is unknown at once, and no request is made
        assertThatThrownBy(() -> client.getSchemaById(0)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        assertThatThrownBy(() -> client.getSchemaById(-5)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining("ids start at 1");
        assertThat(requests.get()).isZero();
    }

    @Test
    void shouldAskAgainAboutAnUnknownIdOnceItsTimeAsUnknownIsOver() throws Exception {
        // given a client that remembers an unknown id for a second, and asked about id 1 before it was registered
        server = builder().filter(fault(500, 0, e -> false)).start();
        HttpSchemaRegistryClient client = client(server.url(), "missing.id.cache.ttl.sec", "1");
        assertThatThrownBy(() -> client.getSchemaById(1)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        int id = client(server.url()).register("things-value", v1);
        int asked = requests.get();
        // when it is named again within the second, then it is still unknown, without a request
        assertThatThrownBy(() -> client.getSchemaById(id)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        assertThat(requests.get()).isEqualTo(asked);
        // and after the second the registry is asked again, and the schema read
        Thread.sleep(1_100);
        assertThat(client.getSchemaById(id)).isEqualTo(v1);
        assertThat(requests.get()).isEqualTo(asked + 1);
    }

    @Test
    void shouldSeeASchemaRegisteredUnderAnIdOnceItsTimeAsUnknownIsOver() throws Exception {
        // given a client that asked about an id before it was registered, remembering that for no time at all
        server = builder().start();
        HttpSchemaRegistryClient eager = client(server.url(), "missing.id.cache.ttl.sec", "0");
        HttpSchemaRegistryClient remembering = client(server.url(), "missing.id.cache.ttl.sec", "60");
        assertThatThrownBy(() -> eager.getSchemaById(1)).isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        assertThatThrownBy(() -> remembering.getSchemaById(1))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
        // when the schema is then registered (by another client: it gets the first id)
        int id = client(server.url()).register("things-value", v1);
        // then the first client reads it at once, while the other still takes it for unknown within its minute
        assertThat(id).isEqualTo(1);
        assertThat(eager.getSchemaById(1)).isEqualTo(v1);
        assertThatThrownBy(() -> remembering.getSchemaById(1))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class);
    }

    @Test
    void shouldReportInvalidSchema() throws Exception {
        server = builder().filter(fault(422, 1, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url());
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.InvalidSchema.class).hasMessageContaining("things-value");
    }

    @Test
    void shouldSayTheUrlMayBeWrongWhenAPathItDoesNotServeAnswers404() throws Exception {
        // given a registry reached under a base path it does not serve (schema.registry.url ending in /api)
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url() + "/api", "max.retries", "1", "retries.wait.ms", "1");
        // when / then the answer names the URL to check, not a subject the schema is missing from, and is the
        // registry's being out of reach: the guard's thread waits for it rather than dead-letter a record
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("answered 404 to POST /subjects/things-value/versions without a schema "
                        + "registry's error code (no such endpoint")
                .hasMessageContaining("is schema.registry.url right, its path included?")
                .hasMessageNotContaining("is not registered under subject");
    }

    @Test
    void shouldAskAgainRatherThanTakeAProxysNotFoundPageForAnUnknownSchemaId() throws Exception {
        // given a registered schema behind a proxy that answers its first four requests with its own 404 page, and a
        // client that would remember a schema id the registry does not know for a minute
        int id = registry.register("things-value", v1);
        server = builder().filter(proxyNotFound(4)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "3", "retries.wait.ms", "1",
                "missing.id.cache.ttl.sec", "60");
        // when a record names the id, then the page is asked past, not taken for the registry's "no such schema":
        // twice the page, each time GET /config a page too, then the schema
        assertThat(client.getSchemaById(id)).isEqualTo(v1);
        assertThat(requests.get()).isEqualTo(5);
    }

    @Test
    void shouldTakeATerse404ForNoSuchSchemaWhereTheRegistryItselfAnswers() throws Exception {
        // given a compatible registry that answers an id it does not know with 404 and no error code of its own
        // (error_code 0, as one answers some of its not-found cases), while it serves GET /config
        server = builder().filter(terseNotFound("/schemas/ids/4242")).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "3", "retries.wait.ms", "1");
        // when / then the record naming it is not readable (dead-lettered), rather than the registry taken for away
        // and the stream thread stopped and replaced for ever on it
        assertThatThrownBy(() -> client.getSchemaById(4242))
                .isInstanceOf(SchemaRegistryException.SchemaNotFound.class)
                .hasMessageContaining(server.url() + " answered 404 to GET /schemas/ids/4242 without a schema "
                        + "registry's error code (Schema not found)");
        assertThat(requests.get()).as("the id and GET /config, once each").isEqualTo(2);
    }

    @Test
    void shouldTakeAProxysNotFoundPageForTheRegistryBeingAwayAndNotRememberTheIdAsUnknown() throws Exception {
        // given a registered schema behind a proxy answering its 404 page to the client's one attempt (and to the
        // look at GET /config after it)
        int id = registry.register("things-value", v1);
        server = builder().filter(proxyNotFound(2)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "0", "missing.id.cache.ttl.sec", "60");
        // when a record names the id, then the registry is away (the stream thread stops, the record is read again)
        assertThatThrownBy(() -> client.getSchemaById(id))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining(server.url() + " answered 404 to GET /schemas/ids/" + id
                        + " without a schema registry's error code (<html><body><h1>404 Not Found</h1>nginx")
                .hasMessageContaining("is schema.registry.url right, its path included?");
        // and once the proxy routes again, the id is read at once: it was not remembered as unknown
        assertThat(client.getSchemaById(id)).isEqualTo(v1);
    }

    @Test
    void shouldNotTakeAProxysNotFoundPageForTheRegistryAnswering() throws Exception {
        // given a proxy answering its 404 page to everything, in front of a registry
        server = builder().filter(proxyNotFound(Integer.MAX_VALUE)).start();
        // when / then the probe of an outage does not count it as the registry's answer
        assertThat(client(server.url()).answers(PROBE)).isFalse();
        assertThat(requests.get()).as("asked once").isEqualTo(1);
    }

    @Test
    void shouldRetryServerErrorsThenSucceed() throws Exception {
        server = builder().filter(fault(500, 2, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "3");
        assertThat(client.register("things-value", v1)).isPositive();
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void shouldGiveUpAfterBoundedRetriesNamingTheRegistry() throws Exception {
        server = builder().filter(fault(503, 100, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "2");
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("3 attempts").hasMessageContaining(server.url()).hasMessageContaining("503");
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void shouldSayARegistryAnsweredWithABodyThatIsNotJsonRatherThanThatItGaveNoAnswer() throws Exception {
        // given a URL whose server answers 200 with a web page (a proxy's login page, say) to every request
        server = builder().filter(answering("/subjects/things-value/versions",
                "<!DOCTYPE html><html><body>Sign in to continue</body></html>")).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "1");
        // when / then: unavailable, as a registry that cannot be read is (the guard's thread stops rather than
        // skip a record), saying what it answered and what to check
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining(server.url() + " answered 200 with a body that is not JSON "
                        + "(\"<!DOCTYPE html><html><body>Sign in to continue</body></html>\")")
                .hasMessageContaining("is schema.registry.url the registry's own?")
                .hasMessageNotContaining("gave no answer")
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @Test
    void shouldRetryAfterTimeout() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = builder().filter(delaying(1_500, calls, call -> call == 1)).start();
        HttpSchemaRegistryClient client = client(server.url(), "http.read.timeout.ms", "300");
        assertThat(client.register("things-value", v1)).isPositive();
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldSayItCouldNotConnectToARegistryThatIsNotThere() throws Exception {
        // given a registry URL nothing listens on
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        HttpSchemaRegistryClient client = client("http://127.0.0.1:" + deadPort, "max.retries", "0");
        // when / then: said in words, not as the JDK's message-less exception
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("http://127.0.0.1:" + deadPort + " gave no answer (could not connect)")
                .hasMessageNotContaining("null");
    }

    @Test
    void shouldFailOverToNextUrlWhenFirstIsDown() throws Exception {
        server = builder().start();
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        HttpSchemaRegistryClient client = client("http://127.0.0.1:" + deadPort + "," + server.url());
        assertThat(client.register("things-value", v1)).isPositive();
        assertThat(client.getSchemaById(1)).isEqualTo(v1);
    }

    @Test
    void shouldFailOverToTheNextUrlPastAProxysNotFoundPage() throws Exception {
        // given two registry URLs, the first a proxy answering its 404 page to everything, the second the registry
        int id = registry.register("things-value", v1);
        try (SchemaRegistryServer proxy = builder().filter(proxyNotFound(Integer.MAX_VALUE)).start()) {
            server = builder().start();
            HttpSchemaRegistryClient client = client(proxy.url() + "," + server.url(), "retries.wait.ms", "1");
            // when / then the schema comes from the second
            assertThat(client.getSchemaById(id)).isEqualTo(v1);
        }
    }

    @Test
    void shouldKeepAskingTheUrlThatAnsweredRatherThanTheOneThatFailed() throws Exception {
        // given two registry URLs, the first answering only 503, the second up
        AtomicInteger toFirst = new AtomicInteger();
        try (SchemaRegistryServer failing = builder().filter(fault(503, Integer.MAX_VALUE, e -> {
            toFirst.incrementAndGet();
            return true;
        })).start()) {
            server = builder().start();
            HttpSchemaRegistryClient client = client(failing.url() + "," + server.url());
            // when it registers a schema, then another, then asks for the latest
            client.register("things-value", v1);
            client.register("things-value", v2);
            client.getLatestSchemaMetadata("things-value");
            // then only the first request went to the failing URL: the client stayed with the one that answered
            assertThat(toFirst.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldGiveUpAtOnceAfterTheLastAttemptNotAfterAnotherWait() throws Exception {
        // given a registry that answers only 503, and a client that waits 60 s between attempts but makes only one
        server = builder().filter(fault(503, 100, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "0", "retries.wait.ms", "60000",
                "retries.max.wait.ms", "60000");
        long start = System.nanoTime();
        // when / then: it fails as soon as its one attempt failed, not a wait later (a margin no slow machine needs)
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void shouldDoubleTheWaitBetweenRetriesUpToRetriesMaxWaitOnly() throws Exception {
        // given a registry that answers only 503, and a client that retries 4 times, from 10 ms up to 20 ms apart
        server = builder().filter(fault(503, 100, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "4", "retries.wait.ms", "10",
                "retries.max.wait.ms", "20");
        // whatever level a test before this one left the logging at (the CLI's tests quiet it)
        CapturedLogs logged = CapturedLogs.of(HttpSchemaRegistryClient.class).at(ch.qos.logback.classic.Level.WARN);
        try (logged) {
            // when it gives up
            assertThatThrownBy(() -> client.register("things-value", v1))
                    .isInstanceOf(SchemaRegistryException.Unavailable.class);
        }
        // then it waited 10 ms, then 20 ms each time: doubled, but never past the longest wait
        assertThat(logged.messages()).extracting(message -> message.replaceAll(".*retrying in (\\d+) ms.*", "$1"))
                .containsExactly("10", "20", "20", "20");
    }

    @Test
    void shouldTellWhetherTheRegistryAnswersAtAllAskingOnceWithoutRetrying() throws Exception {
        // given a registry that is up, one that answers only 503, one that refuses the credentials, and a closed port
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + deadPort;
        server = builder().start();
        assertThat(client(server.url()).answers(PROBE)).isTrue();
        assertThat(client(dead + "," + server.url()).answers(PROBE)).as("another URL answers").isTrue();
        assertThat(client(dead, "max.retries", "5").answers(PROBE)).isFalse();
        server.close();
        // a refusal is an answer: the registry is there
        server = builder().basicAuth("guard:s3cret").start();
        assertThat(client(server.url()).answers(PROBE)).isTrue();
        server.close();
        requests.set(0);
        server = builder().filter(fault(503, 100, e -> true)).start();
        assertThat(client(server.url(), "max.retries", "5").answers(PROBE)).isFalse();
        assertThat(requests.get()).as("asked once, whatever max.retries says").isEqualTo(1);
    }

    @Test
    void shouldGiveUpOnARegistryThatDoesNotAnswerWithinTheProbesTime() throws Exception {
        // given a registry that answers only after 3 s (hung), though the client would wait 60 s for an answer
        server = builder().filter(delaying(3_000, new AtomicInteger(), call -> true)).start();
        // when it is asked whether it answers within 300 ms, then it does not: the probe is bounded by its time
        assertThat(client(server.url(), "http.read.timeout.ms", "60000").answers(Duration.ofMillis(300))).isFalse();
    }

    @Test
    void shouldHearTheSecondUrlWhenTheFirstHangs() throws Exception {
        // given two registry URLs, the first hung for longer than the probe's time, the second up
        try (SchemaRegistryServer hung = builder().filter(delaying(10_000, new AtomicInteger(), call -> true)).start()) {
            server = builder().start();
            // when / then: the second is heard within the probe's time
            assertThat(client(hung.url() + "," + server.url()).answers(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void shouldExplainMissingCredentials() throws Exception {
        server = builder().basicAuth("guard:s3cret").start();
        HttpSchemaRegistryClient client = client(server.url());
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOfSatisfying(SchemaRegistryException.NotAuthorized.class,
                        e -> assertThat(e.errorCode()).isEqualTo(401))
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldAuthenticateWithUserInfo() throws Exception {
        server = builder().basicAuth("guard:s3cret").start();
        HttpSchemaRegistryClient client = client(server.url(), "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "guard:s3cret");
        assertThat(client.register("things-value", v1)).isPositive();
    }

    @Test
    void shouldAuthenticateWithAStaticBearerTokenAndConfluentCloudsRoutingHeaders() throws Exception {
        // given: a registry that, like Confluent Cloud with OAuth, takes a bearer token and the target cluster and pool
        server = builder().filter(fault(401, Integer.MAX_VALUE,
                e -> !"Bearer t0ken".equals(e.getRequestHeaders().getFirst("Authorization"))
                        || !"lsrc-123".equals(e.getRequestHeaders().getFirst("target-sr-cluster"))
                        || !"pool-9".equals(e.getRequestHeaders().getFirst("Confluent-Identity-Pool-Id"))))
                .start();
        HttpSchemaRegistryClient client = client(server.url(), "bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", "t0ken", "bearer.auth.logical.cluster", "lsrc-123",
                "bearer.auth.identity.pool.id", "pool-9");
        // when / then
        assertThat(client.register("things-value", v1)).isPositive();
    }

    @Test
    void shouldRefuseABearerCredentialsSourceItCannotServeInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> client("http://localhost:8081", "bearer.auth.credentials.source", "OAUTHBEARER"))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("STATIC_TOKEN");
        assertThatThrownBy(() -> client("http://localhost:8081", "bearer.auth.credentials.source", "STATIC_TOKEN"))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("bearer.auth.token");
    }

    @Test
    void shouldReachTheRegistryThroughTheProxyConfluentsProxySettingsName() throws Exception {
        // given: a registry reachable only through a forward proxy (here the stub itself, which answers what it is sent)
        java.util.List<String> targets = new java.util.concurrent.CopyOnWriteArrayList<>();
        server = builder().filter(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                targets.add(exchange.getRequestURI().toString());
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "proxy";
            }
        }).start();
        String proxyPort = server.url().substring(server.url().lastIndexOf(':') + 1);
        HttpSchemaRegistryClient client = client("http://registry.invalid:8081", "max.retries", "0",
                "proxy.host", "127.0.0.1", "proxy.port", proxyPort);
        // when
        int id = client.register("things-value", v1);
        // then: the request went to the proxy, naming the registry
        assertThat(client.getSchemaById(id)).isEqualTo(v1);
        assertThat(targets).first().asString().startsWith("http://registry.invalid:8081/subjects/things-value");
    }

    @Test
    void shouldAuthenticateWithCredentialsInUrl() throws Exception {
        server = builder().basicAuth("guard:s3cret").start();
        HttpSchemaRegistryClient client = client(server.url().replace("http://", "http://guard:s3cret@"));
        assertThat(client.register("things-value", v1)).isPositive();
    }

    @Test
    void shouldNeverShowTheCredentialsOfAUrl() throws Exception {
        // given credentials in the URL, and a registry that is down, then one that refuses them
        server = builder().basicAuth("guard:s3cret").filter(fault(503, 3, e -> true)).start();
        String withCredentials = server.url().replace("http://", "http://guard:s3cret@");
        HttpSchemaRegistryClient client = client(withCredentials, "max.retries", "2");
        // when / then: the messages (logged, and in dead-letter headers) name the registry, not the password
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining(server.url()).hasMessageNotContaining("s3cret");
        HttpSchemaRegistryClient wrong = client(server.url().replace("http://", "http://guard:wrong-one@"));
        assertThatThrownBy(() -> wrong.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.NotAuthorized.class)
                .hasMessageContaining(server.url()).hasMessageNotContaining("wrong-one");
        assertThat(RegistryClientConfig.shown("https://a:b@r1:8081/x, http://c@r2,mock://s"))
                .isEqualTo("https://r1:8081/x, http://r2,mock://s");
    }

    @Test
    void shouldRetryWhenRateLimitedOrTimedOutByTheRegistry() throws Exception {
        // given a registry that answers 429 (rate limited, as Confluent Cloud does) and then 408 once each
        server = builder().filter(fault(429, 1, e -> true)).filter(fault(408, 1, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "3");
        // when / then: asked again, not failed
        assertThat(client.register("things-value", v1)).isPositive();
    }

    @Test
    void shouldWaitAsLongAsARateLimitingRegistryAsksBeforeAskingAgain() throws Exception {
        // given a registry that answers the first request 429 with Retry-After: 1 (second), as Confluent Cloud does
        server = builder().filter(fault(429, 1, e -> true, Map.of("Retry-After", "1"))).start();
        // and a client whose own backoff is far shorter
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "1", "retries.max.wait.ms", "5000");
        // when it registers a schema
        assertThat(client.register("things-value", v1)).isPositive();
        // then it asked again only after the second the registry asked for
        assertThat(requestedAt).hasSize(2);
        assertThat(Duration.ofNanos(requestedAt.get(1) - requestedAt.get(0)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void shouldLookASchemaUpUnderEachSubjectNotAnswerFromAnotherSubjectsId() throws Exception {
        // given a schema registered under one subject
        server = builder().start();
        HttpSchemaRegistryClient client = client(server.url());
        int id = client.register("things-value", v1);
        // when it is looked up under a subject that does not hold it, then the registry's answer is given
        assertThatThrownBy(() -> client.getId("others-value", v1))
                .isInstanceOf(SchemaRegistryException.SubjectNotFound.class).hasMessageContaining("others-value");
        // and registered under that subject, it is registered there (with the same id, as Confluent gives)
        assertThat(client.register("others-value", v1)).isEqualTo(id);
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("things-value", "others-value");
    }

    @Test
    void shouldExplainForbidden() throws Exception {
        server = builder().filter(fault(403, 1, e -> true)).start();
        HttpSchemaRegistryClient client = client(server.url());
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.NotAuthorized.class).hasMessageContaining("things-value");
    }

    @Test
    void shouldTalkTlsWithTrustStoreAndClientKeyStore() throws Exception {
        TestCertificates serverCert = TestCertificates.create(dir, "registry");
        TestCertificates clientCert = TestCertificates.create(dir, "guard");
        server = builder().tls(serverCert.serverContext(clientCert)).requireClientCertificates().start();
        assertThat(server.url()).startsWith("https://");
        HttpSchemaRegistryClient client = client(server.url(),
                "schema.registry.ssl.truststore.location", serverCert.trustStore.toString(),
                "schema.registry.ssl.truststore.password", TestCertificates.PASSWORD,
                "schema.registry.ssl.truststore.type", "PKCS12",
                "schema.registry.ssl.keystore.location", clientCert.keyStore.toString(),
                "schema.registry.ssl.keystore.password", TestCertificates.PASSWORD,
                "schema.registry.ssl.keystore.type", "PKCS12");
        assertThat(client.register("things-value", v1)).isPositive();
    }

    @Test
    void shouldRefuseRegistryWhoseCertificateIsNotTrustedSayingSoRatherThanThatItIsDown() throws Exception {
        // given a registry whose certificate's CA the guard was not given
        TestCertificates serverCert = TestCertificates.create(dir, "registry");
        server = builder().tls(serverCert.serverContext(serverCert)).start();
        HttpSchemaRegistryClient client = client(server.url(), "max.retries", "0");

        // when / then the certificate is named as what failed, and where its CA goes; still waited out as an
        // outage, since a registry's certificate expired or swapped is mended on its side
        assertThatThrownBy(() -> client.register("things-value", v1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining(server.url() + " presented a certificate the guard does not trust (PKIX path "
                        + "building failed")
                .hasMessageEndingWith("Check that the registry's certificate is valid, names the host in "
                        + "schema.registry.url, and is issued by a CA in schema.registry.ssl.truststore.location (or "
                        + "the JVM's).")
                .satisfies(e -> assertThat(((SchemaRegistryException.Unavailable) e).outage()).isTrue());
    }
}
