package com.lockupguard.tools.replay;

/**
 * An order or execution report the topology dead-lettered instead of answering: the guard would write it to the
 * dead-letter topic, with its error, and go on with the next record; the replay says so and goes on too.
 */
public final class DeadLetteredException extends RuntimeException {

    DeadLetteredException(String what, java.util.List<String> errors) {
        super(what + " was dead-lettered, with no answer: " + String.join("; ", errors));
    }
}
