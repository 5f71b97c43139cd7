package com.lockupguard.app;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A topic the guard writes deleted while it runs. Seen on a broker: every transaction that holds an answer for it waits
 * on it, the producer retrying, so that no order is decided, approved or blocked, while Kafka Streams says RUNNING.
 * Started again, the guard creates its missing topics and decides, from its last commit, what it could not.
 */
final class DeletedOutputs {

    private DeletedOutputs() {
    }

    /** Why the guard must stop: a topic it writes is not among {@code existing}. */
    static Optional<String> among(GuardConfig config, Set<String> existing) {
        List<String> missing = config.topicNames().outputs().stream().filter(topic -> !existing.contains(topic))
                .toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        boolean one = missing.size() == 1;
        String named = missing.stream().map(topic -> "'" + topic + "'").collect(Collectors.joining(", "));
        String atStart = config.getBoolean(GuardConfig.TOPICS_CREATE_CONFIG) ? "creates " + (one ? "it" : "them")
                : "refuses to start until " + (one ? "it is" : "they are") + " created (topics.create=false)";
        return Optional.of(String.format(Locale.ROOT,
                "%s the guard writes %s deleted while it ran: %s. Each transaction that holds "
                + "an answer for %s waits on it, so no order is decided. The guard stops. Started again, it %s, and "
                + "decides, from its last commit, the orders it could not.", one ? "a topic" : "topics",
                one ? "was" : "were", named, one ? "it" : "one of them", atStart));
    }
}
