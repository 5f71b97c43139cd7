package com.lockupguard.tools.soak;

import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.topology.DeadLetters;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Compares the dead letters the guard wrote on the dead-letter topic with those the replay says it writes, by the
 * record dead-lettered (its key, and its execution or order id) and the reason the guard gave
 * ({@code lockup-guard.dlq.reason}): a count alone passes a record dead-lettered in place of another, or for another
 * reason.
 */
final class DeadLetterCheck {

    /**
     * A dead letter as compared: the key of the record dead-lettered, its id (a report's execution id, an order's
     * order id; null when it has none, or could not be read), and the guard's reason (null on a dead letter of Kafka
     * Streams', which gives none).
     */
    record Letter(String key, String id, String reason) {

        /** The letter of a record read from the dead-letter topic, whose value, decoded, is {@code record}. */
        static Letter of(String key, Headers headers, SpecificRecord record) {
            String id = record instanceof ExecutionReport report ? report.getExecutionId()
                    : record instanceof ProposedOrder order ? order.getOrderId() : null;
            return new Letter(key, id, DeadLetters.header(headers, DeadLetters.REASON_HEADER).orElse(null));
        }
    }

    private static final int LOGGED = 5;

    private final Consumer<String> log;

    /** @param log told the first few differences */
    DeadLetterCheck(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Lost: an expected letter not read; duplicated: a letter read more often than expected; mismatched: a letter
     * the replay never writes. Up to {@code unkeyed} letters more than expected, of either kind, are taken as the
     * records the replay dead-letters without answering them, whose letters it cannot name.
     */
    Tally deadLetters(Map<Letter, Long> expected, long unkeyed, List<Letter> actual) {
        Map<Letter, Long> unread = new HashMap<>(expected);
        long duplicated = 0;
        long unforeseen = 0;
        for (Letter letter : actual) {
            Long left = unread.get(letter);
            if (left != null && left > 0) {
                unread.put(letter, left - 1);
            } else if (expected.containsKey(letter)) {
                duplicated++;
                say("DUPLICATED", letter, duplicated);
            } else {
                unforeseen++;
                say("UNEXPECTED", letter, unforeseen);
            }
        }
        long lost = 0;
        for (Map.Entry<Letter, Long> entry : unread.entrySet()) {
            if (entry.getValue() > 0) {
                lost += entry.getValue();
                say("LOST", entry.getKey(), lost);
            }
        }
        long unaccounted = Math.max(0, unkeyed - unforeseen);
        return new Tally(actual.size(), lost, Math.max(0, duplicated - unaccounted), Math.max(0, unforeseen - unkeyed));
    }

    private void say(String what, Letter letter, long count) {
        if (count <= LOGGED) {
            log.accept(String.format(Locale.ROOT, "dead letter %s: key %s, id %s, reason %s", what, letter.key(),
                    letter.id(), letter.reason()));
        }
    }
}
