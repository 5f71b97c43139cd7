package com.lockupguard.app;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic the guard writes deleted and created again between two looks of its {@link TopicWatch} (by {@code produce},
 * or another program that creates the topics it is given). Unlike one deleted and not created again
 * ({@link DeletedOutputs}), it holds up nothing: seen on a broker, the guard went on deciding onto the new topic.
 * But every record the old topic held is gone, and so are the consumer groups' committed positions on it: a group
 * reading with auto.offset.reset=latest never reads what the guard wrote to the new topic before it came back. The
 * decisions stay right (the state behind them is in the changelogs), so the guard logs it and counts it, as it does
 * a retention that would lose records, and does not stop.
 */
final class RecreatedOutputs {

    private RecreatedOutputs() {
    }

    /** A topic the guard writes found to be another topic than before, and what to say of it. */
    record Recreated(String topic, String message) {
    }

    /**
     * Each topic the guard writes whose topic id is not the one {@code before} holds for it, by name; a topic in only
     * one of the two maps (created since, or deleted) is not one.
     */
    static List<Recreated> since(Map<String, Uuid> before, Map<String, Uuid> now) {
        return now.entrySet().stream().filter(topic -> before.containsKey(topic.getKey())
                && !before.get(topic.getKey()).equals(topic.getValue())).sorted(Map.Entry.comparingByKey())
                .map(topic -> new Recreated(topic.getKey(), String.format(Locale.ROOT,
                        "a topic the guard writes was deleted and created again while it ran: '%s' (topic id %s, "
                        + "now %s). Every record it held before is gone with the old topic; the guard goes on "
                        + "writing to the new one, which holds only what it wrote since. Kafka deleted the consumer "
                        + "groups' committed positions on it too: a group that reads it starts again where its "
                        + "auto.offset.reset says (latest: after what the guard wrote since, which it never reads), "
                        + "and a reader running meanwhile reads on from the position it held. Counted in "
                        + "lockup_guard_topic_problems for %d minutes.", topic.getKey(), before.get(topic.getKey()),
                        topic.getValue(),
                        TopicWatch.RECREATED_COUNTED_FOR.toMinutes())))
                .toList();
    }
}
