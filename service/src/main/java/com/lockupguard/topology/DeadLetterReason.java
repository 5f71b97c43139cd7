package com.lockupguard.topology;

/** Why the guard itself dead-lettered a record it could read (header {@value DeadLetters#REASON_HEADER}). */
public enum DeadLetterReason {
    /** A record without a value: nothing to decide or apply. */
    TOMBSTONE,
    /** The record's key is not its value's holding {@code investorId/securityId}. */
    KEY_MISMATCH,
    /** An agreement that breaks RULES.md section 1: the previous version stays in force. */
    INVALID_AGREEMENT,
    /** A valid agreement that would move the calendar of a holding that has already sold. */
    CALENDAR_LOCKED
}
