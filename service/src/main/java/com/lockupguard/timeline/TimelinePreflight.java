package com.lockupguard.timeline;

import com.lockupguard.app.TopicSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Before a timeline is sent: would a target topic delete or refuse some of its records? On a
 * {@code CreateTime} topic the broker deletes a record by its own timestamp, so a record stamped
 * further back than {@code retention.ms} is deleted as soon as its segment rolls, read or not;
 * one stamped outside {@code message.timestamp.before.max.ms} / {@code after.max.ms} is refused.
 * Each problem is said once per topic, with the oldest line it concerns and the fix. On a
 * {@code LogAppendTime} topic nothing is lost, but the broker replaces every record's time with its
 * own: a timeline's times then count for nothing, which is worth a warning.
 */
public final class TimelinePreflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One topic's problem with the records meant for it. */
    public record Problem(String topic, int records, int firstLine, String what, String fix) {
        @Override
        public String toString() {
            return records + " record(s) for topic '" + topic + "' (first at line " + firstLine + ") " + what
                    + ". Fix: " + fix;
        }
    }

    private TimelinePreflight() {
    }

    /** What sending a timeline would do wrong: records lost or refused ({@code problems}), or restamped. */
    public record Findings(List<Problem> problems, List<Problem> warnings) {
    }

    /** The findings of sending {@code entries} to {@code agreementsTopic} and {@code ordersTopic} at {@code now}. */
    public static Findings check(Admin admin, String agreementsTopic, String ordersTopic,
            List<TimelineEntry> entries, Instant now) throws InterruptedException {
        return check(admin, TimelineStamps.of(agreementsTopic, ordersTopic, entries), now);
    }

    /** The findings of sending the records {@code stamps} describes at {@code now}. */
    public static Findings check(Admin admin, TimelineStamps stamps, Instant now) throws InterruptedException {
        List<Problem> problems = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        if (stamps.topics().isEmpty()) {
            return new Findings(problems, warnings);
        }
        Map<String, TopicSettings> settings = TopicSettings.describe(admin, List.copyOf(stamps.topics()), TIMEOUT);
        for (String topic : stamps.topics()) {
            problems.addAll(check(settings.get(topic), stamps.of(topic), now));
            warnings.addAll(restamped(settings.get(topic), stamps.of(topic)));
        }
        return new Findings(problems, warnings);
    }

    /** The topics sending {@code entries} writes to: agreements to one, orders and execution reports to the other. */
    public static Set<String> targets(String agreementsTopic, String ordersTopic, List<TimelineEntry> entries) {
        return TimelineStamps.of(agreementsTopic, ordersTopic, entries).topics();
    }

    /**
     * On a {@code LogAppendTime} topic, the records that carry a time of their own: the broker stamps them with the
     * time it appends them, and the guard decides them then, not at their {@code at}.
     */
    public static List<Problem> restamped(TopicSettings settings, List<TimelineEntry> records) {
        return restamped(settings, TimelineStamps.recordsOf(records));
    }

    private static List<Problem> restamped(TopicSettings settings, TimelineStamps.Records records) {
        List<Problem> warnings = new ArrayList<>();
        if (!settings.isCreateTime()) {
            add(warnings, settings.topic(), records, at -> true,
                    "carry an `at`, but the topic's message.timestamp.type is LogAppendTime: the broker stamps each "
                            + "with the time it appends it, and the guard decides them at that time, not at their `at`",
                    "to keep the timeline's times, send it to a CreateTime topic (orders.timestamp.type=CreateTime "
                            + "when the guard creates the orders topic)");
        }
        return warnings;
    }

    /** The problems of sending {@code records} at {@code now} to the topic with {@code settings}. */
    public static List<Problem> check(TopicSettings settings, List<TimelineEntry> records, Instant now) {
        return check(settings, TimelineStamps.recordsOf(records), now);
    }

    private static List<Problem> check(TopicSettings settings, TimelineStamps.Records records, Instant now) {
        List<Problem> problems = new ArrayList<>();
        if (!settings.isCreateTime()) {
            return problems; // LogAppendTime: the broker stamps each record with its own time
        }
        String topic = settings.topic();
        long nowMillis = now.toEpochMilli();
        long retentionMs = settings.retentionMs();
        if (settings.deletes() && retentionMs >= 0) {
            long oldestKept = saturatedMinus(nowMillis, retentionMs);
            add(problems, topic, records, at -> at < oldestKept,
                    "are stamped more than retention.ms=" + retentionMs + " ago: the broker deletes them as soon "
                            + "as their segment rolls, before the guard may have read them",
                    command(topic, TopicConfig.RETENTION_MS_CONFIG + "=-1"));
        }
        long beforeMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        if (beforeMax >= 0 && beforeMax < Long.MAX_VALUE) {
            long oldestTaken = saturatedMinus(nowMillis, beforeMax);
            add(problems, topic, records, at -> at < oldestTaken,
                    "are stamped more than message.timestamp.before.max.ms=" + beforeMax + " ago: the broker "
                            + "refuses them",
                    command(topic, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG + "=" + Long.MAX_VALUE));
        }
        long afterMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        if (afterMax >= 0 && afterMax < Long.MAX_VALUE) {
            long latestTaken = nowMillis > Long.MAX_VALUE - afterMax ? Long.MAX_VALUE : nowMillis + afterMax;
            add(problems, topic, records, at -> at > latestTaken,
                    "are stamped more than message.timestamp.after.max.ms=" + afterMax + " ahead: the broker "
                            + "refuses them",
                    "stamp them no later than now, or " + command(topic,
                            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG + "=" + Long.MAX_VALUE));
        }
        return problems;
    }

    /** {@code millis - span}, or the least long where that would fall below it. */
    private static long saturatedMinus(long millis, long span) {
        return millis < Long.MIN_VALUE + span ? Long.MIN_VALUE : millis - span;
    }

    private static void add(List<Problem> problems, String topic, TimelineStamps.Records records,
            LongPredicate affected, String what, String fix) {
        TimelineStamps.Matches matches = records.matching(affected);
        if (matches.count() > 0) {
            problems.add(new Problem(topic, matches.count(), matches.firstLine(), what, fix));
        }
    }

    private static String command(String topic, String setting) {
        return "kafka-configs --bootstrap-server <brokers> --entity-type topics --entity-name " + topic
                + " --alter --add-config " + setting;
    }
}
