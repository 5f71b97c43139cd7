package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.topology.StoreNames;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class LostStateTest {

    private static final GuardConfig CONFIG = new GuardConfig(Map.of("application.id", "guard-x",
            "bootstrap.servers", "broker:9092"));
    /** What Kafka Streams commits with a position: the partition's time, encoded. */
    private static final String STREAMS_METADATA = "AgAAAPTUW7SA";
    private static final String HOLDING_STATE = StoreNames.changelogTopic("guard-x", StoreNames.HOLDING_STATE);
    private static final String SEEN_ORDERS = StoreNames.changelogTopic("guard-x", StoreNames.SEEN_ORDERS);

    private static GuardHistory history(String metadata, String... changelogs) {
        return new GuardHistory("guard-x", Map.of(
                new TopicPartition("agreements", 0), new OffsetAndMetadata(3, metadata),
                new TopicPartition("orders", 0), new OffsetAndMetadata(40, metadata)), List.of(changelogs));
    }

    @Test
    void shouldRefuseToStartAGuardThatDecidedWhenItsStateIsGone() {
        // given a guard whose positions Kafka Streams committed after deciding, and no changelog left
        GuardHistory history = history(STREAMS_METADATA);

        // when the start-up check looks
        // then it refuses, naming both changelogs, what would follow, how to rebuild and how to start anyway
        assertThat(LostState.atStart(CONFIG, history)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("this guard's state is gone: it (application.id=guard-x) has decided here, Kafka Streams "
                        + "having committed its positions on 'agreements' and 'orders' (43 offsets in all), but its "
                        + "changelogs 'guard-x-holding-state-changelog' and 'guard-x-seen-orders-changelog' are "
                        + "missing")
                .contains("every order blocked UNKNOWN_AGREEMENT until its agreement is sent again")
                .contains("approves more than the agreements allow")
                .contains("kafka-streams-application-reset --bootstrap-server <servers> --application-id guard-x "
                        + "--input-topics agreements,orders")
                .endsWith("To start from empty state anyway, set topics.lost.state.check=warn."));
    }

    @Test
    void shouldRefuseWhenOneOfTheChangelogsEveryGuardKeepsIsGone() {
        // given a guard that decided, with its holding states but without its remembered orders
        GuardHistory history = history(STREAMS_METADATA, HOLDING_STATE);

        // when the start-up check looks, then it names the one missing, and what its loss alone would do: the
        // holdings known, but the orders and open approvals forgotten
        assertThat(LostState.atStart(CONFIG, history)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("its changelog 'guard-x-seen-orders-changelog' is missing")
                .contains("an order sent again decided again and its shares counted twice")
                .doesNotContain("UNKNOWN_AGREEMENT"));
    }

    @Test
    void shouldStartAGuardWithItsStateEvenIfAStoreAddedSinceHasNoChangelogYet() {
        // given a guard of an older version, which had no seen-executions store, upgraded
        GuardHistory history = history(STREAMS_METADATA, HOLDING_STATE, SEEN_ORDERS);

        // when the start-up check looks, then it starts: Kafka Streams creates the new changelog
        assertThat(LostState.atStart(CONFIG, history)).isEmpty();
    }

    @Test
    void shouldStartWhenThePositionsWereSetByHandAsKafkasResetToolSetsThem() {
        // given positions committed without Kafka Streams' metadata, and no state: a reset to rebuild it, or a new
        // guard told where to begin
        GuardHistory history = history("");

        // when the start-up check looks, then it starts
        assertThat(LostState.atStart(CONFIG, history)).isEmpty();
    }

    @Test
    void shouldStartAGuardThatNeverRan() {
        assertThat(LostState.atStart(CONFIG, new GuardHistory("guard-x", Map.of(), List.of()))).isEmpty();
    }

    @Test
    void shouldSayWhichChangelogWasDeletedOrCreatedAgainWhileTheGuardRan() {
        // given the changelogs the guard had
        Uuid holdingState = Uuid.randomUuid();
        Uuid seenOrders = Uuid.randomUuid();
        Map<String, Uuid> before = Map.of(HOLDING_STATE, holdingState, SEEN_ORDERS, seenOrders);

        // when one is gone and the other another topic of the same name
        Map<String, Uuid> now = Map.of(SEEN_ORDERS, Uuid.randomUuid());

        // then the guard must stop, and is told both, and how to rebuild
        assertThat(LostState.since("guard-x", CONFIG.topicNames(), before, now)).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("the guard's state was deleted while it ran: "
                        + "'guard-x-holding-state-changelog' was deleted")
                        .contains("'guard-x-seen-orders-changelog' was deleted and created again")
                        .contains("The guard stops.")
                        .contains("kafka-streams-application-reset"));
    }

    @Test
    void shouldNotStopForChangelogsThatStayedOrWereCreatedSince() {
        // given the changelogs the guard had
        Uuid holdingState = Uuid.randomUuid();
        Map<String, Uuid> before = Map.of(HOLDING_STATE, holdingState);

        // when it is still there, and another was created (a first start, a store an upgrade added)
        Map<String, Uuid> now = Map.of(HOLDING_STATE, holdingState, SEEN_ORDERS, Uuid.randomUuid());

        // then nothing is wrong
        assertThat(LostState.since("guard-x", CONFIG.topicNames(), before, now)).isEmpty();
    }
}
