package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundWatchTest {

    private static final Duration STALL = Duration.ofMillis(200);

    @TempDir
    Path stateDir;

    /** Streams never started: CREATED, as if running, for the watch. */
    private KafkaStreams streams;

    @BeforeEach
    void create() {
        streams = streams(stateDir);
    }

    @AfterEach
    void close() {
        streams.close(Duration.ZERO);
    }

    @Test
    void shouldFailARoundWhoseDecisionsStopComingWithWhatTheTopologyKnows() {
        // given a round whose guard keeps replacing a stream thread that fails on the same record
        RoundWatch watch = new RoundWatch("guard-1", streams, () -> "3 stream thread(s) failed and were replaced",
                STALL);
        // when no new decision is read for longer than the stall time
        // then the round fails, saying so and why
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThatThrownBy(() -> watch.check(1_000, 20_000)).isInstanceOf(RoundFailedException.class)
                        .hasMessageStartingWith("guard-1 failed: no new decision for 0 s (1,000 of 20,000 read")
                        .hasMessageEndingWith(": 3 stream thread(s) failed and were replaced"));
    }

    @Test
    void shouldLetARoundWaitAsLongAsItsDecisionsKeepComing() {
        // given a round whose decisions keep coming, each a little before the stall time has passed
        RoundWatch watch = new RoundWatch("passthrough-1", streams, () -> null, STALL);
        long started = System.nanoTime();
        long[] count = {0};
        // when / then it never fails, over several stall times
        await().atLeast(STALL.multipliedBy(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThatCode(() -> watch.check(count[0]++, 1_000_000)).doesNotThrowAnyException();
                    return System.nanoTime() - started > STALL.multipliedBy(4).toNanos();
                });
    }

    private static KafkaStreams streams(Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "round-watch-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new KafkaStreams(builder.build(), properties);
    }
}
