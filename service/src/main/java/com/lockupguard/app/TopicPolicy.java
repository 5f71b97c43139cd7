package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What each of the guard's topics must be, by its role: the settings a topic gets when the
 * guard creates it, and the problems of an existing one. Inputs must not lose a record before
 * the guard reads it; the audit trail (what the guard decided) must keep every record at least
 * {@code topics.decisions.retention.ms}.
 */
public final class TopicPolicy {

    /** What a topic is to the guard. */
    public enum Role {
        /** Agreement versions: compacted, keyed by holding. */
        AGREEMENTS,
        /** Proposed orders: read once, in order, keyed by holding. */
        ORDERS,
        /**
         * A record of what the guard decided: approved, blocked, dead letters, agreement audit, execution
         * results, compliance alerts.
         */
        AUDIT_TRAIL,
        /** Latest position per holding: compacted. */
        POSITIONS
    }

    /** A setting of an existing topic that loses records; {@link #fix()} is the command that mends it. */
    public record Problem(String topic, String setting, String actual, String required, String why) {

        public String fix() {
            return "kafka-configs --bootstrap-server <brokers> --entity-type topics --entity-name " + topic
                    + " --alter --add-config " + setting + "=" + required;
        }

        public String message() {
            return "topic '" + topic + "' has " + setting + "=" + actual + ": " + why + ". Fix: " + fix();
        }
    }

    private static final String FOREVER = "-1";

    private final TopicNames names;
    private final long decisionsRetentionMs;
    private final long ordersRetentionMs;
    private final String ordersTimestampType;

    public TopicPolicy(TopicNames names, long decisionsRetentionMs, long ordersRetentionMs,
            String ordersTimestampType) {
        this.names = names;
        this.decisionsRetentionMs = decisionsRetentionMs;
        this.ordersRetentionMs = ordersRetentionMs;
        this.ordersTimestampType = ordersTimestampType;
    }

    public static TopicPolicy of(GuardConfig config) {
        return new TopicPolicy(config.topicNames(), config.getLong(GuardConfig.TOPICS_DECISIONS_RETENTION_MS_CONFIG),
                config.ordersRetentionMs(), config.getString(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG));
    }

    public Role roleOf(String topic) {
        if (topic.equals(names.agreements())) {
            return Role.AGREEMENTS;
        }
        if (topic.equals(names.orders())) {
            return Role.ORDERS;
        }
        if (topic.equals(names.positions())) {
            return Role.POSITIONS;
        }
        if (names.auditTrail().contains(topic)) {
            return Role.AUDIT_TRAIL;
        }
        throw new IllegalArgumentException("not one of the guard's topics: " + topic);
    }

    /** The settings of {@code topic} when the guard creates it. */
    public Map<String, String> creationConfigs(String topic) {
        Map<String, String> configs = new LinkedHashMap<>();
        switch (roleOf(topic)) {
            case AGREEMENTS, POSITIONS -> configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT);
            case ORDERS -> {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, ordersTimestampType);
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ordersRetentionMs));
                configs.put(TopicConfig.RETENTION_BYTES_CONFIG, FOREVER);
            }
            case AUDIT_TRAIL -> {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(decisionsRetentionMs));
                configs.put(TopicConfig.RETENTION_BYTES_CONFIG, FOREVER);
                if (decisionsRetentionMs >= 0) {
                    // records carry the order's timestamp; a finite retention must count from when they were written
                    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, GuardConfig.LOG_APPEND_TIME);
                }
            }
        }
        return configs;
    }

    /** The problems of an existing topic ({@code cleanup.policy}, {@code retention.*}, {@code message.timestamp.type}). */
    public List<Problem> check(TopicSettings settings) {
        List<Problem> problems = new ArrayList<>();
        String topic = settings.topic();
        String cleanup = settings.cleanupPolicy();
        boolean deletes = settings.deletes();
        boolean compacts = settings.compacts();
        long retentionMs = settings.retentionMs();
        long retentionBytes = settings.retentionBytes();
        boolean createTime = settings.isCreateTime();
        switch (roleOf(topic)) {
            case AGREEMENTS, ORDERS -> {
                if (roleOf(topic) == Role.ORDERS && compacts) {
                    problems.add(new Problem(topic, TopicConfig.CLEANUP_POLICY_CONFIG, cleanup,
                            TopicConfig.CLEANUP_POLICY_DELETE, "compaction keeps only the latest order of each "
                                    + "holding and deletes the others, read or not"));
                }
                if (deletes && createTime) {
                    if (retentionMs >= 0) {
                        problems.add(new Problem(topic, TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                                FOREVER, "on CreateTime the broker deletes by the producer's timestamp, so a "
                                        + "replayed or back-dated record older than that is deleted before the guard "
                                        + "reads it"));
                    }
                    if (retentionBytes >= 0) {
                        problems.add(new Problem(topic, TopicConfig.RETENTION_BYTES_CONFIG,
                                Long.toString(retentionBytes), FOREVER, "the broker deletes the oldest records "
                                        + "beyond that size, read or not"));
                    }
                }
            }
            case AUDIT_TRAIL -> {
                if (compacts) {
                    problems.add(new Problem(topic, TopicConfig.CLEANUP_POLICY_CONFIG, cleanup,
                            TopicConfig.CLEANUP_POLICY_DELETE, "compaction keeps only the latest record of each "
                                    + "holding: the guard's record of what it decided would lose the rest"));
                }
                if (deletes && retentionBytes >= 0) {
                    problems.add(new Problem(topic, TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(retentionBytes),
                            FOREVER, "the guard's record of what it decided must not be deleted by size"));
                }
                if (deletes && retentionMs >= 0) {
                    if (decisionsRetentionMs < 0 || retentionMs < decisionsRetentionMs) {
                        problems.add(new Problem(topic, TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                                Long.toString(decisionsRetentionMs), "the guard must keep what it decided at least "
                                        + GuardConfig.TOPICS_DECISIONS_RETENTION_MS_CONFIG + "="
                                        + decisionsRetentionMs + (decisionsRetentionMs < 0 ? " (forever)" : " ms")));
                    } else if (createTime) {
                        problems.add(new Problem(topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                                GuardConfig.LOG_APPEND_TIME, "its records carry the order's timestamp, so with a "
                                        + "finite retention.ms the decision of a replayed or back-dated order is "
                                        + "deleted as soon as it is written"));
                    }
                }
            }
            case POSITIONS -> {
                // the latest position per holding, republished after every change: compaction is what it wants
            }
        }
        return problems;
    }
}
