package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.testing.CapturedLogs;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A record that fails for want of the schema registry stops the thread (to be read again); any other is dead-lettered. */
class RegistryOutageTest {

    private static final byte[] VALUE = "a valid order".getBytes(StandardCharsets.UTF_8);
    private static final SerializationException OUTAGE = new SerializationException("record on 'orders' names "
            + "schema id 7 that the registry cannot give", new SchemaRegistryException.Unavailable("registry down", null));
    private static final SerializationException REFUSAL = new SerializationException("record on 'orders' names "
            + "schema id 7 that the registry cannot give", new SchemaRegistryException.NotAuthorized(
                    "schema registry refused the credentials (401)", 401));
    private static final SerializationException GARBAGE = new SerializationException("unknown magic byte");
    private static final SerializationException NOT_LET_READ = new SerializationException("record on 'orders' names "
            + "schema id 7 that the registry cannot give", new SchemaRegistryException.SchemaNotServed("schema "
                    + "registry does not let the guard read schema id 7 (403), where it reads others",
                    new SchemaRegistryException.NotAuthorized("does not allow GET /schemas/ids/7 (403)", 403)));
    private static final SerializationException LONG_UNSERVED = new SerializationException("record on 'orders' "
            + "names schema id 7 that the registry cannot give", new SchemaRegistryException.SchemaNotServed("schema "
                    + "registry serves other schemas, but has not served schema id 7 for 300 s",
                    new SchemaRegistryException.Unavailable("answered 500", null)));

    @Test
    void shouldStopTheThreadWhenAnInputCannotBeReadForWantOfTheRegistry() {
        // given the guard's handler, configured as the guard configures it
        DeserializationExceptionHandler handler = configured(new RegistryOutage.OnDeserialization());
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 41, null, VALUE);
        // when a valid record cannot be read because the registry is away, then: fail, and dead-letter nothing
        DeserializationExceptionHandler.Response outage = handler.handleError(CONTEXT, record, OUTAGE);
        assertThat(outage.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(outage.deadLetterQueueRecords()).isEmpty();
        // and so does a record the registry refuses to describe to the guard (its credentials, not the record)
        DeserializationExceptionHandler.Response refused = handler.handleError(CONTEXT, record, REFUSAL);
        assertThat(refused.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(refused.deadLetterQueueRecords()).isEmpty();
        // and a record that is not valid is dead-lettered, and the stream goes on
        DeserializationExceptionHandler.Response garbage = handler.handleError(CONTEXT, record, GARBAGE);
        assertThat(garbage.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(garbage.deadLetterQueueRecords()).singleElement()
                .satisfies(letter -> assertThat(letter.topic()).isEqualTo("orders-dlq"));
    }

    @Test
    void shouldSayInOneLineThatARecordCannotBeReadWithTheTraceInTheDeadLetterOnly() {
        // given the guard's handler, and its log
        DeserializationExceptionHandler handler = configured(new RegistryOutage.OnDeserialization());
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 41, null, VALUE);
        try (CapturedLogs logged = CapturedLogs.of(RegistryOutage.class)) {
            // when a record that cannot be read comes (any producer can send runs of them)
            DeserializationExceptionHandler.Response garbage = handler.handleError(CONTEXT, record, GARBAGE);

            // then one line says where it was and why, without a stack trace of some 25 lines
            assertThat(logged.events()).singleElement().satisfies(event -> {
                assertThat(event.getFormattedMessage()).isEqualTo("record at orders-0@41 cannot be read, "
                        + "dead-lettered (UNDECODABLE): org.apache.kafka.common.errors.SerializationException: "
                        + "unknown magic byte");
                assertThat(event.getThrowableProxy()).isNull();
            });
            // while the dead letter still carries the exception, its message and its trace in its headers
            assertThat(garbage.deadLetterQueueRecords()).singleElement().satisfies(letter -> assertThat(
                    letter.headers().lastHeader("__streams.errors.stacktrace")).isNotNull());
        }
    }

    @Test
    void shouldNotWriteALineForEachRecordOfARunThatCannotBeReadButDeadLetterEach() {
        // given the handlers of two tasks of one instance, configured as Kafka Streams configures each task's, with
        // the guard's settings, and their log
        Map<String, Object> settings = new java.util.HashMap<>();
        StreamsDefaults.errorHandling(TopicNames.defaults()).forEach((k, v) -> settings.put((String) k, v));
        List<DeserializationExceptionHandler> tasks = List.of(new RegistryOutage.OnDeserialization(),
                new RegistryOutage.OnDeserialization());
        tasks.forEach(handler -> ((RegistryOutage.OnDeserialization) handler).configure(settings));
        try (CapturedLogs logged = CapturedLogs.of(RegistryOutage.class)) {
            // when a producer sends a run of 1,000 records that cannot be read, over both tasks' partitions
            int deadLettered = 0;
            for (int offset = 0; offset < 1_000; offset++) {
                ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", offset % 2, offset, null,
                        VALUE);
                deadLettered += tasks.get(offset % 2).handleError(CONTEXT, record, GARBAGE)
                        .deadLetterQueueRecords().size();
            }

            // then each is dead-lettered, and the instance's log says the first 20 and that the rest are counted
            assertThat(deadLettered).isEqualTo(1_000);
            assertThat(logged.messages()).hasSize(21).last().asString().contains("more in that minute are counted");
        }
    }

    @Test
    void shouldCountAFailedRecordAmongTheDeadLettersButNotOneReadAgainAfterAnOutage() {
        // given both handlers, configured as the guard configures them, with an observer
        RecordingObserver observer = new RecordingObserver();
        Map<String, Object> settings = new java.util.HashMap<>();
        StreamsDefaults.errorHandling(TopicNames.defaults(), observer).forEach((k, v) -> settings.put((String) k, v));
        RegistryOutage.OnDeserialization reading = new RegistryOutage.OnDeserialization();
        reading.configure(settings);
        ProcessingFailureHandler processing = new ProcessingFailureHandler();
        processing.configure(settings);
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>("orders", 0, 7L, new byte[0], VALUE);
        Record<String, byte[]> record = new Record<>("dutchess/CBYI", VALUE, 0L);

        // when each meets an outage, then a failure of the record's own
        reading.handleError(CONTEXT, raw, OUTAGE);
        processing.handleError(CONTEXT, record, OUTAGE);
        reading.handleError(CONTEXT, raw, GARBAGE);
        processing.handleError(CONTEXT, record, new IllegalStateException("a bug"));

        // then only the dead-lettered ones are counted, each under its kind
        assertThat(observer.deadLetters)
                .containsExactly(DeadLetterReason.UNDECODABLE, DeadLetterReason.PROCESSING_FAILURE);
    }

    @Test
    void shouldDeadLetterAProducersRecordWhoseSchemaIdAloneTheRegistryWillNotGiveTheGuard() {
        // given the guard's handler
        DeserializationExceptionHandler handler = configured(new RegistryOutage.OnDeserialization());
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 41, null, VALUE);
        for (SerializationException notServed : List.of(NOT_LET_READ, LONG_UNSERVED)) {
            // when a record names a schema id the registry refuses the guard, or has long failed to serve, while it
            // serves it others
            DeserializationExceptionHandler.Response response = handler.handleError(CONTEXT, record, notServed);

            // then that record cannot be read: it is dead-lettered, and the stream goes on
            assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
            assertThat(response.deadLetterQueueRecords()).singleElement()
                    .satisfies(letter -> assertThat(letter.topic()).isEqualTo("orders-dlq"));
        }
    }

    @Test
    void shouldStopTheThreadWhenAValueTheGuardStoredNamesASchemaIdTheRegistryWillNotGive() {
        // given the same answers met reading a value the guard stored itself (an older guard's Avro), or writing
        ProcessingExceptionHandler handler = configured(new ProcessingFailureHandler());
        Record<String, byte[]> record = new Record<>("dutchess/CBYI", VALUE, 0L);

        // when / then they are the registry's, as they were: the thread stops, the refusal stops the guard, and the
        // value is not given up (a holding's schedule dropped, an order dead-lettered)
        assertThat(handler.handleError(CONTEXT, record, NOT_LET_READ).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(CONTEXT, record, LONG_UNSERVED).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(RegistryOutage.refusal(NOT_LET_READ)).get()
                .satisfies(refusal -> assertThat(refusal.errorCode()).isEqualTo(403));
        assertThat(RegistryOutage.causes(LONG_UNSERVED)).isTrue();
        assertThat(RegistryOutage.causes(NOT_LET_READ)).isFalse();
    }

    @Test
    void shouldStopTheThreadWhenADecisionCannotBeWrittenForWantOfTheRegistry() {
        ProcessingExceptionHandler handler = configured(new ProcessingFailureHandler());
        Record<String, byte[]> record = new Record<>("dutchess/CBYI", VALUE, 0L);
        ProcessingExceptionHandler.Response outage = handler.handleError(CONTEXT, record, OUTAGE);
        assertThat(outage.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(outage.deadLetterQueueRecords()).isEmpty();
        assertThat(handler.handleError(CONTEXT, record, REFUSAL).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        ProcessingExceptionHandler.Response other = handler.handleError(CONTEXT, record,
                new IllegalStateException("a bug"));
        assertThat(other.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(other.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    @Timeout(10) // the walk must end: without the bound it never returns
    void shouldTellAFailureWhoseCausesGoRoundFromAnOutage() {
        // given a failure whose causes form a cycle (a library's bug), without the registry in it
        RuntimeException outer = new RuntimeException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner);
        // when / then: the walk ends
        assertThat(RegistryOutage.causes(outer)).isFalse();
        assertThat(RegistryOutage.refusal(outer)).isEmpty();
    }

    @Test
    void shouldBeTheHandlersTheGuardRunsWith() {
        Properties defaults = StreamsDefaults.errorHandling(TopicNames.defaults());
        assertThat(defaults.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(RegistryOutage.OnDeserialization.class.getName());
        assertThat(defaults.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ProcessingFailureHandler.class.getName());
    }

    @Test
    void shouldFailTheStreamThreadWithTheOutageInItsCauses(@TempDir Path stateDir) throws IOException {
        // given the guard's topology, whose registry gives no answer (a closed port, no retries)
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Thrown thrown = pipeOrderWithUncachedSchema("http://127.0.0.1:" + closedPort, stateDir);
        // then the failure the stream thread dies of (what the guard's thread handler is given) names the outage:
        // that is how the handler knows to wait for the registry before replacing the thread
        assertThat(RegistryOutage.causes(thrown.failure())).isTrue();
        // and nothing was dead-lettered or decided
        assertThat(thrown.deadLettersAndDecisions()).isZero();
    }

    @Test
    void shouldFailTheStreamThreadWithTheRegistrysRefusalInItsCauses(@TempDir Path stateDir) throws IOException {
        // given the guard's topology, whose registry refuses its credentials
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            byte[] body = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort();
            Thrown thrown = pipeOrderWithUncachedSchema(url, stateDir);
            // then the failure the thread dies of is the refusal, and the record was neither dead-lettered nor decided
            assertThat(RegistryOutage.refusal(thrown.failure())).get()
                    .satisfies(refusal -> assertThat(refusal.errorCode()).isEqualTo(401));
            assertThat(thrown.deadLettersAndDecisions()).isZero();
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void shouldStopTheIdSweepRatherThanPassAnOlderGuardsIdWhileTheRegistryIsAway(@TempDir Path stateDir)
            throws IOException {
        // given a guard whose registry gives no answer, and an order id an older guard remembered, in its Avro
        try (TopologyTestDriver driver = onARegistryThatGivesNoAnswer(stateDir,
                TopologyOptions.service().withIdRetention(java.time.Duration.ofHours(1)))) {
            byte[] older = ByteBuffer.allocate(6).put((byte) 0).putInt(7).put((byte) 0).array();
            org.apache.kafka.streams.state.KeyValueStore<String, byte[]> seenOrders =
                    driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
            seenOrders.put("dutchess/CBYI/e1", older);
            // when the sweeper meets it
            Throwable failure = catchThrowable(() -> driver.advanceWallClockTime(java.time.Duration.ofSeconds(1)));
            // then the sweep stops on the outage (the thread fails, to be replaced), as a record would: the value is
            // not taken for a corrupt one and walked past
            assertThat(RegistryOutage.causes(failure)).as("%s", failure).isTrue();
            assertThat(seenOrders.get("dutchess/CBYI/e1")).containsExactly(older);
        }
    }

    @Test
    void shouldStopTheReleasePunctuationRatherThanDropAnOlderGuardsHoldingWhileTheRegistryIsAway(
            @TempDir Path stateDir) throws IOException {
        // given a guard whose registry gives no answer, and a holding an older guard stored, in its Avro, due for
        // a release
        try (TopologyTestDriver driver = onARegistryThatGivesNoAnswer(stateDir, TopologyOptions.service())) {
            byte[] older = ByteBuffer.allocate(6).put((byte) 0).putInt(7).put((byte) 0).array();
            driver.<String, byte[]>getKeyValueStore(StoreNames.HOLDING_STATE).put("dutchess/CBYI", older);
            org.apache.kafka.streams.state.KeyValueStore<String, String> schedule =
                    driver.getKeyValueStore(StoreNames.RELEASE_SCHEDULE);
            String due = StoreNames.scheduleKey(0, "dutchess/CBYI");
            schedule.put(due, "dutchess/CBYI");
            // when the release punctuation meets it
            Throwable failure = catchThrowable(
                    () -> driver.advanceWallClockTime(TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL));
            // then the punctuation stops on the outage (the thread fails, to be replaced): the holding is not taken
            // for an unreadable one and its release dropped from the schedule for good
            assertThat(RegistryOutage.causes(failure)).as("%s", failure).isTrue();
            assertThat(schedule.get(due)).isEqualTo("dutchess/CBYI");
        }
    }

    private record Thrown(Throwable failure, long deadLettersAndDecisions) {
    }

    /** Pipes an order naming a schema id the guard has not cached to a guard whose registry is {@code url}. */
    private static Thrown pipeOrderWithUncachedSchema(String url, Path stateDir) {
        TopicNames names = TopicNames.defaults();
        GuardTopics topics = GuardTopics.avro(names, Map.of(RegistryClientConfig.URL, url,
                RegistryClientConfig.MAX_RETRIES, 0));
        Properties properties = StreamsDefaults.errorHandling(names);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-outage");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(GuardTopology.build(topics), properties)) {
            // when an order arrives in Confluent's wire format, naming a schema id the guard has not cached
            byte[] order = ByteBuffer.allocate(6).put((byte) 0).putInt(7).put((byte) 0).array();
            Throwable failure = catchThrowable(() -> driver.createInputTopic(names.orders(), new StringSerializer(),
                    new ByteArraySerializer()).pipeInput("dutchess/CBYI", order));
            long written = 0;
            for (String topic : List.of(names.deadLetters(), names.approved(), names.blocked())) {
                written += driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer())
                        .getQueueSize();
            }
            return new Thrown(failure, written);
        }
    }

    /** The guard's topology on a registry that gives no answer (a closed port, no retries). */
    private static TopologyTestDriver onARegistryThatGivesNoAnswer(Path stateDir, TopologyOptions options)
            throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TopicNames names = TopicNames.defaults();
        GuardTopics topics = GuardTopics.avro(names, Map.of(RegistryClientConfig.URL, "http://127.0.0.1:" + closedPort,
                RegistryClientConfig.MAX_RETRIES, 0));
        Properties properties = StreamsDefaults.errorHandling(names);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-outage-punctuation");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(GuardTopology.build(topics, DecisionObserver.NONE, options), properties);
    }

    private static <T extends org.apache.kafka.common.Configurable> T configured(T handler) {
        Map<String, Object> settings = Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "orders-dlq");
        handler.configure(settings);
        return handler;
    }

    private static final ErrorHandlerContext CONTEXT = new SourceRecordContext("orders", 0, 41, "dutchess/CBYI", VALUE);
}
