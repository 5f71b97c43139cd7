package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.RunningPartitions;
import com.lockupguard.topology.TopicNames;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.internals.TaskMetadataImpl;
import org.apache.kafka.streams.processor.internals.ThreadMetadataImpl;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsHoldingsQueryTest {

    private static final HostInfo SELF = new HostInfo("guard-1", 8080);

    /**
     * Kafka Streams, never started, that says it runs, answers {@code metadata} for every key, has one stream thread
     * with an active task of partition 3, and stores that hold nothing.
     */
    private static final class AnsweringStreams extends KafkaStreams {

        private final KeyQueryMetadata metadata;
        /** The other instances with an API, as the assignment this one knows names them. */
        private volatile List<StreamsMetadata> others = List.of();

        AnsweringStreams(KeyQueryMetadata metadata, Path stateDir) {
            super(topology(), settings(stateDir));
            this.metadata = metadata;
        }

        private static org.apache.kafka.streams.Topology topology() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("orders").to("approved");
            return builder.build();
        }

        private static Properties settings(Path stateDir) {
            Properties settings = new Properties();
            settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "holdings-query-test-" + UUID.randomUUID());
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            return settings;
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return metadata;
        }

        @Override
        public Set<ThreadMetadata> metadataForLocalThreads() {
            // Kafka Streams' own metadata classes: the public interfaces have nothing to build them with
            TaskMetadata task = new TaskMetadataImpl(new TaskId(0, 3), Set.of(new TopicPartition("agreements", 3),
                    new TopicPartition("orders", 3)), Map.of(), Map.of(), Optional.empty());
            return Set.of(new ThreadMetadataImpl("guard-StreamThread-1", "RUNNING", "consumer", "restore", "producer",
                    "admin", Set.of(task), Set.of()));
        }

        @Override
        public Collection<StreamsMetadata> metadataForAllStreamsClients() {
            return others; // no other instance with an API, unless a test says so
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            return (T) new ReadOnlyKeyValueStore<String, byte[]>() {
                @Override
                public byte[] get(String key) {
                    return null;
                }

                @Override
                public KeyValueIterator<String, byte[]> range(String from, String to) {
                    return all();
                }

                @Override
                public KeyValueIterator<String, byte[]> all() {
                    return new KeyValueIterator<>() {
                        @Override
                        public boolean hasNext() {
                            return false;
                        }

                        @Override
                        public KeyValue<String, byte[]> next() {
                            throw new NoSuchElementException();
                        }

                        @Override
                        public String peekNextKey() {
                            throw new NoSuchElementException();
                        }

                        @Override
                        public void close() {
                        }
                    };
                }

                @Override
                public long approximateNumEntries() {
                    return 0;
                }
            };
        }
    }

    @TempDir
    Path stateDir;
    private KafkaStreams streams;
    private final RunningPartitions running = new RunningPartitions();
    private final InputPartitions inputs = InputPartitions.unchecked();
    private final AtomicBoolean threadWaits = new AtomicBoolean();

    @AfterEach
    void close() {
        streams.close();
    }

    /** Each way {@code holding} is read: its position, reservations, an order of it, an order checked against it. */
    private static List<ThrowingCallable> everyReadOf(StreamsHoldingsQuery query, HoldingKey holding) {
        return List.of(() -> query.one(holding, false, null), () -> query.reservations(holding, false, null),
                () -> query.order(holding, "o1", false, null),
                () -> query.whatIf(DecisionFeedTest.order("o1", 10), "{}", false, null));
    }

    private StreamsHoldingsQuery queryWith(KeyQueryMetadata metadata) {
        streams = new AnsweringStreams(metadata, stateDir);
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://holdings-query-test-" + UUID.randomUUID()));
        return new StreamsHoldingsQuery(streams, running, inputs, threadWaits::get, topics, SELF, new ObjectMapper(),
                Clock.systemUTC(), new PeerAccess(false, null, null));
    }

    @Test
    void shouldAnswer503WhenTheHoldingsPartitionHasNoOwnerYet() {
        // given the assignment Kafka Streams knows lists no instance for the holding's partition: it answers the
        // partition with an "unavailable" host
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 4));
        HoldingKey holding = new HoldingKey("dutchess", "CBYI");

        // when the holding is asked for, or an order checked against it
        ApiException refused = catchThrowableOfType(ApiException.class, () -> query.one(holding, false, null));

        // then the caller is told to retry, as while the instances rebalance, rather than the request being sent
        // to http://unavailable:-1 and failing as the server's own error
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("rebalancing");
        assertThat(catchThrowableOfType(ApiException.class, () -> query.reservations(holding, false, null))
                .status()).isEqualTo(503);
    }

    @Test
    void shouldTellACallerAskingThisInstanceOnlyThatAnotherHoldsTheHoldingRatherThanToRetry() {
        // given a holding another instance runs
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(new HostInfo("guard-b", 8080), Set.of(), 4));
        HoldingKey holding = new HoldingKey("dutchess", "CBYI");

        // when it is asked for with local=true, as another instance forwards a request, or a caller may
        ApiException refused = catchThrowableOfType(ApiException.class, () -> query.one(holding, true, null));

        // then 503, naming the instance that holds it and what to do (seen: "moved to another instance; retry",
        // which a caller retried for ever)
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).isEqualTo("holding dutchess/CBYI is on instance guard-b:8080, not this one: "
                + "local=true asks this one only (ask without it); retry");
    }

    @Test
    void shouldAnswer503ForAHoldingOfThisInstanceWhoseTaskIsNotRunningYet() {
        // given the holding's partition is this instance's, and its task has not started: Kafka Streams restores it
        // (moved here, or revived after it was corrupted) and would let a query read its stores meanwhile
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 3));
        HoldingKey holding = new HoldingKey("dutchess", "CBYI");

        // when it is asked for, its reservations, its order, or an order checked against it
        for (ThrowingCallable asked : everyReadOf(query, holding)) {
            ApiException refused = catchThrowableOfType(ApiException.class, asked);

            // then the caller is told to retry, rather than told the holding is unknown, or what it was long ago
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.getMessage()).isEqualTo("the state of holding dutchess/CBYI is being restored from "
                    + "its changelog on this instance; retry");
        }
    }

    @Test
    void shouldReadAHoldingOfThisInstanceOnceItsTaskRuns() {
        // given the holding's partition is this instance's, and its task runs
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 3));
        running.started(3);

        // when it is asked for, then its stores are read: they hold no agreement for it
        ApiException answer = catchThrowableOfType(ApiException.class,
                () -> query.one(new HoldingKey("dutchess", "CBYI"), false, null));
        assertThat(answer.status()).isEqualTo(404);
    }

    @Test
    void shouldListThisInstancesHoldingsOnlyOnceEveryTaskOfItRuns() {
        // given one task, of partition 3, not running yet
        StreamsHoldingsQuery query = queryWith(KeyQueryMetadata.NOT_AVAILABLE);

        // when every holding is asked for, then the caller is told to retry
        ApiException refused = catchThrowableOfType(ApiException.class, () -> query.all(true, null));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).isEqualTo("the state of partition 3 is being restored from its changelog "
                + "on this instance; retry");

        // and once it runs, they are listed: none here
        running.started(3);
        assertThat(query.all(true, null).isEmpty()).isTrue();
    }

    /**
     * Another instance's API at a port of this machine, answering {@code GET /api/holdings?local=true} with no holding
     * and {@code partitions} as the header its own list covers (null: no header, as an older guard answers).
     */
    private static HttpServer peerListing(String partitions) throws IOException {
        HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/api/holdings", exchange -> {
            if (partitions != null) {
                exchange.getResponseHeaders().add("X-Lockup-Guard-Partitions", partitions);
            }
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        peer.start();
        return peer;
    }

    /** Six partitions: 3 runs here, the other five are {@code peer}'s in the assignment this instance knows. */
    private StreamsHoldingsQuery queryBeside(HttpServer peer) {
        StreamsHoldingsQuery query = queryWith(KeyQueryMetadata.NOT_AVAILABLE);
        inputs.set(6);
        running.started(3);
        ((AnsweringStreams) streams).others = List.of(new StreamsMetadataImpl(
                new HostInfo("127.0.0.1", peer.getAddress().getPort()), Set.of(), Set.of(new TopicPartition("orders",
                        0), new TopicPartition("orders", 1), new TopicPartition("orders", 2),
                        new TopicPartition("orders", 4), new TopicPartition("orders", 5)), Set.of(), Set.of()));
        return query;
    }

    @Test
    void shouldAnswer503ForEveryHoldingWhenTheInstanceTakenForTheOtherPartitionsOwnerListsNoneOfThem()
            throws Exception {
        // given the other instance's threads run without a task yet, as while the group rebalances: its own list
        // covers none of the partitions this instance takes it to own
        HttpServer peer = peerListing("");
        try {
            StreamsHoldingsQuery query = queryBeside(peer);

            // when every holding is asked for, then the caller is told to retry, rather than given a list without
            // five partitions' holdings
            assertThatThrownBy(() -> query.all(false, null)).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.status()).isEqualTo(503))
                    .hasMessageContaining("partition(s) 0, 1, 2, 4, 5");
        } finally {
            peer.stop(0);
        }
    }

    @Test
    void shouldAnswer503ForEveryHoldingWhenAnotherInstanceListsAPartitionThisOneListsToo() throws Exception {
        // given the other instance lists every partition, this one's too: one of them no longer owns it (an instance
        // resumed after a pause past its session, its metadata of before)
        HttpServer peer = peerListing("0,1,2,3,4,5");
        try {
            StreamsHoldingsQuery query = queryBeside(peer);

            // when every holding is asked for, then the caller is told to retry, rather than given the partition's
            // holdings twice, one of them out of date
            assertThatThrownBy(() -> query.all(false, null)).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.status()).isEqualTo(503))
                    .hasMessage("the holdings of partition(s) 3 were listed by two instances at once: the guard's "
                            + "instances are rebalancing; retry");
        } finally {
            peer.stop(0);
        }
    }

    @Test
    void shouldListEveryHoldingWhenTheOtherInstanceCoversItsPartitionsOrIsOfAGuardThatDoesNotSay() throws Exception {
        for (String partitions : new String[] {"0,1,2,4,5", null}) {
            // given the other instance covers the partitions this one takes it to own, or does not say (older)
            HttpServer peer = peerListing(partitions);
            try {
                StreamsHoldingsQuery query = queryBeside(peer);

                // when / then every holding is listed: none, and this instance says it covers partition 3 only
                // when asked for its own
                assertThat(query.all(false, null).isEmpty()).isTrue();
                assertThat(query.all(true, null).partitions()).containsExactly(3);
            } finally {
                peer.stop(0);
                streams.close();
            }
        }
    }

    @Test
    void shouldReadNoStoreOfThisInstanceWhileAFailedStreamThreadWaitsForTheRegistry() {
        // given a running task whose failed thread waits for the schema registry, its stores open with what its
        // aborted transaction wrote
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 3));
        running.started(3);
        threadWaits.set(true);

        // when a holding, or all, are asked for, then neither is read: retry
        for (ThrowingCallable asked : List.<ThrowingCallable>of(
                () -> query.one(new HoldingKey("dutchess", "CBYI"), false, null), () -> query.all(true, null))) {
            ApiException refused = catchThrowableOfType(ApiException.class, asked);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.getMessage()).contains("waits for the schema registry");
        }
    }

    @Test
    void shouldAnswerAHoldingOfATaskRunningHereThoughTheAssignmentNamesNoInstanceForIt() {
        // given the holding's partition is nobody's in the assignment Kafka Streams knows (it names only instances
        // with an API), and its task runs here
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 3));
        running.started(3);

        // when it is asked for, then this instance's stores are read: they hold no agreement for it
        assertThat(catchThrowableOfType(ApiException.class,
                () -> query.one(new HoldingKey("dutchess", "CBYI"), false, null)).status()).isEqualTo(404);
    }

    @Test
    void shouldNotAnswerAsUnknownAHoldingTheAssignmentCallsThisInstancesWhoseTaskIsNotHere() {
        // given the assignment Kafka Streams knows names this instance for the holding's partition 5, but its only
        // task is of partition 3: as when another instance of the group serves no API (http.port=-1)
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 5));
        running.started(3);
        HoldingKey holding = new HoldingKey("dutchess", "CBYI");

        // when it is asked for, its reservations, its order, or an order checked against it
        for (ThrowingCallable asked : everyReadOf(query, holding)) {
            ApiException refused = catchThrowableOfType(ApiException.class, asked);

            // then the caller is told to retry and why, not that the holding has no agreement (its stores here do not
            // hold its partition), nor an order checked against no agreement
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.getMessage()).isEqualTo("holding dutchess/CBYI is on no instance this one can ask: the "
                    + "guard's instances are rebalancing, or the one that holds it serves no API (http.port=-1 there); "
                    + "retry");
        }
    }

    @Test
    void shouldTakeAHoldingsPartitionAsItsProducersChoseItNotAsKafkaStreamsCountsFromItsAssignment() {
        // given six partitions, this instance running partition 3, which is dutchess/CBYI's (murmur2), while Kafka
        // Streams puts the key on partition 1: it counts only the partitions its assignment names, which leaves out
        // those of an instance with no API
        inputs.set(6);
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 1));
        running.started(3);

        // when dutchess/CBYI is asked for, then this instance's stores are read (they hold no agreement for it)
        assertThat(catchThrowableOfType(ApiException.class,
                () -> query.one(new HoldingKey("dutchess", "CBYI"), false, null)).status()).isEqualTo(404);
        // and a holding on a partition no instance with an API runs is not answered from here as unknown
        assertThat(catchThrowableOfType(ApiException.class,
                () -> query.one(new HoldingKey("fund-b", "CBYX"), false, null)).getMessage())
                .isEqualTo("holding fund-b/CBYX is on no instance this one can ask: the guard's instances are "
                        + "rebalancing, or the one that holds it serves no API (http.port=-1 there); retry");
    }

    @Test
    void shouldNotListEveryHoldingAsAllWhileAPartitionIsOnNoInstanceItCanAsk() {
        // given six partitions, of which this instance runs partition 3 and no other instance with an API runs any
        inputs.set(6);
        StreamsHoldingsQuery query = queryWith(KeyQueryMetadata.NOT_AVAILABLE);
        running.started(3);

        // when every holding is asked for, then the caller is told which partitions are missing, not given a part
        ApiException refused = catchThrowableOfType(ApiException.class, () -> query.all(false, null));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).isEqualTo("the holdings of partition(s) 0, 1, 2, 4, 5 are on no instance "
                + "this one can ask: the guard's instances are rebalancing, or one serves no API (http.port=-1 there); "
                + "retry");
        // and asked by another instance for its own holdings (local=true), it lists them
        assertThat(query.all(true, null).isEmpty()).isTrue();
    }

    @Test
    void shouldAnswer503WhenKafkaStreamsKnowsNoMetadataForTheHoldingsStore() {
        // given no metadata at all yet
        StreamsHoldingsQuery query = queryWith(KeyQueryMetadata.NOT_AVAILABLE);

        // when / then
        assertThat(catchThrowableOfType(ApiException.class, () -> query.agreement(new HoldingKey("dutchess", "CBYI"),
                false, null)).status()).isEqualTo(503);
    }
}
