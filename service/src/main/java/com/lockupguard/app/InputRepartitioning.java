package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Partitions added to the guard's inputs after its state was built. Kafka puts a key on partition {@code
 * murmur2(key) % count}: with more partitions, many holdings' agreements, orders and execution reports arrive on
 * other partitions than their state, which Kafka Streams cannot move, and would be decided without it (the shares
 * already sold, the approvals still open). The guard refuses to start on such inputs and stops when it sees them
 * change while it runs; Kafka Streams itself only fails its stream threads at the next rebalance, again after each
 * replacement.
 */
final class InputRepartitioning {

    private static final String WHY = "Kafka puts a key on a partition by the partition count, so holdings' orders "
            + "now arrive on other partitions than their state, and would be decided without it (shares sold, "
            + "approvals open). See docs/OPERATIONS.md, 'The partition count is fixed'.";

    private InputRepartitioning() {
    }

    /** Why the guard must stop, when {@code now} (partitions per input) differs from the {@code expected} count. */
    static Optional<String> since(int expected, TopicNames names, Map<String, Integer> now) {
        if (now.values().stream().allMatch(count -> count == expected)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "partitions were added to the guard's inputs while it ran: '%s' has %d and "
                + "'%s' %d, the guard started with %d. The guard stops. %s", names.agreements(),
                now.getOrDefault(names.agreements(), -1), names.orders(), now.getOrDefault(names.orders(), -1),
                expected, WHY));
    }

    /** Why the guard must not start on inputs of {@code partitions}, its state in {@code changelog} of {@code built}. */
    static String atStart(TopicNames names, int partitions, String changelog, int built, String applicationId) {
        return String.format(Locale.ROOT,
                "'%s' and '%s' have %d partitions, but this guard's state (application.id=%s) was built "
                + "for %d: its changelog '%s' has %d. Partitions were added to the inputs after the guard first ran. "
                + "%s", names.agreements(), names.orders(), partitions, applicationId, built, changelog, built, WHY);
    }
}
