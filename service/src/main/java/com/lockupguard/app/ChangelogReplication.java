package com.lockupguard.app;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code replication.factor} (its changelogs' and other internal topics' replicas) against the brokers
 * the cluster has. Kafka Streams creates those topics only as its stream threads join their group; a cluster that
 * refuses them (more replicas than brokers) failed every thread, each replaced, for ever, with the guard not ready
 * and nothing said at start. The guard's own topics ({@code topics.replication.factor}) need that look only before
 * the start, in {@code config --check}: the start creates them itself and stops on the refusal.
 */
public final class ChangelogReplication {

    private static final Logger LOG = LoggerFactory.getLogger(ChangelogReplication.class);

    private ChangelogReplication() {
    }

    /** Why the guard must not start, when the cluster has fewer brokers than Kafka Streams asks replicas of. */
    public static Optional<String> refusal(Admin admin, GuardConfig config, Duration timeout)
            throws InterruptedException {
        int replicas = config.getInt(GuardConfig.REPLICATION_FACTOR_CONFIG);
        if (replicas <= 1) {
            return Optional.empty(); // the broker's default (-1), or one replica, which any cluster has
        }
        return fewer(admin, timeout, GuardConfig.REPLICATION_FACTOR_CONFIG, replicas).map(brokers -> String.format(
                Locale.ROOT, "replication.factor=%d: Kafka Streams would create the guard's changelogs "
                + "with %d replicas each, and the cluster has %d broker%s, so it refuses them and every stream thread "
                + "would fail, and be replaced, for ever. Set replication.factor to at most %d (or -1, the broker's "
                + "default.replication.factor).", replicas, replicas, brokers, brokers == 1 ? "" : "s", brokers));
    }

    /**
     * Why the start would stop creating {@code missing} of the guard's own topics, when the cluster has fewer brokers
     * than {@code topics.replication.factor} asks replicas of: for {@code config --check}, which passed it (seen in a
     * review), while {@code run} stopped with "Unable to replicate the partition 3 time(s)".
     */
    public static Optional<String> topicsRefusal(Admin admin, GuardConfig config, List<String> missing,
            Duration timeout) throws InterruptedException {
        int replicas = config.getShort(GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG);
        if (replicas <= 1 || missing.isEmpty() || !config.getBoolean(GuardConfig.TOPICS_CREATE_CONFIG)) {
            return Optional.empty();
        }
        return fewer(admin, timeout, GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG, replicas).map(brokers ->
                String.format(Locale.ROOT, "topics.replication.factor=%d: the start would create %s with %d replicas "
                + "each, and the cluster has %d broker%s, so it refuses them. Set topics.replication.factor to at most "
                + "%d (or -1, the broker's default.replication.factor)", replicas, String.join(", ", missing),
                replicas, brokers, brokers == 1 ? "" : "s", brokers));
    }

    /**
     * How many brokers the cluster has, when fewer than {@code replicas} (given by {@code setting}); empty when as
     * many or more, or when the cluster does not say: it is not refused for that, the start will say.
     */
    private static Optional<Integer> fewer(Admin admin, Duration timeout, String setting, int replicas)
            throws InterruptedException {
        int brokers;
        try {
            brokers = brokers(admin, timeout);
        } catch (IllegalStateException e) {
            LOG.debug("not checked against the cluster's brokers: {}={}", setting, replicas, e);
            return Optional.empty();
        }
        return replicas <= brokers ? Optional.empty() : Optional.of(brokers);
    }

    /**
     * The brokers the cluster has, a broker stopped for a moment (fenced, a rolling restart, say) among them: counting
     * only those up, a guard started during a rolling restart of three brokers was refused for a cluster of two. Asked
     * of brokers before Kafka 4.0, which cannot say, those up.
     */
    private static int brokers(Admin admin, Duration timeout) throws InterruptedException {
        try {
            return AdminRequests.retrying(timeout, () -> admin.describeCluster(new DescribeClusterOptions()
                    .includeFencedBrokers(true)).nodes()).size();
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof UnsupportedVersionException)) {
                throw e;
            }
            return AdminRequests.retrying(timeout, () -> admin.describeCluster().nodes()).size();
        }
    }
}
