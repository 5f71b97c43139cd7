package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtherWritersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final TopicPartition APPROVED = new TopicPartition("orders-approved", 0);
    private static final TopicPartition BLOCKED = new TopicPartition("orders-blocked", 1);
    private static final String OURS = "guard-x-3a5bdd41-87e0-413a-8cb7-987d9498105f-1";
    /** Another application whose id begins with this one's. */
    private static final String THEIRS = "guard-x-2-9ee7389d-1805-4413-9f4f-0febef9fb1e9-1";

    private final FakeAdmin cluster = new FakeAdmin();
    private OtherWriters writers;

    @BeforeEach
    void twoDecisionTopics() {
        cluster.topic("orders-approved", 2, Map.of());
        cluster.topic("orders-blocked", 2, Map.of());
        cluster.transactionalIds.putAll(Map.of(1L, OURS, 2L, THEIRS));
        writers = new OtherWriters(cluster.admin(), "guard-x", List.of("orders-approved", "orders-blocked"));
    }

    @Test
    void shouldNameAnotherApplicationThatWroteTheDecisionsSinceTheLastLook() throws Exception {
        // given both guards' producers on the decisions at the first look
        wrote(APPROVED, producer(1, 7), producer(2, 5));
        wrote(BLOCKED, producer(2, 5));
        assertThat(writers.since(TIMEOUT)).isEmpty();

        // when the other one commits a transaction on each topic (a new epoch, under transactions version 2)
        wrote(APPROVED, producer(1, 8), producer(2, 6));
        wrote(BLOCKED, producer(2, 6));

        // then it is named, once, with the topics it wrote
        assertThat(writers.since(TIMEOUT)).hasValueSatisfying(found -> assertThat(found)
                .startsWith("another application is writing the guard's decision topics while it runs: "
                        + "transactional.id " + THEIRS + " on 'orders-approved' and 'orders-blocked'. ")
                .contains("Stop the guard whose application.id is not the one these topics belong to.")
                .doesNotContain(OURS));
    }

    @Test
    void shouldReportAWriterUntilItHasWrittenNothingForFiveLooks() throws Exception {
        // given another application seen writing
        wrote(APPROVED, producer(2, 5));
        writers.since(TIMEOUT);
        wrote(APPROVED, producer(2, 6));
        assertThat(writers.since(TIMEOUT)).isPresent();

        // when it writes nothing more, then once again, then nothing
        List<Boolean> reported = new java.util.ArrayList<>();
        for (int look = 0; look < OtherWriters.QUIET_LOOKS; look++) {
            reported.add(writers.since(TIMEOUT).isPresent());
        }
        wrote(APPROVED, producer(2, 7));
        reported.add(writers.since(TIMEOUT).isPresent());

        // then it is reported for four quiet looks, not the fifth, and again once it writes
        assertThat(reported).containsExactly(true, true, true, true, false, true);
    }

    @Test
    void shouldNotCountTheGuardsOwnProducersNorAnotherThatWroteNothingSince() throws Exception {
        // given
        wrote(APPROVED, producer(1, 7), producer(2, 5));
        writers.since(TIMEOUT);

        // when only this guard's producer writes, under a new process id after a lost state directory
        cluster.transactionalIds.put(3L, "guard-x-0f0e0d0c-0b0a-4909-8807-060504030201-2");
        wrote(APPROVED, producer(1, 8), producer(2, 5), producer(3, 1));

        // then
        assertThat(writers.since(TIMEOUT)).isEmpty();
    }

    @Test
    void shouldNotCountTheGuardsOwnProducerIdRetiredWhenItsEpochsRanOut() throws Exception {
        // given this guard's producer a commit away from its last epoch
        wrote(APPROVED, producer(1, Short.MAX_VALUE - 2));
        writers.since(TIMEOUT);

        // when it commits with its last epoch and its transactional id moves to a new producer id, the only one the
        // brokers name from then on
        cluster.transactionalIds.remove(1L);
        cluster.transactionalIds.put(3L, OURS);
        wrote(APPROVED, producer(1, Short.MAX_VALUE - 1), producer(3, 0));

        // then
        assertThat(writers.since(TIMEOUT)).isEmpty();
    }

    @Test
    void shouldNotCountTheGuardsOwnProducerIdRetiredAfterTransactionsThatWroteNoDecision() throws Exception {
        // given this guard's producer on the decisions, named as its own at the first look
        wrote(APPROVED, producer(1, 32_700));
        wrote(BLOCKED, producer(1, 32_698));
        writers.since(TIMEOUT);

        // when it writes decisions, then only other topics for its last transactions (the release schedule's
        // changelog, say), and its transactional id moves to a new producer id as its epochs run out: the old id's
        // last epochs on the decisions are well below the last one, and the brokers no longer name it
        cluster.transactionalIds.remove(1L);
        cluster.transactionalIds.put(3L, OURS);
        wrote(APPROVED, producer(1, 32_756), producer(3, 2));
        wrote(BLOCKED, producer(1, 32_750));

        // then it is not taken for another application (it paged a desk for five looks, on a real broker)
        assertThat(writers.since(TIMEOUT)).isEmpty();
    }

    @Test
    void shouldStillReportAWriteSeenAtALookWhoseNamesCouldNotBeRead() throws Exception {
        // given
        wrote(APPROVED, producer(2, 5));
        writers.since(TIMEOUT);

        // when the other application writes, and the names cannot be read at the next look, but can at the one after
        wrote(APPROVED, producer(2, 6));
        cluster.listTransactionsFailure = new org.apache.kafka.common.errors.ClusterAuthorizationException("denied");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writers.since(TIMEOUT))
                .isInstanceOf(IllegalStateException.class);
        cluster.listTransactionsFailure = null;

        // then the write is reported all the same
        assertThat(writers.since(TIMEOUT)).hasValueSatisfying(found -> assertThat(found).contains(THEIRS));
    }

    @Test
    void shouldCountAnotherApplicationHoldingATransactionOpenAtTheFirstLook() throws Exception {
        // given, when another application is in a transaction on the decisions as the guard first looks
        wrote(APPROVED, new ProducerState(2, 5, -1, 0, OptionalInt.of(0), OptionalLong.of(42)));

        // then
        assertThat(writers.since(TIMEOUT)).hasValueSatisfying(found -> assertThat(found)
                .contains("transactional.id " + THEIRS + " on 'orders-approved'"));
    }

    @Test
    void shouldCountAProducerTheBrokersDoNotName() throws Exception {
        // given
        writers.since(TIMEOUT);

        // when a producer no transaction listing names writes the blocked decisions
        wrote(BLOCKED, producer(9, 0));

        // then
        assertThat(writers.since(TIMEOUT)).hasValueSatisfying(found -> assertThat(found)
                .contains("a producer the brokers do not name (producer id 9: not transactional, or a "
                        + "transactional id this guard may not describe) on 'orders-blocked'"));
    }

    private void wrote(TopicPartition partition, ProducerState... producers) {
        cluster.producers.put(partition, List.of(producers));
    }

    private static ProducerState producer(long id, int epoch) {
        return new ProducerState(id, epoch, -1, 1_796_275_527_823L + epoch, OptionalInt.of(0), OptionalLong.empty());
    }
}
