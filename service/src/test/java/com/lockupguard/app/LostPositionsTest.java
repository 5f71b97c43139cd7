package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.topology.StoreNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The cases that need no look at the changelogs; the one that does runs on a broker (StateLostIT). */
class LostPositionsTest {

    private static final GuardConfig CONFIG = new GuardConfig(Map.of("application.id", "guard-x",
            "bootstrap.servers", "broker:9092"));
    /** Fails the test if asked anything. */
    private final FakeAdmin cluster = new FakeAdmin();

    @Test
    void shouldStartAGuardWithItsPositionsWithoutCountingItsState() throws Exception {
        // given a guard with a position on the inputs and its changelogs
        GuardHistory history = new GuardHistory("guard-x", Map.of(new TopicPartition("orders", 0),
                new OffsetAndMetadata(40, "AgAAAPTUW7SA")), List.of(StoreNames.changelogTopic("guard-x",
                StoreNames.HOLDING_STATE)));

        // when the start-up check looks, then it starts, having asked the cluster nothing more
        assertThat(LostPositions.atStart(cluster.admin(), CONFIG, history, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldStartAGuardThatNeverRanWithoutCountingAnything() throws Exception {
        GuardHistory history = new GuardHistory("guard-x", Map.of(), List.of());

        assertThat(LostPositions.atStart(cluster.admin(), CONFIG, history, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldStartAGuardThatReadNoRecordWithoutCountingTheReleaseScheduleMarkedAtItsFirstStart() throws Exception {
        // given a guard stopped before it read a record: no position, and only the release schedule's changelog,
        // which each task marks at its first start
        GuardHistory history = new GuardHistory("guard-x", Map.of(), List.of(StoreNames.changelogTopic("guard-x",
                StoreNames.RELEASE_SCHEDULE)));

        // when the start-up check looks, then it starts, having asked the cluster nothing more
        assertThat(LostPositions.atStart(cluster.admin(), CONFIG, history, Duration.ofSeconds(1))).isEmpty();
    }
}
