package com.lockupguard.app;

import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The guard's state deleted: the changelogs of its stores gone (by hand, by a tool that removes the topics it does not
 * know of, with another application's topics), after the guard decided orders. Kafka Streams creates a missing
 * changelog again, empty, and restores nothing from it, not even from a local state directory, whose checkpoint no
 * longer matches. The guard would then decide from nothing: every holding's agreement unknown, so each order blocked
 * UNKNOWN_AGREEMENT, until its agreement is sent again; from then on the shares already sold and the approvals still
 * open forgotten, so that it approves more than the agreement allows. Deleted while the guard runs, the changelogs
 * leave its producer retrying the sends to them, and no order is decided.
 */
public final class LostState {

    private LostState() {
    }

    /**
     * Why the guard must not start: Kafka Streams committed its positions on the inputs, after deciding, but a
     * changelog every guard keeps ({@link StoreNames#alwaysKept()}) is missing.
     */
    public static Optional<String> atStart(GuardConfig config, GuardHistory history) {
        Map<TopicPartition, Long> decided = history.decidedUpTo();
        if (decided.isEmpty()) {
            return Optional.empty();
        }
        List<String> missing = StoreNames.alwaysKept().stream()
                .map(store -> StoreNames.changelogTopic(history.applicationId(), store))
                .filter(changelog -> !history.changelogs().contains(changelog)).toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        long offsets = decided.values().stream().mapToLong(Long::longValue).sum();
        TopicNames names = config.topicNames();
        boolean holdingsGone = missing.contains(StoreNames.changelogTopic(history.applicationId(),
                StoreNames.HOLDING_STATE));
        return Optional.of(String.format(Locale.ROOT,
                "this guard's state is gone: it (application.id=%s) has decided here, "
                + "Kafka Streams having committed its positions on '%s' and '%s' (%d offsets in all), but its "
                + "changelog%s %s %s missing, deleted since it last ran. Started, it would %s %s To start from empty "
                + "state anyway, set %s=%s.", history.applicationId(), names.agreements(), names.orders(), offsets,
                missing.size() == 1 ? "" : "s", quoted(missing), missing.size() == 1 ? "is" : "are",
                holdingsGone ? HOLDINGS_FORGOTTEN : ORDERS_FORGOTTEN, rebuild(history.applicationId(), names),
                GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }

    /**
     * Why the guard must not start: Kafka Streams has no position of its own on the inputs (they are gone, or were set
     * by hand, which carries none of its metadata), so {@link #atStart}, {@link #emptied} and {@link #holdingsEmptied}
     * cannot tell that the guard decided; but a changelog of its still holds committed state while one every guard
     * keeps is missing, or was never written though the topic written with it holds records (deleted and created
     * again). Kafka's reset tool, the one way to start afresh that sets positions by hand, deletes every changelog;
     * positions set where the guard stopped, as {@link LostPositions} asks, would otherwise let it start with part of
     * its state deleted.
     *
     * @param existing the cluster's topics
     */
    public static Optional<String> besidePositionsNotItsOwn(Admin admin, GuardConfig config, GuardHistory history,
            Set<String> existing, Duration timeout) throws InterruptedException {
        if (!history.decidedUpTo().isEmpty()) {
            return Optional.empty(); // the other checks' case
        }
        String applicationId = history.applicationId();
        TopicNames names = config.topicNames();
        String holdings = StoreNames.changelogTopic(applicationId, StoreNames.HOLDING_STATE);
        String seenOrders = StoreNames.changelogTopic(applicationId, StoreNames.SEEN_ORDERS);
        List<String> lost = new ArrayList<>();
        List<String> how = new ArrayList<>();
        for (String changelog : List.of(holdings, seenOrders)) {
            String output = changelog.equals(holdings) ? names.positions() : names.approved();
            if (!history.changelogs().contains(changelog)) {
                lost.add(changelog);
                how.add("'" + changelog + "' is missing");
            } else if (existing.contains(output)
                    && writtenWithoutItsChangelog(admin, config, output, changelog, timeout)) {
                lost.add(changelog);
                how.add("'" + changelog + "' was never written, though '" + output + "', written with it, holds "
                        + "records (it was deleted and created again)");
            }
        }
        // the release schedule's is marked at a task's first start, before it has read a record: no sign of deciding
        String schedule = StoreNames.changelogTopic(applicationId, StoreNames.RELEASE_SCHEDULE);
        List<String> kept = history.changelogs().stream()
                .filter(changelog -> !lost.contains(changelog) && !changelog.equals(schedule)).toList();
        if (lost.isEmpty() || kept.isEmpty()) {
            return Optional.empty();
        }
        long held = HeldRecords.in(admin, kept, timeout);
        if (held == 0 || !HeldRecords.anyCommitted(config, kept, timeout)) {
            return Optional.empty(); // a reset's new changelogs, or a first start's
        }
        return Optional.of(String.format(Locale.ROOT,
                "this guard's state is gone in part: it (application.id=%s) has %s on '%s' and '%s', but its "
                + "changelog%s %s still hold%s its state (%d offsets), while %s. Started, it would %s %s To start from "
                + "this state anyway, set %s=%s.",
                applicationId, history.positions().isEmpty() ? "no committed position"
                        : "only positions set by hand (without Kafka Streams' metadata)",
                names.agreements(), names.orders(), kept.size() == 1 ? "" : "s", quoted(kept),
                kept.size() == 1 ? "s" : "", held, String.join(" and ", how),
                lost.contains(holdings) ? HOLDINGS_FORGOTTEN : ORDERS_FORGOTTEN, rebuild(applicationId, names),
                GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }

    /** What a guard that lost its holdings' states would do (with or without the orders it remembered). */
    private static final String HOLDINGS_FORGOTTEN = "decide from nothing: every order blocked UNKNOWN_AGREEMENT until "
            + "its agreement is sent again, and then the shares already sold and the approvals still open forgotten, "
            + "so that it approves more than the agreements allow.";
    /** What a guard that lost the orders it remembered, but not its holdings' states, would do. */
    private static final String ORDERS_FORGOTTEN = "have forgotten every order it decided and every approval still "
            + "open, though not what its holdings sold: an order sent again decided again and its shares counted "
            + "twice, the fills and cancels of open approvals no longer met by their reservations.";

    /**
     * Why the guard must not start: Kafka Streams committed its positions on the orders, and the approved topic holds
     * approvals, each of which was remembered in the {@code seen-orders} changelog in the transaction that wrote it;
     * but that changelog has never been written. It was deleted and created again since the guard decided: by hand,
     * by a tool that creates the topics it manages, by an instance started meanwhile with the check set to warn.
     * (Its state has no other sign of it: the changelog is there, and Kafka Streams restores it, empty.)
     *
     * @param existing the cluster's topics
     */
    public static Optional<String> emptied(Admin admin, GuardConfig config, GuardHistory history,
            Set<String> existing, Duration timeout) throws InterruptedException {
        TopicNames names = config.topicNames();
        String seenOrders = StoreNames.changelogTopic(history.applicationId(), StoreNames.SEEN_ORDERS);
        long decidedOrders = history.decidedUpTo().entrySet().stream()
                .filter(position -> position.getKey().topic().equals(names.orders()))
                .mapToLong(Map.Entry::getValue).sum();
        if (decidedOrders == 0 || !history.changelogs().contains(seenOrders) || !existing.contains(names.approved())
                || !writtenWithoutItsChangelog(admin, config, names.approved(), seenOrders, timeout)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "this guard's state is gone: it (application.id=%s) has decided here, Kafka "
                + "Streams having committed its positions on '%s' (%d offsets in all), and '%s' holds approvals, each "
                + "remembered in the changelog '%s' as it was sent; but that changelog has never been written: it was "
                + "deleted and created again since the guard decided (by hand, by a tool that creates the topics it "
                + "manages; or, if it has decided no valid order since, by a start with %s=%s or by "
                + "kafka-streams-application-reset). Started, it would have forgotten every "
                + "order it decided and every approval still open: an order sent again decided again and its shares "
                + "counted twice, the fills and cancels of open approvals no longer met by their reservations. %s To "
                + "start from this state anyway, set %s=%s.", history.applicationId(), names.orders(), decidedOrders,
                names.approved(), seenOrders, GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG,
                GuardConfig.RETENTION_CHECK_WARN, rebuild(history.applicationId(), names),
                GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }

    /**
     * Why the guard must not start: Kafka Streams committed its positions on the inputs, and the positions topic holds
     * positions, each published in the transaction that wrote its holding's state to the {@code holding-state}
     * changelog (a position is published only with the state it describes); but that changelog has never been
     * written. It was deleted and created again since the guard decided, as {@link #emptied} finds of the remembered
     * orders. (Its approvals cannot tell: a purchase is approved without any holding state, and a guard without the
     * API is not granted READ on them; the agreement audit records rejected versions too.)
     *
     * @param existing the cluster's topics
     */
    public static Optional<String> holdingsEmptied(Admin admin, GuardConfig config, GuardHistory history,
            Set<String> existing, Duration timeout) throws InterruptedException {
        TopicNames names = config.topicNames();
        String holdings = StoreNames.changelogTopic(history.applicationId(), StoreNames.HOLDING_STATE);
        long decided = history.decidedUpTo().values().stream().mapToLong(Long::longValue).sum();
        if (decided == 0 || !history.changelogs().contains(holdings) || !existing.contains(names.positions())
                || !writtenWithoutItsChangelog(admin, config, names.positions(), holdings, timeout)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "this guard's state is gone: it (application.id=%s) has decided here, Kafka "
                + "Streams having committed its positions on '%s' and '%s' (%d offsets in all), and '%s' holds the "
                + "holdings' positions, each published with the holding's state written to the changelog '%s'; but "
                + "that changelog has never been written: it was deleted and created again since the guard decided "
                + "(by hand, by a tool that creates the topics it manages; or, if it has applied no agreement and "
                + "approved no sale since, by a start with %s=%s or by kafka-streams-application-reset). Started, it "
                + "would decide from nothing: every order blocked UNKNOWN_AGREEMENT until its agreement is sent "
                + "again, and then the shares already sold forgotten, so that it approves more than the agreements "
                + "allow. %s To start from this state anyway, set %s=%s.", history.applicationId(), names.agreements(),
                names.orders(), decided, names.positions(), holdings, GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG,
                GuardConfig.RETENTION_CHECK_WARN, rebuild(history.applicationId(), names),
                GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }

    /**
     * Whether {@code output} holds records though {@code changelog}, written in the transaction of each, never was.
     * Offsets first: DESCRIBE is all they need. Both are sent at the commit, to different partitions, so a guard
     * stopped while sending its first such transaction can leave the output's record, aborted, without its
     * changelog's: then the output is read, where the guard may (with the API), for a committed record.
     */
    private static boolean writtenWithoutItsChangelog(Admin admin, GuardConfig config, String output,
            String changelog, Duration timeout) throws InterruptedException {
        return !HeldRecords.everWritten(admin, changelog, timeout)
                && HeldRecords.in(admin, List.of(output), timeout) > 0
                && HeldRecords.committedOrUnreadable(config, output, timeout);
    }

    /**
     * Why the guard must stop: a changelog it had, by topic id ({@code before}), is gone or is another topic now
     * ({@code now}: the guard's changelogs as they are).
     */
    static Optional<String> since(String applicationId, TopicNames names, Map<String, Uuid> before,
            Map<String, Uuid> now) {
        List<String> changes = new ArrayList<>();
        new TreeMap<>(before).forEach((changelog, id) -> {
            Uuid current = now.get(changelog);
            if (current == null) {
                changes.add("'" + changelog + "' was deleted");
            } else if (!current.equals(id)) {
                changes.add("'" + changelog + "' was deleted and created again");
            }
        });
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the guard's state was deleted while it ran: " + String.join(", ", changes) + ". Its "
                + "stores can no longer be written, so no order is decided, and a changelog Kafka Streams creates "
                + "again is empty: a guard restored from it decides from nothing. The guard stops. " + rebuild(
                applicationId, names));
    }

    /** How to build the state again: from the inputs, by Kafka's own reset tool. */
    private static String rebuild(String applicationId, TopicNames names) {
        return String.format(Locale.ROOT,
                "To rebuild the state from the inputs, which must still hold every agreement and order "
                + "(an orders topic that deletes by time or size does not), stop every instance, delete its "
                + "state.dir, and run kafka-streams-application-reset --bootstrap-server <servers> --application-id "
                + "%s --input-topics %s,%s: the guard then decides every order kept again, from the first, and "
                + "writes a second decision for each beside the first.", applicationId, names.agreements(),
                names.orders());
    }

    private static String quoted(List<String> topics) {
        return topics.stream().map(topic -> "'" + topic + "'").collect(Collectors.joining(" and "));
    }
}
