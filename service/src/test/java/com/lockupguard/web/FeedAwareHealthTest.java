package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Readiness with the decision feed: what /health/ready and /health/live are told. */
class FeedAwareHealthTest {

    @Test
    void shouldBeUnreadyWithTheFeedsReasonWhileTheFeedIsDownAndStayLive() {
        // given: Kafka Streams up
        AtomicReference<ReadinessReason> outage = new AtomicReference<>();
        Health health = new FeedAwareHealth(new StubBackend.Up(), () -> Optional.ofNullable(outage.get()), () -> false);
        assertThat(health.ready()).isTrue();
        assertThat(health.reason()).isNull();

        // when the feed goes down
        outage.set(ReadinessReason.same("the decision feed failed (broker gone) at 2026-12-07T10:00:00Z; it restarts "
                + "200 ms after a failure"));

        // then not ready, and why; still live: the feed restarts itself
        assertThat(health.ready()).isFalse();
        assertThat(health.reason()).isEqualTo(outage.get());
        assertThat(health.live()).isTrue();
        assertThat(health.state()).isEqualTo("RUNNING");

        // and ready again once it reads
        outage.set(null);
        assertThat(health.ready()).isTrue();
    }

    @Test
    void shouldAnswerReadinessWithTheStateKafkaStreamsReadItInAndTheFeedsOutage() {
        // given: Kafka Streams' readiness read once, ready in RUNNING, though a later read would say otherwise
        AtomicReference<ReadinessReason> outage = new AtomicReference<>();
        Health streams = new StubBackend.Up() {
            @Override
            public Readiness readiness() {
                return new Readiness(true, "RUNNING");
            }

            @Override
            public String state() {
                return "REBALANCING";
            }
        };
        Health health = new FeedAwareHealth(streams, () -> Optional.ofNullable(outage.get()), () -> false);

        // when / then that one reading, and not ready while the feed is down
        assertThat(health.readiness()).isEqualTo(new Health.Readiness(true, "RUNNING"));
        outage.set(ReadinessReason.same("the decision feed failed"));
        assertThat(health.readiness()).isEqualTo(new Health.Readiness(false, "RUNNING"));
    }

    @Test
    void shouldSayTheGuardIsStoppingWhenItsStreamsDo() {
        // given: Kafka Streams stopping, the feed reading
        Health stopping = new StubBackend.Up() {
            @Override
            public boolean stopping() {
                return true;
            }
        };
        // when / then the guard is stopping: its API sends no more orders
        assertThat(new FeedAwareHealth(stopping, Optional::empty, () -> false).stopping()).isTrue();
        assertThat(new FeedAwareHealth(new StubBackend.Up(), Optional::empty, () -> false).stopping()).isFalse();
    }

    @Test
    void shouldBeNeitherReadyNorLiveOnceTheFeedHasStoppedForGood() {
        // given: Kafka Streams up, and a feed whose thread an Error ended
        ReadinessReason stopped = ReadinessReason.same("the decision feed stopped (NoClassDefFoundError): restart "
                + "the guard");
        Health health = new FeedAwareHealth(new StubBackend.Up(), () -> Optional.of(stopped), () -> true);

        // when / then not ready, saying why, and not live: nothing in the process brings the feed back
        assertThat(health.ready()).isFalse();
        assertThat(health.reason()).isEqualTo(stopped);
        assertThat(health.live()).isFalse();
    }
}
