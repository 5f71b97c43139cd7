package com.lockupguard.topology;

/**
 * A record the guard could read but refuses, with its reason. A processor throws it as its last act, after
 * what it must still write (an audit, an execution result), and {@link ProcessingFailureHandler} sends the
 * record to the dead-letter topic as it was received: its own key and value bytes, written with its
 * producer's schema version, not the guard's re-encoding of what it read. Its name is in the dead letter's
 * {@value DeadLetters#EXCEPTION_HEADER} header, as opposed to a record Kafka Streams could not deserialize.
 * Not a fault: it has no stack trace.
 */
public final class RejectedRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public RejectedRecordException(DeadLetterReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
