package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.RunningPartitions;
import com.lockupguard.topology.TopicNames;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsHoldingsQueryTest {

    private static final HostInfo SELF = new HostInfo("guard-1", 8080);

    /** Kafka Streams, never started, that says it runs and answers {@code metadata} for every key. */
    private static final class AnsweringStreams extends KafkaStreams {

        private final KeyQueryMetadata metadata;

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
    }

    @TempDir
    Path stateDir;
    private KafkaStreams streams;

    @AfterEach
    void close() {
        streams.close();
    }

    private StreamsHoldingsQuery queryWith(KeyQueryMetadata metadata) {
        streams = new AnsweringStreams(metadata, stateDir);
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://holdings-query-test-" + UUID.randomUUID()));
        return new StreamsHoldingsQuery(streams, new RunningPartitions(), topics, SELF, new ObjectMapper(),
                Clock.systemUTC(), new PeerAccess(false, null, null));
    }

    @Test
    void shouldAnswer503WhenTheHoldingsPartitionHasNoOwnerYet() {
        // given the assignment Kafka Streams knows lists no instance for the holding's partition: it answers the
        // partition with an "unavailable" host
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 3));
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
    void shouldAnswer503ForAHoldingOfThisInstanceWhoseTaskIsNotRunningYet() {
        // given the holding's partition is this instance's, and its task has not started: Kafka Streams restores it
        // (moved here, or revived after it was corrupted) and would let a query read its stores meanwhile
        StreamsHoldingsQuery query = queryWith(new KeyQueryMetadata(SELF, Set.of(), 3));
        HoldingKey holding = new HoldingKey("dutchess", "CBYI");

        // when it is asked for, its reservations, its order, or an order checked against it
        for (ThrowingCallable asked : List.<ThrowingCallable>of(() -> query.one(holding, false, null),
                () -> query.reservations(holding, false, null), () -> query.order(holding, "o1", false, null),
                () -> query.whatIf(DecisionFeedTest.order("o1", 10), "{}", false, null))) {
            ApiException refused = catchThrowableOfType(ApiException.class, asked);

            // then the caller is told to retry, rather than told the holding is unknown, or what it was long ago
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.getMessage()).isEqualTo("holding dutchess/CBYI is being restored from its changelog "
                    + "on this instance; retry");
        }
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
