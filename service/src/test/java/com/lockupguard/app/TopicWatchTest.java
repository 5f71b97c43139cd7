package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.topology.OutputMessageLimit;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class TopicWatchTest {

    private static final TopicNames NAMES = TopicNames.defaults();
    private static final GuardConfig CONFIG = new GuardConfig(Map.of("application.id", "guard-x",
            "bootstrap.servers", "broker:9092"));

    private final FakeAdmin cluster = new FakeAdmin();

    /** A watch that read, at start, the guard's topics as the guard creates them, with 6 partitions. */
    private TopicWatch startedWatch() throws InterruptedException {
        TopicPolicy policy = TopicPolicy.of(CONFIG);
        NAMES.all().forEach(topic -> cluster.topic(topic, 6, policy.creationConfigs(topic)));
        TopicWatch watch = new TopicWatch(cluster.admin(), CONFIG, OutputMessageLimit.unchecked());
        TopicProvisioner provisioner = TopicProvisioner.from(cluster.admin(), CONFIG, Duration.ofSeconds(5));
        watch.read(provisioner.verify());
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
        watch.rememberChangelogs(cluster.admin().listTopics().listings().get());
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
    void shouldWatchTheChangelogsKafkaStreamsCreatesAfterAFirstStart() throws Exception {
        // given a guard's first start: no changelog yet
        TopicWatch watch = startedWatch();
        watch.rememberChangelogs(cluster.admin().listTopics().listings().get());

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
        watch.rememberChangelogs(cluster.admin().listTopics().listings().get());

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
        GuardConfig noCreate = new GuardConfig(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9092", "topics.create", "false"));
        TopicPolicy policy = TopicPolicy.of(noCreate);
        NAMES.all().forEach(topic -> cluster.topic(topic, 6, policy.creationConfigs(topic)));
        TopicWatch watch = new TopicWatch(cluster.admin(), noCreate, OutputMessageLimit.unchecked());
        watch.read(TopicProvisioner.from(cluster.admin(), noCreate, Duration.ofSeconds(5)).verify());

        // when two of its outputs are deleted
        cluster.topics.remove(NAMES.approved());
        cluster.topics.remove(NAMES.deadLetters());

        // then both are named, and what a start will do
        assertThat(watch.mustStop()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("topics the guard writes were deleted while it ran: 'orders-approved', 'orders-dlq'.")
                .contains("Started again, it refuses to start until they are created (topics.create=false)"));
    }
}
