package com.lockupguard.app;

import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * The guard's positions on its inputs gone while its state stays: the broker deletes a consumer group's committed
 * offsets {@code offsets.retention.minutes} (7 days by default) after its last member left, and an operator may delete
 * the group. Kafka Streams then starts from the first record the inputs keep ({@code auto.offset.reset=earliest}):
 * every order the guard still remembers answered a second time, beside its first decision; every one it no longer
 * remembers ({@code order.ids.retention.ms}) decided again and its shares counted twice; every agreement version
 * applied again.
 */
public final class LostPositions {

    private LostPositions() {
    }

    /** Why the guard must not start: its changelogs hold its state, but it has no position on the inputs. */
    public static Optional<String> atStart(Admin admin, GuardConfig config, GuardHistory history, Duration timeout)
            throws InterruptedException {
        if (!history.positions().isEmpty()) {
            return Optional.empty();
        }
        // the release schedule's aside: each task marks it at its first start, before it has read a record, so that
        // a guard stopped before its first order would otherwise be refused at every start after
        String schedule = StoreNames.changelogTopic(history.applicationId(), StoreNames.RELEASE_SCHEDULE);
        List<String> changelogs = history.changelogs().stream().filter(changelog -> !changelog.equals(schedule))
                .toList();
        if (changelogs.isEmpty()) {
            return Optional.empty();
        }
        long held = HeldRecords.in(admin, changelogs, timeout);
        if (held == 0 || !HeldRecords.anyCommitted(config, changelogs, timeout)) {
            return Optional.empty(); // created at a first start that committed nothing
        }
        TopicNames names = config.topicNames();
        if (!history.otherTopics().isEmpty()) {
            return Optional.of(String.format(Locale.ROOT,
                    "this guard's inputs are not the ones it read: it (application.id=%s) has state, its changelogs "
                    + "holding %d offsets, and positions committed on %s, but none on '%s' or '%s'. Were %s or %s "
                    + "changed? A guard keeps reading the topics it decided from: started on others, it would read "
                    + "them from their first record, beside the state of the first ones. Set the topics back; to "
                    + "move a guard to new inputs, start it under a new application.id, its state rebuilt from the "
                    + "new topics (or, to start anyway, set %s=%s).", history.applicationId(), held,
                    history.otherTopics().stream().map(topic -> "'" + topic + "'").collect(Collectors.joining(", ")),
                    names.agreements(), names.orders(), GuardConfig.TOPIC_AGREEMENTS_CONFIG,
                    GuardConfig.TOPIC_ORDERS_CONFIG, GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG,
                    GuardConfig.RETENTION_CHECK_WARN));
        }
        return Optional.of(String.format(Locale.ROOT,
                "this guard's positions on its inputs are gone: it (application.id=%s) has "
                + "state, its changelogs holding %d offsets, but no committed position on '%s' or '%s'. The broker "
                + "deletes a group's positions offsets.retention.minutes (7 days by default) after its last instance "
                + "stopped, or they were deleted. Started, it would read every record the inputs keep again, from "
                + "the first: each order it remembers answered a second time beside its first decision, each one it "
                + "has forgotten (order.ids.retention.ms) decided again and its shares counted twice, each agreement "
                + "version applied again. Set the positions where it stopped before starting it: each partition at "
                + "the time of the last record the guard took from it, not after it (an order of that time read "
                + "again is answered as before; a report is answered DUPLICATE, and an agreement applied again, "
                + "its terms unchanged under a new version: for '%s', take the offset after each partition's last "
                + "sourceOffset on the agreement-audit topic), e.g. kafka-consumer-groups --bootstrap-server "
                + "<servers> --group %s --reset-offsets --topic %s:<partition> --to-datetime <time> --execute, and "
                + "the same for '%s'. One "
                + "time for all partitions skips, for good, the records a partition still had waiting from before "
                + "it (lockup_guard_input_wait_seconds, per partition, said how long they waited); when unsure, set "
                + "them earlier: an order it remembers, read again, is answered as before, one it has forgotten "
                + "(order.ids.retention.ms) decided again. To read every kept record again, set %s=%s.",
                history.applicationId(), held, names.agreements(), names.orders(), names.agreements(),
                history.applicationId(), names.orders(), names.agreements(),
                GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }
}
