package com.lockupguard.tools.replay;

import com.lockupguard.timeline.ShownText;

/**
 * An order or execution report the topology dead-lettered instead of answering: the guard would write it to the
 * dead-letter topic, with its error, and go on with the next record; the replay says so and goes on too.
 */
public final class DeadLetteredException extends RuntimeException {

    /** {@code what} it is ("order"), its {@code id} (cut as a line's problems cut a value), and the errors. */
    DeadLetteredException(String what, String id, java.util.List<String> errors) {
        super(what + " " + ShownText.of(String.valueOf(id)) + " was dead-lettered, with no answer: "
                + String.join("; ", errors));
    }
}
