package com.lockupguard.topology;

/**
 * What the guard's own dead letters name in their {@value DeadLetters#EXCEPTION_HEADER} header: a
 * record the guard could read but refused (its reason in {@value DeadLetters#REASON_HEADER}), as
 * opposed to one Kafka Streams could not deserialize. Never thrown; a type for consumers that group
 * dead letters by exception.
 */
public final class RejectedRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RejectedRecordException(String message) {
        super(message, null, false, false);
    }
}
