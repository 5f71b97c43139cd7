package com.lockupguard.app;

import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the guard's missing topics with the settings their role needs ({@link TopicPolicy}) and
 * checks the existing ones: the two inputs co-partitioned, without which an agreement and its
 * orders would meet in different tasks, and with the partition count the guard's state was built
 * for ({@link InputRepartitioning}); no input that deletes records before they are read, and no
 * audit-trail topic that keeps them shorter than {@code topics.decisions.retention.ms}.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Admin admin;
    private final TopicNames names;
    private final int partitions;
    private final short replicationFactor;
    private final String ordersTimestampType;
    private final TopicPolicy policy;
    private final boolean failOnRetentionProblems;
    private final Duration timeout;
    private final String applicationId;
    /** The {@code segment.bytes} Kafka Streams gives the changelogs it creates. */
    private final long changelogSegmentBytes;

    public TopicProvisioner(Admin admin, TopicNames names, int partitions, short replicationFactor,
            String ordersTimestampType, TopicPolicy policy, boolean failOnRetentionProblems, Duration timeout,
            String applicationId, long changelogSegmentBytes) {
        this.admin = admin;
        this.names = names;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.ordersTimestampType = ordersTimestampType;
        this.policy = policy;
        this.failOnRetentionProblems = failOnRetentionProblems;
        this.timeout = timeout;
        this.applicationId = applicationId;
        this.changelogSegmentBytes = changelogSegmentBytes;
    }

    public static TopicProvisioner from(Admin admin, GuardConfig config) {
        return from(admin, config, DEFAULT_TIMEOUT);
    }

    /** A provisioner whose every admin request gives up after {@code timeout}. */
    public static TopicProvisioner from(Admin admin, GuardConfig config, Duration timeout) {
        return new TopicProvisioner(admin, config.topicNames(), config.getInt(GuardConfig.TOPICS_PARTITIONS_CONFIG),
                config.getShort(GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG),
                config.getString(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG), TopicPolicy.of(config),
                GuardConfig.RETENTION_CHECK_FAIL.equals(config.getString(GuardConfig.TOPICS_RETENTION_CHECK_CONFIG)),
                timeout, config.getString(GuardConfig.APPLICATION_ID_CONFIG), config.changelogSegmentBytes());
    }

    /**
     * Creates what is missing, when {@code create}; then verifies. Fails with a message saying what to fix.
     *
     * @return the inputs' partition count
     */
    public int provision(boolean create) throws InterruptedException {
        createMissing(create);
        return verify().partitions();
    }

    /** Creates the guard's missing topics, when {@code create}; fails naming them when they are missing and not. */
    public void createMissing(boolean create) throws InterruptedException {
        createMissing(names.all(), create);
    }

    /** The guard's topics that do not exist (or that this principal may not describe), which the start creates. */
    public List<String> missing() throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        return names.all().stream().filter(topic -> !existing.contains(topic)).toList();
    }

    /**
     * Fails, naming them, when any of {@code topics} is missing: for a command that writes them and creates nothing.
     * Only those it writes: a principal sees only the topics it may describe, and {@code Write} on a topic grants
     * that, so a desk allowed to write {@code orders} alone is not told of {@code agreements}.
     */
    public void requireExisting(Collection<String> topics) throws InterruptedException {
        createMissing(List.copyOf(topics), false);
    }

    private void createMissing(List<String> topics, boolean create) throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                missing.add(newTopic(topic));
            }
        }
        if (!missing.isEmpty()) {
            if (!create) {
                throw new IllegalStateException("topics " + missing.stream().map(NewTopic::name).toList()
                        + " do not exist (or this principal may not describe them) and topics.create=false: create "
                        + "them (agreements compacted, agreements and orders with the same partition count, retention "
                        + "as docs/OPERATIONS.md's 'Retention and the audit trail' says) or set topics.create=true");
            }
            createAll(missing);
        }
    }

    private NewTopic newTopic(String topic) {
        Optional<Short> replication = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        return new NewTopic(topic, Optional.of(partitions), replication).configs(policy.creationConfigs(topic));
    }

    private void createAll(List<NewTopic> missing) throws InterruptedException {
        for (NewTopic topic : missing) {
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {} ({} partitions, replication {}, {})", topic.name(), partitions,
                        replicationFactor > 0 ? replicationFactor : "broker default", topic.configs());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
                // another instance created it first
            } catch (TimeoutException e) {
                throw new IllegalStateException("the cluster did not create topic " + topic.name() + " within "
                        + timeout.toSeconds() + " s", e);
            }
        }
    }

    /**
     * Checks the inputs are co-partitioned and that no topic deletes what the guard must read or keep:
     * with {@code topics.retention.check=fail} a retention problem stops the guard, with {@code warn} it is
     * logged. Warns about settings that weaken the guard.
     *
     * @return the inputs' partition count, and the retention problems found (those warned of)
     */
    public Verified verify() throws InterruptedException {
        Map<String, Integer> inputs = inputPartitions();
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        Optional<String> refused = partitionRefusal(inputs, existing);
        if (refused.isPresent()) {
            throw new IllegalStateException(refused.get());
        }
        int orderPartitions = inputs.get(names.orders());
        Map<String, TopicSettings> settings = TopicSettings.describe(admin, names.all(), timeout);
        Map<String, TopicSettings> withChangelogs = withChangelogs(settings, existing);
        List<TopicPolicy.Problem> problems = retentionProblems(withChangelogs);
        if (!problems.isEmpty()) {
            String report = problems.stream().map(TopicPolicy.Problem::message)
                    .collect(java.util.stream.Collectors.joining("\n  ", "\n  ", ""));
            if (failOnRetentionProblems) {
                throw new IllegalStateException("the guard would lose records its topics must keep, or have its "
                        + "answers refused:" + report + "\n(" + GuardConfig.TOPICS_RETENTION_CHECK_CONFIG + "="
                        + GuardConfig.RETENTION_CHECK_WARN + " starts anyway)");
            }
            LOG.warn("{}={}: starting although the guard may lose records its topics must keep, or have its "
                    + "answers refused:{}", GuardConfig.TOPICS_RETENTION_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN,
                    report);
        }
        TopicSettings agreements = settings.get(names.agreements());
        if (!agreements.compacts()) {
            LOG.warn("topic {} has cleanup.policy={}: without compaction the topic keeps every version forever (or "
                    + "loses the latest one by retention); set cleanup.policy=compact", names.agreements(),
                    agreements.cleanupPolicy());
        }
        String timestamps = settings.get(names.orders()).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (!ordersTimestampType.equals(timestamps)) {
            LOG.warn("topic {} has message.timestamp.type={} but orders.timestamp.type={}: {}", names.orders(),
                    timestamps, ordersTimestampType, GuardConfig.CREATE_TIME.equals(timestamps)
                            ? "clients can forward-date orders and move a holding's clock" : "orders carry broker time");
        }
        if (orderPartitions != partitions) {
            LOG.warn("{}={}, but {} and {} have {} partitions: the guard works with theirs ({} sets only the topics it "
                    + "creates), and at most {} instances share the work", GuardConfig.TOPICS_PARTITIONS_CONFIG,
                    partitions, names.agreements(), names.orders(), orderPartitions,
                    GuardConfig.TOPICS_PARTITIONS_CONFIG, orderPartitions);
        }
        changelogSegmentWarnings(withChangelogs).forEach(LOG::warn);
        LOG.info("topics verified: {} and {} co-partitioned with {} partitions", names.agreements(), names.orders(),
                orderPartitions);
        return new Verified(orderPartitions, problems, smallestOf(settings),
                GuardConfig.LOG_APPEND_TIME.equals(timestamps));
    }

    /**
     * What the start found: the inputs' partitions, the topics' problems, the smallest message limit of an output,
     * and whether the orders topic stamps each order as the broker takes it (LogAppendTime), whatever
     * {@code orders.timestamp.type} says (it says how the guard creates the topic).
     */
    public record Verified(int partitions, List<TopicPolicy.Problem> problems, Optional<MessageLimit> smallest,
            boolean ordersStampedOnArrival) {
    }

    /** The partition count of each of the guard's inputs, as the cluster has it now. */
    public Map<String, Integer> inputPartitions() throws InterruptedException {
        Map<String, TopicDescription> inputs = AdminRequests.retrying(timeout,
                () -> admin.describeTopics(names.inputs()).allTopicNames());
        Map<String, Integer> partitions = new LinkedHashMap<>();
        inputs.forEach((topic, description) -> partitions.put(topic, description.partitions().size()));
        return partitions;
    }

    /** The orders topic's partition count, the guard's task count, if the topic exists; empty if not yet. */
    public Optional<Integer> existingOrderPartitions() throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        if (!existing.contains(names.orders())) {
            return Optional.empty();
        }
        return Optional.of(AdminRequests.retrying(timeout, () -> admin.describeTopics(List.of(names.orders()))
                .allTopicNames()).get(names.orders()).partitions().size());
    }

    /**
     * Why {@code run} would refuse the inputs' partition counts, as {@link #verify} does; empty when it would not, or
     * when an input does not exist yet.
     */
    public Optional<String> partitionRefusal() throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        if (!existing.containsAll(names.inputs())) {
            return Optional.empty();
        }
        return partitionRefusal(inputPartitions(), existing);
    }

    /**
     * Inputs not co-partitioned, or whose count differs from a changelog of the guard's stores: Kafka Streams created
     * it with the inputs' count of the day, so partitions were added to the inputs since. The changelogs are not
     * checked, and that is logged, when the principal may not describe them.
     */
    private Optional<String> partitionRefusal(Map<String, Integer> inputs, Set<String> existing)
            throws InterruptedException {
        int agreementPartitions = inputs.get(names.agreements());
        int orderPartitions = inputs.get(names.orders());
        if (agreementPartitions != orderPartitions) {
            return Optional.of(String.format(Locale.ROOT,
                    "topics '%s' (%d partitions) and '%s' (%d partitions) are not "
                    + "co-partitioned: a holding's agreement and its orders must meet in one task. Give both the same "
                    + "partition count (and key both by investorId/securityId).", names.agreements(),
                    agreementPartitions, names.orders(), orderPartitions));
        }
        List<String> changelogs = new ArrayList<>(StoreNames.changelogsAmong(applicationId, existing));
        String sweep = StoreNames.changelogTopic(applicationId, StoreNames.ID_SWEEP);
        if (existing.contains(sweep)) {
            changelogs.add(sweep);
        }
        if (changelogs.isEmpty()) {
            return Optional.empty();
        }
        Map<String, TopicDescription> described;
        try {
            described = AdminRequests.retrying(timeout, () -> admin.describeTopics(changelogs).allTopicNames());
        } catch (IllegalStateException e) {
            LOG.info("the changelogs {} cannot be described ({}): their partition count is not checked", changelogs,
                    e.getMessage());
            return Optional.empty();
        }
        for (String changelog : changelogs) {
            int built = described.get(changelog).partitions().size();
            if (built != orderPartitions && changelog.equals(sweep)) {
                // not a sign of inputs repartitioned: a broker that creates topics on first use makes it again,
                // with its own partition count, when a write follows its deletion; Kafka Streams then fails every
                // thread on it, for ever
                return Optional.of(String.format(Locale.ROOT, "the id sweep's changelog '%s' has %d partitions, not "
                        + "the inputs' %d (deleted, and created again by a broker that creates topics on first use?): "
                        + "delete it, and Kafka Streams creates it anew at the start. It holds only where the walks "
                        + "that forget ids stood", sweep, built, orderPartitions));
            }
            if (built != orderPartitions) {
                return Optional.of(InputRepartitioning.atStart(names, orderPartitions, changelog, built,
                        applicationId));
            }
        }
        return Optional.empty();
    }

    /** The topic the guard writes that takes the smallest records, with its {@code max.message.bytes}. */
    public record MessageLimit(String topic, int maxMessageBytes) {
    }

    /**
     * Which topic the guard writes takes the smallest records ({@code max.message.bytes}, as the cluster resolves it
     * now); empty when the cluster names no limit. The guard's inputs do not count: it never writes to them.
     */
    public Optional<MessageLimit> smallestMessages() throws InterruptedException {
        return smallestOf(TopicSettings.describe(admin, names.outputs(), timeout));
    }

    /** The retention problems of the guard's existing topics, as {@code run} would find them at start. */
    public List<TopicPolicy.Problem> retentionProblems() throws InterruptedException {
        return readAgain().problems();
    }

    /**
     * The guard's existing topics' settings, read once, as a running guard checks them again: their retention
     * problems, and which topic it writes takes the smallest records.
     */
    public Reading readAgain() throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        Map<String, TopicSettings> settings = TopicSettings.describe(admin,
                names.all().stream().filter(existing::contains).toList(), timeout);
        Map<String, TopicSettings> withChangelogs = withChangelogs(settings, existing);
        return new Reading(smallestOf(settings), retentionProblems(withChangelogs),
                changelogSegmentWarnings(withChangelogs));
    }

    /** What {@link #readAgain} found; and what the start warns of its changelogs. */
    public record Reading(Optional<MessageLimit> smallest, List<TopicPolicy.Problem> problems,
            List<String> changelogWarnings) {
    }

    /**
     * A warning for each changelog among {@code settings} that rolls its segments later than Kafka Streams creates
     * them to (an older guard's, or one created by hand): the broker compacts rolled segments only, so every restore
     * reads that much of values since replaced and ids since forgotten, per partition.
     */
    private List<String> changelogSegmentWarnings(Map<String, TopicSettings> settings) {
        List<String> warnings = new ArrayList<>();
        for (TopicSettings topic : settings.values()) {
            long segmentBytes = topic.number(TopicConfig.SEGMENT_BYTES_CONFIG);
            if (!names.all().contains(topic.topic()) && topic.compacts() && segmentBytes > changelogSegmentBytes) {
                warnings.add("changelog " + topic.topic() + " rolls a segment at " + segmentBytes + " bytes, where "
                        + "the guard creates its changelogs with " + changelogSegmentBytes + ": the broker compacts "
                        + "rolled segments only, so every restore reads up to that much per partition of values "
                        + "since replaced and ids since forgotten. Fix: kafka-configs --bootstrap-server <brokers> "
                        + "--entity-type topics --entity-name " + topic.topic() + " --alter --add-config "
                        + TopicConfig.SEGMENT_BYTES_CONFIG + "=" + changelogSegmentBytes);
            }
        }
        return warnings;
    }

    /** The output among {@code settings} that takes the smallest records; empty when none names a limit. */
    private Optional<MessageLimit> smallestOf(Map<String, TopicSettings> settings) {
        MessageLimit smallest = null;
        for (String output : names.outputs()) {
            TopicSettings topic = settings.get(output);
            long bytes = topic == null ? 0 : topic.number(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (bytes > 0 && bytes <= Integer.MAX_VALUE && (smallest == null || bytes < smallest.maxMessageBytes())) {
                smallest = new MessageLimit(topic.topic(), (int) bytes);
            }
        }
        return Optional.ofNullable(smallest);
    }

    /**
     * {@code settings} and those of the changelogs Kafka Streams created for the guard's stores among {@code
     * existing}, which its answers' timestamps reach too; without them when the principal may not read their settings
     * (the guard's ACLs do not ask for it).
     */
    private Map<String, TopicSettings> withChangelogs(Map<String, TopicSettings> settings, Set<String> existing)
            throws InterruptedException {
        List<String> changelogs = StoreNames.changelogsAmong(applicationId, existing);
        if (changelogs.isEmpty()) {
            return settings;
        }
        Map<String, TopicSettings> all = new LinkedHashMap<>(settings);
        try {
            all.putAll(TopicSettings.describe(admin, changelogs, timeout));
        } catch (IllegalStateException e) {
            LOG.info("the settings of the changelogs {} cannot be read ({}): their timestamp bounds are not checked",
                    changelogs, e.getMessage());
        }
        return all;
    }

    private List<TopicPolicy.Problem> retentionProblems(Map<String, TopicSettings> settings) {
        return policy.check(settings);
    }
}
