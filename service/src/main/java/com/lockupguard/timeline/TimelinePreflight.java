package com.lockupguard.timeline;

import com.lockupguard.app.TopicSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Map<String, List<TimelineEntry>> byTopic = byTopic(agreementsTopic, ordersTopic, entries);
        List<Problem> problems = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        if (byTopic.isEmpty()) {
            return new Findings(problems, warnings);
        }
        Map<String, TopicSettings> settings = TopicSettings.describe(admin, List.copyOf(byTopic.keySet()), TIMEOUT);
        byTopic.forEach((topic, records) -> {
            problems.addAll(check(settings.get(topic), records, now));
            warnings.addAll(restamped(settings.get(topic), records));
        });
        return new Findings(problems, warnings);
    }

    /** The topics sending {@code entries} writes to: agreements to one, orders and execution reports to the other. */
    public static Set<String> targets(String agreementsTopic, String ordersTopic, List<TimelineEntry> entries) {
        return byTopic(agreementsTopic, ordersTopic, entries).keySet();
    }

    private static Map<String, List<TimelineEntry>> byTopic(String agreementsTopic, String ordersTopic,
            List<TimelineEntry> entries) {
        Map<String, List<TimelineEntry>> byTopic = new HashMap<>();
        for (TimelineEntry entry : entries) {
            if (entry instanceof TimelineEntry.AgreementLine) {
                byTopic.computeIfAbsent(agreementsTopic, t -> new ArrayList<>()).add(entry);
            } else if (entry instanceof TimelineEntry.OrderLine || entry instanceof TimelineEntry.ExecutionLine) {
                byTopic.computeIfAbsent(ordersTopic, t -> new ArrayList<>()).add(entry);
            }
        }
        return byTopic;
    }

    /**
     * On a {@code LogAppendTime} topic, the records that carry a time of their own: the broker stamps them with the
     * time it appends them, and the guard decides them then, not at their {@code at}.
     */
    public static List<Problem> restamped(TopicSettings settings, List<TimelineEntry> records) {
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
        List<Problem> problems = new ArrayList<>();
        if (!settings.isCreateTime()) {
            return problems; // LogAppendTime: the broker stamps each record with its own time
        }
        String topic = settings.topic();
        long retentionMs = settings.retentionMs();
        if (settings.deletes() && retentionMs >= 0) {
            add(problems, topic, records, at -> at.isBefore(now.minusMillis(retentionMs)),
                    "are stamped more than retention.ms=" + retentionMs + " ago: the broker deletes them as soon "
                            + "as their segment rolls, before the guard may have read them",
                    command(topic, TopicConfig.RETENTION_MS_CONFIG + "=-1"));
        }
        long beforeMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        if (beforeMax >= 0 && beforeMax < Long.MAX_VALUE) {
            add(problems, topic, records, at -> at.isBefore(now.minusMillis(beforeMax)),
                    "are stamped more than message.timestamp.before.max.ms=" + beforeMax + " ago: the broker "
                            + "refuses them",
                    command(topic, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG + "=" + Long.MAX_VALUE));
        }
        long afterMax = settings.number(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        if (afterMax >= 0 && afterMax < Long.MAX_VALUE) {
            add(problems, topic, records, at -> at.isAfter(now.plusMillis(afterMax)),
                    "are stamped more than message.timestamp.after.max.ms=" + afterMax + " ahead: the broker "
                            + "refuses them",
                    "stamp them no later than now, or " + command(topic,
                            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG + "=" + Long.MAX_VALUE));
        }
        return problems;
    }

    private static void add(List<Problem> problems, String topic, List<TimelineEntry> records,
            java.util.function.Predicate<Instant> affected, String what, String fix) {
        int count = 0;
        int firstLine = 0;
        for (TimelineEntry record : records) {
            Instant at = at(record);
            if (at != null && affected.test(at)) {
                if (count++ == 0) {
                    firstLine = record.lineNumber();
                }
            }
        }
        if (count > 0) {
            problems.add(new Problem(topic, count, firstLine, what, fix));
        }
    }

    private static Instant at(TimelineEntry entry) {
        if (entry instanceof TimelineEntry.AgreementLine line) {
            return line.at();
        }
        if (entry instanceof TimelineEntry.ExecutionLine line) {
            return line.at();
        }
        return entry instanceof TimelineEntry.OrderLine line ? line.at() : null;
    }

    private static String command(String topic, String setting) {
        return "kafka-configs --bootstrap-server <brokers> --entity-type topics --entity-name " + topic
                + " --alter --add-config " + setting;
    }
}
