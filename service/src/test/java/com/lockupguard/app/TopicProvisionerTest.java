package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Creating the guard's missing topics and checking the existing ones, on a cluster that answers from memory. */
class TopicProvisionerTest {

    private static final TopicNames NAMES = TopicNames.defaults();

    private final FakeAdmin cluster = new FakeAdmin();

    private TopicProvisioner provisioner(String... extra) {
        Map<String, String> settings = new HashMap<>(Map.of("application.id", "guard-x", "bootstrap.servers",
                "broker:9092"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return TopicProvisioner.from(cluster.admin(), new GuardConfig(settings), Duration.ofSeconds(5));
    }

    /** Every topic of the guard, as the guard itself would create it, with {@code partitions}. */
    private void existingTopics(int partitions) {
        TopicPolicy policy = TopicPolicy.of(new GuardConfig(Map.of("bootstrap.servers", "broker:9092")));
        NAMES.all().forEach(topic -> cluster.topic(topic, partitions, policy.creationConfigs(topic)));
    }

    @Test
    void shouldCreateEveryMissingTopicWithTheConfiguredPartitionsReplicationAndTheSettingsOfItsRole()
            throws Exception {
        // given an empty cluster, and a guard configured for 12 partitions replicated 3 times
        TopicProvisioner provisioner = provisioner("topics.partitions", "12", "topics.replication.factor", "3");

        // when it provisions its topics
        int partitions = provisioner.provision(true);

        // then each was created once, with the partitions and replication asked for
        assertThat(partitions).isEqualTo(12);
        assertThat(cluster.created).extracting(NewTopic::name).containsExactlyInAnyOrderElementsOf(NAMES.all());
        assertThat(cluster.created).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).as(topic.name()).isEqualTo(12);
            assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) 3);
        });
        // and the settings that keep each topic's records as long as the guard needs them
        assertThat(created(NAMES.agreements()).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(created(NAMES.orders()).configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("message.timestamp.type", "LogAppendTime");
        assertThat(created(NAMES.approved()).configs()).containsEntry("retention.bytes", "-1");
    }

    @Test
    void shouldSayThatTheInputsPartitionsNotTopicsPartitionsBoundTheInstancesThatShareTheWork() throws Exception {
        // given the guard's topics with 6 partitions, and a guard configured for 12
        existingTopics(6);
        try (CapturedLogs logs = CapturedLogs.of(TopicProvisioner.class)) {
            // when it provisions its topics
            int partitions = provisioner("topics.partitions", "12").provision(true);

            // then it works with the inputs' 6, creates nothing, and says that 12 was not what it got
            assertThat(partitions).isEqualTo(6);
            assertThat(cluster.created).isEmpty();
            assertThat(logs.messagesAt(Level.WARN)).containsExactly("topics.partitions=12, but " + NAMES.agreements()
                    + " and " + NAMES.orders() + " have 6 partitions: the guard works with theirs (topics.partitions "
                    + "sets only the topics it creates), and at most 6 instances share the work");
        }
        // and a guard configured as its topics are says nothing of it
        try (CapturedLogs logs = CapturedLogs.of(TopicProvisioner.class)) {
            provisioner("topics.partitions", "6").provision(true);
            assertThat(logs.messagesAt(Level.WARN)).isEmpty();
        }
    }

    @Test
    void shouldFindTheSmallestRecordLimitAmongTheTopicsTheGuardWritesButNotItsInputs() throws Exception {
        // given the guard's topics, where an input takes the smallest records, then an output, then the rest at
        // the broker's default
        existingTopics(6);
        cluster.topics.values().forEach(topic -> topic.configs.put("max.message.bytes", "1048588"));
        cluster.topics.get(NAMES.orders()).configs.put("max.message.bytes", "50000");
        cluster.topics.get(NAMES.positions()).configs.put("max.message.bytes", "200000");
        cluster.topics.get(NAMES.complianceAlerts()).configs.put("max.message.bytes", "300000");

        // when it asks for the smallest
        Optional<TopicProvisioner.MessageLimit> smallest = provisioner().smallestMessages();

        // then it names the output whose records must be smallest: the guard never writes to its inputs
        assertThat(smallest).contains(new TopicProvisioner.MessageLimit(NAMES.positions(), 200_000));
    }

    @Test
    void shouldFindNoRecordLimitWhenTheClusterNamesNone() throws Exception {
        // given the guard's topics, described without max.message.bytes
        existingTopics(6);
        // when / then there is no topic limit to keep to, only the producer's
        assertThat(provisioner().smallestMessages()).isEmpty();
    }

    @Test
    void shouldRefuseToStartOnAChangelogOfItsStoresThatRefusesOldTimestamps() {
        // given the guard's topics, a changelog an older guard had Kafka Streams create under a cluster default that
        // refuses records stamped over a day ago, and another application's changelog alike
        existingTopics(6);
        Map<String, String> boundedBack = Map.of("cleanup.policy", "compact", "message.timestamp.type", "CreateTime",
                "message.timestamp.before.max.ms", "86400000");
        cluster.topic("guard-x-holding-state-changelog", 6, boundedBack);
        cluster.topic("other-app-store-changelog", 6, boundedBack);

        // when / then the guard refuses to start, naming its own changelog and the setting to change
        assertThatThrownBy(() -> provisioner().provision(true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic 'guard-x-holding-state-changelog' has message.timestamp.before.max.ms="
                        + "86400000")
                .hasMessageContaining("--alter --add-config message.timestamp.before.max.ms=" + Long.MAX_VALUE)
                .hasMessageNotContaining("other-app");
    }

    @Test
    void shouldStartWhenItMayNotReadTheSettingsOfItsChangelogs() throws Exception {
        // given the guard's topics and a changelog whose settings the principal may not describe (the guard's ACLs
        // do not ask for it)
        existingTopics(6);
        cluster.topic("guard-x-holding-state-changelog", 6, Map.of("message.timestamp.before.max.ms", "86400000"))
                .describeConfigsFailure = new TopicAuthorizationException("not authorized",
                        Set.of("guard-x-holding-state-changelog"));

        // when / then it starts, not checking that changelog
        assertThat(provisioner().provision(true)).isEqualTo(6);
    }

    @Test
    void shouldRefuseInputsWithMorePartitionsThanItsStateWasBuiltFor() {
        // given inputs of 12 partitions, and the changelogs Kafka Streams created for the guard's stores when they
        // had 6: partitions were added to them since
        existingTopics(12);
        Map<String, String> compacted = Map.of("cleanup.policy", "compact");
        cluster.topic("guard-x-holding-state-changelog", 6, compacted);
        cluster.topic("guard-x-seen-orders-changelog", 6, compacted);

        // when / then the guard refuses to start, saying what was built for what and why it matters
        assertThatThrownBy(() -> provisioner().provision(true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'agreements' and 'orders' have 12 partitions, but this guard's state "
                        + "(application.id=guard-x) was built for 6: its changelog 'guard-x-holding-state-changelog' "
                        + "has 6")
                .hasMessageContaining("would be decided without it")
                .hasMessageContaining("docs/OPERATIONS.md, 'The partition count is fixed'");
    }

    @Test
    void shouldRefuseAnIdSweepChangelogOfAnotherPartitionCountSayingToDeleteIt() {
        // given inputs and changelogs of 6 partitions, and the id sweep's changelog made again with 1 by a broker that
        // creates topics on first use (its own count and policy), after it was deleted
        existingTopics(6);
        Map<String, String> compacted = Map.of("cleanup.policy", "compact");
        cluster.topic("guard-x-holding-state-changelog", 6, compacted);
        cluster.topic("guard-x-id-sweep-changelog", 1, Map.of("cleanup.policy", "delete"));

        // when / then the guard refuses to start, saying what to do, not that the inputs were repartitioned (Kafka
        // Streams would fail every thread on it, for ever)
        assertThatThrownBy(() -> provisioner().provision(true)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the id sweep's changelog 'guard-x-id-sweep-changelog' has 1 partitions, not "
                        + "the inputs' 6").hasMessageContaining("delete it, and Kafka Streams creates it anew")
                .hasMessageNotContaining("partition count is fixed");
    }

    @Test
    void shouldStartOnInputsWithThePartitionCountOfItsStateAndIgnoreOtherApplicationsChangelogs() throws Exception {
        // given inputs and the guard's changelogs of 6 partitions, and changelogs of other applications whose ids
        // start like the guard's, with another count
        existingTopics(6);
        Map<String, String> compacted = Map.of("cleanup.policy", "compact");
        cluster.topic("guard-x-holding-state-changelog", 6, compacted);
        cluster.topic("guard-x-seen-orders-changelog", 6, compacted);
        cluster.topic("guard-x-eu-holding-state-changelog", 3, compacted);
        cluster.topic("guard-x-other-store-changelog", 3, compacted);

        // when / then it starts
        assertThat(provisioner().provision(true)).isEqualTo(6);
    }

    @Test
    void shouldStartWhenItMayNotDescribeItsChangelogs() throws Exception {
        // given inputs of 6 partitions and a changelog of the guard's the principal may not describe
        existingTopics(6);
        cluster.topic("guard-x-holding-state-changelog", 3, Map.of("cleanup.policy", "compact")).describeFailure =
                new TopicAuthorizationException("not authorized", Set.of("guard-x-holding-state-changelog"));

        // when / then it starts, leaving that check to Kafka Streams
        assertThat(provisioner().provision(true)).isEqualTo(6);
    }

    @Test
    void shouldSayWhatRunWouldRefuseOfThePartitionsWithoutCreatingAnything() throws Exception {
        // given an empty cluster, then inputs that are not co-partitioned
        assertThat(provisioner().partitionRefusal()).as("before the inputs exist").isEmpty();
        cluster.topic(NAMES.agreements(), 6, Map.of("cleanup.policy", "compact"));
        cluster.topic(NAMES.orders(), 12, Map.of());

        // when / then config --check's question is answered as the start would, and nothing is created
        assertThat(provisioner().partitionRefusal()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("'agreements' (6 partitions) and 'orders' (12 partitions) are not co-partitioned"));
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void shouldReadThePartitionCountOfEachInput() throws Exception {
        // given inputs of 6 partitions
        existingTopics(6);

        // when / then
        assertThat(provisioner().inputPartitions()).containsOnly(Map.entry(NAMES.agreements(), 6),
                Map.entry(NAMES.orders(), 6));
    }

    @Test
    void shouldLeaveReplicationToTheBrokerWhenNoneIsConfigured() throws Exception {
        // given an empty cluster and no topics.replication.factor
        // when
        provisioner().createMissing(true);
        // then the broker's default.replication.factor decides
        assertThat(cluster.created).isNotEmpty().allSatisfy(topic -> assertThat(topic.replicationFactor())
                .as(topic.name()).isEqualTo((short) -1));
    }

    @Test
    void shouldNameTheMissingTopicsAndCreateNoneWhenTopicsCreateIsOff() {
        // given a cluster with the inputs only
        cluster.topic(NAMES.agreements(), 6, Map.of("cleanup.policy", "compact"));
        cluster.topic(NAMES.orders(), 6, Map.of("message.timestamp.type", "LogAppendTime"));

        // when / then the guard refuses to start, naming what is missing, and creates nothing
        assertThatThrownBy(() -> provisioner("topics.create", "false").provision(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NAMES.approved()).hasMessageContaining(NAMES.blocked())
                .hasMessageContaining("topics.create=false");
        assertThat(cluster.created).isEmpty();
    }

    @Test
    void shouldNameOnlyTheMissingTopicsACommandWritesTo() throws Exception {
        // given a cluster with the agreements topic only, and none of the outputs
        cluster.topic(NAMES.agreements(), 6, Map.of("cleanup.policy", "compact"));
        TopicProvisioner provisioner = provisioner("topics.create", "false");

        // when / then a command that writes both inputs (produce) is told the orders topic is missing, and only it
        assertThatThrownBy(() -> provisioner.requireExisting(List.of(NAMES.agreements(), NAMES.orders())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("topics [" + NAMES.orders() + "] do not exist (or this principal may not "
                        + "describe them) and topics.create=false");
        assertThat(cluster.created).isEmpty();
        // and one that writes agreements alone is not told of orders, nor of the outputs
        provisioner.requireExisting(List.of(NAMES.agreements()));
    }

    @Test
    void shouldRefuseInputsThatAreNotCoPartitioned() {
        // given every topic, but agreements with 3 partitions and orders with 6: a holding's agreement and its
        // orders would be read by different tasks
        existingTopics(6);
        cluster.topics.remove(NAMES.agreements());
        cluster.topic(NAMES.agreements(), 3, Map.of("cleanup.policy", "compact"));

        // when / then
        assertThatThrownBy(() -> provisioner().provision(true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'agreements' (3 partitions) and 'orders' (6 partitions) are not co-partitioned");
    }

    @Test
    void shouldStartWhenAnotherInstanceCreatesATopicFirst() throws Exception {
        // given two instances starting at once: the other one creates orders-approved between this one's look
        // and its create
        cluster.createdByAnother.add(NAMES.approved());

        // when / then this one goes on, with every topic there
        assertThat(provisioner().provision(true)).isEqualTo(6);
        assertThat(cluster.topics.keySet()).containsExactlyInAnyOrderElementsOf(NAMES.all());
    }

    @Test
    void shouldSayWhichTopicTheClusterRefusedToCreateAndWhy() {
        // given a cluster whose creation policy refuses one of the topics
        cluster.createFailures.put(NAMES.blocked(), new PolicyViolationException("replication factor must be 3"));

        // when / then
        assertThatThrownBy(() -> provisioner().createMissing(true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot create topic orders-blocked: replication factor must be 3");
    }

    @Test
    void shouldReportRetentionProblemsOfTheTopicsThatExistBeforeTheFirstStart() throws Exception {
        // given a cluster where only the orders topic exists yet, keeping records 7 days by their CreateTime
        cluster.topic(NAMES.orders(), 6, Map.of("message.timestamp.type", "CreateTime", "retention.ms", "604800000"));

        // when config --check asks for retention problems
        // then it reports that topic's, and the missing ones are no problem of retention
        assertThat(provisioner().retentionProblems()).extracting(TopicPolicy.Problem::topic)
                .containsExactly(NAMES.orders());
    }

    @Test
    void shouldWarnOfAChangelogThatRollsItsSegmentsLaterThanTheGuardCreatesThem() throws Exception {
        // given the guard's changelogs, one created by an older guard under the broker's default segment.bytes (1 GiB)
        existingTopics(6);
        cluster.topic("guard-x-seen-orders-changelog", 6, Map.of("cleanup.policy", "compact", "segment.bytes",
                "1073741824"));
        cluster.topic("guard-x-holding-state-changelog", 6, Map.of("cleanup.policy", "compact", "segment.bytes",
                "67108864"));

        // when the start verifies its topics
        try (CapturedLogs logged = CapturedLogs.of(TopicProvisioner.class)) {
            provisioner().provision(true);

            // then it warns of that one (seen: nothing), with the command that fixes it, as config --check does
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString().startsWith("changelog "
                    + "guard-x-seen-orders-changelog rolls a segment at 1073741824 bytes, where the guard creates its "
                    + "changelogs with 67108864").endsWith("--entity-name guard-x-seen-orders-changelog --alter "
                    + "--add-config segment.bytes=67108864");
        }
        assertThat(provisioner().readAgain().changelogWarnings()).hasSize(1);
        assertThat(provisioner("topic.segment.bytes", "2147483647").readAgain().changelogWarnings()).isEmpty();
    }

    private NewTopic created(String name) {
        return cluster.created.stream().filter(topic -> topic.name().equals(name)).findFirst().orElseThrow();
    }
}
