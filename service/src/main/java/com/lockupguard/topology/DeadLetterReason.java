package com.lockupguard.topology;

/**
 * Why a record was dead-lettered: the guard's own refusals of records it could read (header
 * {@value DeadLetters#REASON_HEADER}), and the two kinds Kafka Streams dead-letters itself, with its exception in
 * the headers but no reason header ({@link #UNDECODABLE}, {@link #PROCESSING_FAILURE}). Each is counted under its
 * reason, so that one metric shows every dead letter.
 */
public enum DeadLetterReason {
    /**
     * A record that cannot be deserialized: not the wire format, an unknown schema id, a schema the guard's type
     * cannot read, truncated Avro (a producer's bug, or another application's record on the topic).
     */
    UNDECODABLE,
    /** A record whose processing threw an unexpected exception (a defect of the guard, logged with its stack). */
    PROCESSING_FAILURE,
    /** A record without a value: nothing to decide or apply. */
    TOMBSTONE,
    /** The record's key is not its value's holding {@code investorId/securityId}. */
    KEY_MISMATCH,
    /** An agreement that breaks RULES.md section 1: the previous version stays in force. */
    INVALID_AGREEMENT,
    /** A valid agreement that would move the calendar of a holding that has already sold. */
    CALENDAR_LOCKED,
    /**
     * An order, an execution report or an agreement on a partition other than its key's (a producer that does not
     * use Kafka's murmur2 partitioner): taken there it would meet another task's state, so it never is.
     */
    WRONG_PARTITION,
    /** An execution report with a missing or bad field (RULES.md section 9, check 1). */
    INVALID_EXECUTION,
    /** An execution id reused with other content (section 9, check 2): the first report stands. */
    DUPLICATE_EXECUTION_ID,
    /** An execution report for a holding without an agreement (section 9, check 3). */
    UNKNOWN_AGREEMENT,
    /**
     * An order whose decision is larger than the guard's producer may send ({@code max.request.size}): an invalid one
     * that only just fitted on the orders topic, its id most of its bytes. Not decided; nothing changes.
     */
    DECISION_TOO_LARGE,
    /**
     * An order or execution report whose key and headers leave no room, within {@code max.request.size}, for an
     * answer that carries them (decisions, results and alerts carry their record's key and headers), or an agreement
     * whose key leaves none for its audit record. Not decided, applied or audited.
     */
    KEY_OR_HEADERS_TOO_LARGE
}
