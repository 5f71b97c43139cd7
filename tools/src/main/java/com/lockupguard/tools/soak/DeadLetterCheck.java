package com.lockupguard.tools.soak;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compares the dead letters the guard wrote on the dead-letter topic with those the replay says it writes, by the
 * record's key and the reason the guard gave ({@code lockup-guard.dlq.reason}): a count alone passes a record
 * dead-lettered in place of another, or for another reason.
 */
final class DeadLetterCheck {

    /** A dead letter as compared: the key of the record dead-lettered, and the guard's reason. */
    record Letter(String key, String reason) {
    }

    private static final int LOGGED = 5;

    private final Consumer<String> log;

    /** @param log told the first few differences */
    DeadLetterCheck(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Lost: an expected letter not read; duplicated: a letter read more often than expected; mismatched: a letter
     * the replay never writes, beyond {@code unkeyed}, the records the replay dead-letters without knowing their key
     * and reason (those it does not answer).
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
        return new Tally(actual.size(), lost, duplicated, Math.max(0, unforeseen - unkeyed));
    }

    private void say(String what, Letter letter, long count) {
        if (count <= LOGGED) {
            log.accept(String.format(Locale.ROOT, "dead letter %s: key %s, reason %s", what, letter.key(),
                    letter.reason()));
        }
    }
}
