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
 * {@code topics.decisions.retention.ms}; an output must take the timestamps of the records the
 * guard answers.
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
    /** A timestamp bound that takes any timestamp: Kafka's default before 4.0, for both. */
    private static final String ANY_TIMESTAMP = Long.toString(Long.MAX_VALUE);

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
            case AGREEMENTS -> configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            case POSITIONS -> {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                takeAnyTimestamp(configs);
            }
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
                takeAnyTimestamp(configs);
            }
        }
        return configs;
    }

    /**
     * An output's records carry the timestamps of the records they answer, however old (a backlog after an outage, a
     * replayed timeline) or new (an input that takes a later one): the broker must not refuse them, whatever bounds
     * it sets topics by default (Kafka 4 refuses records stamped over an hour ahead unless told otherwise).
     */
    private static void takeAnyTimestamp(Map<String, String> configs) {
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, ANY_TIMESTAMP);
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, ANY_TIMESTAMP);
    }

    /**
     * The problems of an existing topic ({@code cleanup.policy}, {@code retention.*}, {@code message.timestamp.type},
     * an output's {@code message.timestamp.before.max.ms}).
     */
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
                if (deletes && createTime && roleOf(topic) == Role.AGREEMENTS
                        && (retentionMs >= 0 || retentionBytes >= 0)) {
                    // compacted, as the guard creates it, it keeps every holding's latest agreement and no version is
                    // deleted unread: more to the point than keeping every version for ever
                    problems.add(new Problem(topic, TopicConfig.CLEANUP_POLICY_CONFIG, cleanup,
                            TopicConfig.CLEANUP_POLICY_COMPACT, "the broker deletes agreements by age (on CreateTime "
                                    + "by the producer's timestamp, so a back-dated agreement is deleted before the "
                                    + "guard reads it) or size, read or not; compacted, as the guard creates it, the "
                                    + "topic keeps every holding's latest agreement"));
                } else if (deletes && createTime) {
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
        if (isOutput(topic)) {
            problems.addAll(timestampsBackProblems(settings));
        }
        return problems;
    }

    /**
     * The problems of a changelog of the guard's state: one that deletes records by age or size (created so by a
     * {@code topic.cleanup.policy}, or altered since) holds part of the state, and a restore would bring back only
     * that part; and its timestamp bounds, as an output's.
     */
    private static List<Problem> changelogProblems(TopicSettings settings) {
        List<Problem> problems = new ArrayList<>();
        if (settings.deletes() && (settings.retentionMs() >= 0 || settings.retentionBytes() >= 0)) {
            problems.add(new Problem(settings.topic(), TopicConfig.CLEANUP_POLICY_CONFIG, settings.cleanupPolicy(),
                    TopicConfig.CLEANUP_POLICY_COMPACT, "it holds the guard's state, which the broker would delete "
                            + "by age (counted from the timestamps of the records the guard answered, which may be "
                            + "years back) or size: a restore would bring back holdings without their agreements "
                            + "or the shares they sold"));
        }
        problems.addAll(timestampsBackProblems(settings));
        return problems;
    }

    /** The problem of a topic the guard writes that refuses records stamped longer ago than some bound. */
    private static List<Problem> timestampsBackProblems(TopicSettings settings) {
        long beforeMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        if (!settings.isCreateTime() || beforeMax < 0 || beforeMax == Long.MAX_VALUE) {
            return List.of();
        }
        return List.of(new Problem(settings.topic(), TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                Long.toString(beforeMax), ANY_TIMESTAMP, "its records carry the timestamps of the records they "
                        + "answer, so the broker refuses the answer to one stamped longer ago than that (a "
                        + "backlog after an outage, a replayed timeline), and the guard stops on that record"));
    }

    /**
     * The problems of each of {@code topics} ({@link #check(TopicSettings)}), and of an output that refuses records
     * stamped further ahead ({@code message.timestamp.after.max.ms}) than an input takes: the guard's answer to such
     * a record carries its timestamp. A topic that is not one of the guard's is a changelog of its stores, which
     * Kafka Streams creates and the guard writes: its timestamp bounds are checked, and that it deletes nothing.
     */
    public List<Problem> check(Map<String, TopicSettings> topics) {
        List<Problem> problems = new ArrayList<>();
        topics.values().forEach(topic -> problems.addAll(names.all().contains(topic.topic()) ? check(topic)
                : changelogProblems(topic)));
        long inputsAfterMax = -1;
        for (String input : names.inputs()) {
            TopicSettings settings = topics.get(input);
            if (settings != null && settings.isCreateTime()) {
                inputsAfterMax = Math.max(inputsAfterMax, afterMax(settings));
            }
        }
        for (TopicSettings output : topics.values()) {
            long afterMax = afterMax(output);
            if (isOutput(output.topic()) && output.isCreateTime() && afterMax < inputsAfterMax) {
                problems.add(new Problem(output.topic(), TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                        Long.toString(afterMax), ANY_TIMESTAMP, "an input takes records stamped up to "
                                + inputsAfterMax + " ms ahead, and the answer to one carries its timestamp: the "
                                + "broker would refuse it, and the guard stop on that record"));
            }
        }
        return problems;
    }

    /** A topic's {@code message.timestamp.after.max.ms}; no bound when the cluster does not name one. */
    private static long afterMax(TopicSettings settings) {
        long afterMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        return afterMax < 0 ? Long.MAX_VALUE : afterMax;
    }

    private boolean isOutput(String topic) {
        return !names.inputs().contains(topic);
    }
}
