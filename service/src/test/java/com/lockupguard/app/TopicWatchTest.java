package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.OutputMessageLimit;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class TopicWatchTest {

    private static final TopicNames NAMES = TopicNames.defaults();
    private static final GuardConfig CONFIG = new GuardConfig(Map.of("application.id", "guard-x",
            "bootstrap.servers", "broker:9092"));

    private static final String OURS = "guard-x-3a5bdd41-87e0-413a-8cb7-987d9498105f-1";
    private static final String THEIRS = "guard-y-9ee7389d-1805-4413-9f4f-0febef9fb1e9-1";

    private final FakeAdmin cluster = new FakeAdmin();

    /** A watch that read, at start, the guard's topics as the guard creates them, with 6 partitions. */
    private TopicWatch startedWatch() throws InterruptedException {
        return startedWatch(CONFIG);
    }

    /** A watch of a guard with {@code config} that read, at start, the guard's topics as it creates them. */
    private TopicWatch startedWatch(GuardConfig config) throws InterruptedException {
        return started(config, () -> new TopicWatch(cluster.admin(), config, OutputMessageLimit.unchecked()));
    }

    /** As {@link #startedWatch()}, each look at the cluster retried for {@code timeout} at most. */
    private TopicWatch startedWatch(Duration timeout) throws InterruptedException {
        return started(CONFIG, () -> new TopicWatch(cluster.admin(), CONFIG, OutputMessageLimit.unchecked(), timeout));
    }

    /** As {@link #startedWatch()}, telling time by {@code nanoTime}. */
    private TopicWatch startedWatch(LongSupplier nanoTime) throws InterruptedException {
        return started(CONFIG, () -> new TopicWatch(cluster.admin(), CONFIG, OutputMessageLimit.unchecked(),
                Duration.ofSeconds(5), nanoTime));
    }

    /** The watch {@code made} gives, once the guard's topics are there as it creates them, and read at start. */
    private TopicWatch started(GuardConfig config, Supplier<TopicWatch> made) throws InterruptedException {
        TopicPolicy policy = TopicPolicy.of(config);
        NAMES.all().forEach(topic -> cluster.topic(topic, 6, policy.creationConfigs(topic)));
        TopicWatch watch = made.get();
        watch.read(TopicProvisioner.from(cluster.admin(), config, Duration.ofSeconds(5)).verify());
        return watch;
    }

    @Test
    void shouldCountARetentionShortenedWhileTheGuardRunsUntilItIsMended() throws Exception {
        // given a watch that found nothing wrong at start
        TopicWatch watch = startedWatch();
        assertThat(watch.topicProblems()).isZero();

        // when a policy caps the blocked decisions' retention at a day, then an operator restores it
        cluster.topics.get(NAMES.blocked()).configs.put("retention.ms", "86400000");
        watch.readAgain();
        int whileShortened = watch.topicProblems();
        cluster.topics.get(NAMES.blocked()).configs.put("retention.ms", "-1");
        watch.readAgain();

        // then the problem counted while it lasted, and no longer
        assertThat(whileShortened).isEqualTo(1);
        assertThat(watch.topicProblems()).isZero();
    }

    @Test
    void shouldKeepTheLastCountWhileTheTopicsCannotBeRead() throws Exception {
        // given a watch that counted one problem
        TopicWatch watch = startedWatch();
        cluster.topics.get(NAMES.approved()).configs.put("retention.bytes", "1073741824");
        watch.readAgain();
        assertThat(watch.topicProblems()).isEqualTo(1);

        // when the settings can no longer be read
        cluster.topics.get(NAMES.approved()).describeConfigsFailure = new TopicAuthorizationException("denied");
        watch.readAgain();

        // then the count stays: an unreadable topic is not a mended one
        assertThat(watch.topicProblems()).isEqualTo(1);
    }

    @Test
    void shouldSayPlainlyThatTheClusterStoppedAnsweringNotAskWhetherTheAddressIsRight() throws Exception {
        // given a watch of a guard that started, so bootstrap.servers was right, waiting 300 ms for each answer
        TopicWatch watch = startedWatch(Duration.ofMillis(300));

        // when the cluster stops answering: the client fails each call waiting for a broker
        cluster.listTopicsFailure = new org.apache.kafka.common.errors.TimeoutException(
                "Timed out waiting for a node assignment. Call: listTopics");
        try (CapturedLogs logged = CapturedLogs.of(TopicWatch.class)) {
            Optional<String> mustStop = watch.mustStop();

            // then the guard goes on, and the warning says what happened, without the start's question
            assertThat(mustStop).isEmpty();
            assertThat(logged.messagesAt(Level.WARN)).containsExactly(
                    "cannot read the guard's topics again; keeping what was last read: Kafka did not answer within "
                            + "300 ms");
        }
    }

    @Test
    void shouldWarnOnceWhileAnInputCannotBeReadThoughTheTopicListingCanNotSayItCanBeReadAgain() throws Exception {
        // given a watch of a guard whose orders topic was deleted under it: its listing still answers, but neither
        // the input's partitions nor its settings can be read (each look retried for 300 ms)
        TopicWatch watch = startedWatch(Duration.ofMillis(300));
        cluster.topics.remove(NAMES.orders());

        // when the watch looks at the cluster three times
        try (CapturedLogs logged = CapturedLogs.of(TopicWatch.class)) {
            for (int i = 0; i < 3; i++) {
                watch.mustStop();
                watch.readAgain();
            }

            // then it says once that the topics cannot be read, and never, while one look still fails, that they can
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .startsWith("cannot read the guard's topics again; keeping what was last read");
            assertThat(logged.messagesAt(Level.INFO)).doesNotContain("the guard's topics can be read again");
        }
    }

    @Test
    void shouldCountAnotherApplicationWritingTheDecisionsWhileItDoes() throws Exception {
        // given a watch that has looked at who writes the decisions: this guard, and a guard that has stopped
        TopicWatch watch = startedWatch();
        cluster.transactionalIds.putAll(Map.of(1L, OURS, 2L, THEIRS));
        TopicPartition approved = new TopicPartition(NAMES.approved(), 3);
        cluster.producers.put(approved, List.of(producer(1, 7), producer(2, 5)));
        watch.readAgain();
        int before = watch.topicProblems();

        // when the other guard commits decisions, then is stopped, while this one goes on deciding
        cluster.producers.put(approved, List.of(producer(1, 8), producer(2, 6)));
        watch.readAgain();
        int whileItWrites = watch.topicProblems();
        List<Integer> afterItStopped = new java.util.ArrayList<>();
        for (int look = 0; look < OtherWriters.QUIET_LOOKS; look++) {
            cluster.producers.put(approved, List.of(producer(1, 9 + look), producer(2, 6)));
            watch.readAgain();
            afterItStopped.add(watch.topicProblems());
        }

        // then it counted while it wrote, and for as many looks as a slow writer may leave between two writes
        assertThat(before).isZero();
        assertThat(whileItWrites).isEqualTo(1);
        assertThat(afterItStopped).containsExactly(1, 1, 1, 1, 0);
    }

    @Test
    void shouldKeepWhatItFoundOfOtherWritersWhileTheirProducersCannotBeDescribed() throws Exception {
        // given a watch that counted another application writing the decisions
        TopicWatch watch = startedWatch();
        cluster.transactionalIds.put(2L, THEIRS);
        TopicPartition blocked = new TopicPartition(NAMES.blocked(), 0);
        cluster.producers.put(blocked, List.of(producer(2, 5)));
        watch.readAgain();
        cluster.producers.put(blocked, List.of(producer(2, 6)));
        watch.readAgain();
        assertThat(watch.topicProblems()).isEqualTo(1);

        // when the producers can no longer be described
        cluster.describeProducersFailure = new TopicAuthorizationException("denied");
        watch.readAgain();

        // then the count stays
        assertThat(watch.topicProblems()).isEqualTo(1);
    }

    @Test
    void shouldNotLookForOtherWritersUnderAtLeastOnce() throws Exception {
        // given a guard whose own producers are not transactional
        TopicWatch watch = startedWatch(new GuardConfig(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9092", "processing.guarantee", "at_least_once")));
        TopicPartition approved = new TopicPartition(NAMES.approved(), 0);
        cluster.producers.put(approved, List.of(producer(9, 0)));
        watch.readAgain();

        // when a producer no listing names writes the decisions: it may be the guard's own
        cluster.producers.put(approved, List.of(producer(9, 1)));
        watch.readAgain();

        // then
        assertThat(watch.topicProblems()).isZero();
    }

    private static ProducerState producer(long id, int epoch) {
        return new ProducerState(id, epoch, -1, 1_796_275_527_823L + epoch, OptionalInt.of(0), OptionalLong.empty());
    }

    @Test
    void shouldSayWhyTheGuardMustStopOnceEitherInputHasMorePartitions() throws Exception {
        // given a watch started on inputs of 6 partitions
        TopicWatch watch = startedWatch();
        assertThat(watch.mustStop()).isEmpty();

        // when partitions are added to the orders
        cluster.topic(NAMES.orders(), 12, cluster.topics.get(NAMES.orders()).configs);

        // then
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("'agreements' has 6 and 'orders' 12, the guard started with 6"));
    }

    @Test
    void shouldNotStopTheGuardWhenThePartitionCountsCannotBeRead() throws Exception {
        // given a watch started on inputs of 6 partitions
        TopicWatch watch = startedWatch();

        // when the inputs cannot be described
        cluster.topics.get(NAMES.orders()).describeFailure = new TopicAuthorizationException("denied");

        // then nothing is known to have changed
        assertThat(watch.mustStop()).isEmpty();
    }

    @Test
    void shouldSayWhyTheGuardMustStopOnceAChangelogOfItsStateIsDeletedOrCreatedAgain() throws Exception {
        // given a watch started with the guard's changelogs there
        String holdingState = StoreNames.changelogTopic("guard-x", StoreNames.HOLDING_STATE);
        String seenOrders = StoreNames.changelogTopic("guard-x", StoreNames.SEEN_ORDERS);
        cluster.topic(holdingState, 6, Map.of("cleanup.policy", "compact"));
        cluster.topic(seenOrders, 6, Map.of("cleanup.policy", "compact"));
        TopicWatch watch = startedWatch();
        watch.rememberTopics(cluster.admin().listTopics().listings().get());
        assertThat(watch.mustStop()).isEmpty();

        // when one is deleted, and then created again by Kafka Streams, empty
        cluster.topics.remove(holdingState);
        java.util.Optional<String> deleted = watch.mustStop();
        cluster.topic(holdingState, 6, Map.of("cleanup.policy", "compact"));
        java.util.Optional<String> createdAgain = watch.mustStop();

        // then each time the guard must stop
        assertThat(deleted).hasValueSatisfying(reason -> assertThat(reason).startsWith(
                "the guard's state was deleted while it ran: 'guard-x-holding-state-changelog' was deleted."));
        assertThat(createdAgain).hasValueSatisfying(reason -> assertThat(reason).startsWith(
                "the guard's state was deleted while it ran: 'guard-x-holding-state-changelog' was deleted and "
                        + "created again."));
    }

    @Test
    void shouldSayWhyTheGuardMustStopOnceTheIdSweepsChangelogIsDeletedWhereItIsWritten() throws Exception {
        // given the id sweep's changelog, and the watches of a guard that forgets ids (the default), which writes it,
        // and of one that remembers them for ever, which has no such store
        String sweep = StoreNames.changelogTopic("guard-x", StoreNames.ID_SWEEP);
        cluster.topic(sweep, 6, Map.of("cleanup.policy", "compact"));
        TopicWatch forever = startedWatch(new GuardConfig(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9092", "order.ids.retention.ms", "-1")));
        forever.rememberTopics(cluster.admin().listTopics().listings().get());
        TopicWatch watch = startedWatch();
        watch.rememberTopics(cluster.admin().listTopics().listings().get());
        assertThat(watch.mustStop()).isEmpty();

        // when it is deleted
        cluster.topics.remove(sweep);

        // then the first must stop, saying so, rather than stall with its producer retrying the topic for ever; what
        // it held was not state, so that is said too; the second goes on
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason).startsWith("the id sweep's "
                + "changelog 'guard-x-id-sweep-changelog' was deleted while the guard ran").contains("nothing is lost "
                + "but a walk begun again"));
        assertThat(forever.mustStop()).isEmpty();
    }

    @Test
    void shouldSayWhyTheGuardMustStopOnceTheIdSweepsChangelogIsAnotherTopic() throws Exception {
        // given the id sweep's changelog, and the watch of a guard that writes it
        String sweep = StoreNames.changelogTopic("guard-x", StoreNames.ID_SWEEP);
        cluster.topic(sweep, 6, Map.of("cleanup.policy", "compact"));
        TopicWatch watch = startedWatch();
        watch.rememberTopics(cluster.admin().listTopics().listings().get());

        // when it is deleted and, before the next look, made again by a broker that creates topics on first use
        cluster.topics.remove(sweep);
        cluster.topic(sweep, 1, Map.of("cleanup.policy", "delete"));

        // then the guard must stop, saying to delete it (Kafka Streams would fail every thread on its partition count)
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason).startsWith("the id sweep's "
                + "changelog 'guard-x-id-sweep-changelog' was deleted and created again while the guard ran")
                .contains("delete 'guard-x-id-sweep-changelog' if it is there"));
    }

    @Test
    void shouldWatchTheChangelogsKafkaStreamsCreatesAfterAFirstStart() throws Exception {
        // given a guard's first start: no changelog yet
        TopicWatch watch = startedWatch();
        watch.rememberTopics(cluster.admin().listTopics().listings().get());

        // when Kafka Streams creates one, the watch reads it, and then it is deleted
        String seenOrders = StoreNames.changelogTopic("guard-x", StoreNames.SEEN_ORDERS);
        cluster.topic(seenOrders, 6, Map.of("cleanup.policy", "compact"));
        java.util.Optional<String> created = watch.mustStop();
        cluster.topics.remove(seenOrders);

        // then its creation is no reason to stop, its deletion is
        assertThat(created).isEmpty();
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("'guard-x-seen-orders-changelog' was deleted"));
    }

    @Test
    void shouldSayWhyTheGuardMustStopOnceATopicItWritesIsDeleted() throws Exception {
        // given a watch started with every topic of the guard there
        TopicWatch watch = startedWatch();
        watch.rememberTopics(cluster.admin().listTopics().listings().get());

        // when the approved decisions' topic is deleted
        cluster.topics.remove(NAMES.approved());

        // then the guard must stop, and is told it will create the topic again when started
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("a topic the guard writes was deleted while it ran: 'orders-approved'.")
                .contains("Started again, it creates it"));
    }

    @Test
    void shouldNameEveryTopicItWritesThatWasDeletedAndSayAStartWithoutCreatingTopicsRefuses() throws Exception {
        // given a guard that does not create its topics, watching them
        TopicWatch watch = startedWatch(new GuardConfig(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9092", "topics.create", "false")));

        // when two of its outputs are deleted
        cluster.topics.remove(NAMES.approved());
        cluster.topics.remove(NAMES.deadLetters());

        // then both are named, and what a start will do
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("topics the guard writes were deleted while it ran: 'orders-approved', 'orders-dlq'.")
                .contains("Started again, it refuses to start until they are created (topics.create=false)"));
    }

    @Test
    void shouldLogAndCountForAnHourATopicItWritesDeletedAndCreatedAgainBetweenTwoLooks() throws Exception {
        // given a watch started with every topic of the guard there, on a clock the test moves
        AtomicLong nanos = new AtomicLong();
        TopicWatch watch = startedWatch(nanos::get);
        watch.rememberTopics(cluster.admin().listTopics().listings().get());
        String before = cluster.topics.get(NAMES.approved()).id.toString();

        // when the approved decisions' topic is deleted and created again before the watch looks
        cluster.topics.remove(NAMES.approved());
        cluster.topic(NAMES.approved(), 6, TopicPolicy.of(CONFIG).creationConfigs(NAMES.approved()));
        String now = cluster.topics.get(NAMES.approved()).id.toString();
        try (CapturedLogs logged = CapturedLogs.of(TopicWatch.class)) {
            Optional<String> mustStop = watch.mustStop();
            Optional<String> lookedAgain = watch.mustStop();

            // then the guard goes on, and it is said once, with both topic ids, at ERROR
            assertThat(mustStop).isEmpty();
            assertThat(lookedAgain).isEmpty();
            assertThat(logged.messagesAt(Level.ERROR)).singleElement().asString().startsWith(
                    "a topic the guard writes was deleted and created again while it ran: 'orders-approved' (topic id "
                            + before + ", now " + now + "). Every record it held before is gone with the old topic;");
        }
        // and counted among the topic problems for an hour, and no longer
        assertThat(watch.topicProblems()).isEqualTo(1);
        nanos.set(Duration.ofMinutes(59).toNanos());
        assertThat(watch.topicProblems()).isEqualTo(1);
        nanos.set(Duration.ofMinutes(60).toNanos());
        assertThat(watch.topicProblems()).isZero();
    }

    @Test
    void shouldNotCountATopicItWritesThatWasNotThereAtTheLastLook() throws Exception {
        // given a watch that found the blocked decisions' topic missing at start (another instance deletes it, say)
        TopicWatch watch = startedWatch(new AtomicLong()::get);
        cluster.topics.remove(NAMES.blocked());
        watch.rememberTopics(cluster.admin().listTopics().listings().get());

        // when it is there at the next look
        cluster.topic(NAMES.blocked(), 6, TopicPolicy.of(CONFIG).creationConfigs(NAMES.blocked()));
        try (CapturedLogs logged = CapturedLogs.of(TopicWatch.class)) {
            assertThat(watch.mustStop()).isEmpty();

            // then it is not another topic than one it knew: nothing is said or counted
            assertThat(logged.messagesAt(Level.ERROR)).isEmpty();
        }
        assertThat(watch.topicProblems()).isZero();
    }
}
