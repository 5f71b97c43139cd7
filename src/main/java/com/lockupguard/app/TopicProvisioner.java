package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the guard's missing topics with the right settings and checks the existing ones:
 * agreements compacted, orders stamped by the broker (unless configured otherwise), and the two
 * inputs co-partitioned, without which an agreement and its orders would meet in different tasks.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final TopicNames names;
    private final int partitions;
    private final short replicationFactor;
    private final String ordersTimestampType;

    public TopicProvisioner(Admin admin, TopicNames names, int partitions, short replicationFactor,
            String ordersTimestampType) {
        this.admin = admin;
        this.names = names;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.ordersTimestampType = ordersTimestampType;
    }

    public static TopicProvisioner from(Admin admin, GuardConfig config) {
        return new TopicProvisioner(admin, config.topicNames(), config.getInt(GuardConfig.TOPICS_PARTITIONS_CONFIG),
                config.getShort(GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG),
                config.getString(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG));
    }

    /** Creates what is missing, when {@code create}; then verifies. Fails with a message saying what to fix. */
    public void provision(boolean create) throws InterruptedException {
        Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : names.all()) {
            if (!existing.contains(topic)) {
                missing.add(newTopic(topic));
            }
        }
        if (!missing.isEmpty()) {
            if (!create) {
                throw new IllegalStateException("topics " + missing.stream().map(NewTopic::name).toList()
                        + " do not exist and topics.create=false: create them (agreements compacted, agreements and "
                        + "orders with the same partition count) or set topics.create=true");
            }
            createAll(missing);
        }
        verify();
    }

    private NewTopic newTopic(String topic) {
        Optional<Short> replication = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replication);
        if (topic.equals(names.agreements()) || topic.equals(names.positions())) {
            newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        } else if (topic.equals(names.orders())) {
            newTopic.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, ordersTimestampType));
        }
        return newTopic;
    }

    private void createAll(List<NewTopic> missing) throws InterruptedException {
        for (NewTopic topic : missing) {
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("created topic {} ({} partitions, replication {}, {})", topic.name(), partitions,
                        replicationFactor > 0 ? replicationFactor : "broker default",
                        topic.configs() == null ? "default settings" : topic.configs());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
                // another instance created it first
            } catch (TimeoutException e) {
                throw new IllegalStateException("the cluster did not create topic " + topic.name() + " within "
                        + TIMEOUT_SECONDS + " s", e);
            }
        }
    }

    /** Checks the inputs are co-partitioned and warns about settings that weaken the guard. */
    public void verify() throws InterruptedException {
        Map<String, TopicDescription> inputs = call(() -> admin.describeTopics(names.inputs()).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        int agreementPartitions = inputs.get(names.agreements()).partitions().size();
        int orderPartitions = inputs.get(names.orders()).partitions().size();
        if (agreementPartitions != orderPartitions) {
            throw new IllegalStateException(String.format("topics '%s' (%d partitions) and '%s' (%d partitions) are "
                    + "not co-partitioned: a holding's agreement and its orders must meet in one task. Give both the "
                    + "same partition count (and key both by investorId/securityId).", names.agreements(),
                    agreementPartitions, names.orders(), orderPartitions));
        }
        Map<ConfigResource, Config> configs = call(() -> admin.describeConfigs(List.of(
                new ConfigResource(ConfigResource.Type.TOPIC, names.agreements()),
                new ConfigResource(ConfigResource.Type.TOPIC, names.orders()))).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        String cleanup = value(configs, names.agreements(), TopicConfig.CLEANUP_POLICY_CONFIG);
        if (cleanup == null || !cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            LOG.warn("topic {} has cleanup.policy={}: without compaction, old agreement versions expire and a "
                    + "restored instance may miss an agreement; set cleanup.policy=compact", names.agreements(), cleanup);
        }
        String timestamps = value(configs, names.orders(), TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (!ordersTimestampType.equals(timestamps)) {
            LOG.warn("topic {} has message.timestamp.type={} but orders.timestamp.type={}: {}", names.orders(),
                    timestamps, ordersTimestampType, GuardConfig.CREATE_TIME.equals(timestamps)
                            ? "clients can forward-date orders and move a holding's clock" : "orders carry broker time");
        }
        LOG.info("topics verified: {} and {} co-partitioned with {} partitions", names.agreements(), names.orders(),
                orderPartitions);
    }

    private static String value(Map<ConfigResource, Config> configs, String topic, String name) {
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    private interface AdminCall<T> {
        T get() throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * An admin request, retried while Kafka answers with a retriable error (a topic just created
     * is not yet known to every broker, a leader is moving) until {@link #TIMEOUT_SECONDS}.
     */
    private static <T> T call(AdminCall<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return call.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
                LOG.debug("retrying admin request after {}", e.getCause().toString());
                Thread.sleep(200);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s: is "
                        + "bootstrap.servers right and the cluster up?", e);
            }
        }
    }
}
