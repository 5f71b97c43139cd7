package com.lockupguard.rules;

/** How an execution report was taken (RULES.md section 9, in the order the checks run). */
public enum ExecutionResult {
    /** Applied at the holding's evaluation time, which it moved. */
    APPLIED,
    /** The same report again (a transport retry): ignored. */
    DUPLICATE,
    /** An execution id reused with other content: dead-lettered, ignored. */
    DUPLICATE_EXECUTION_ID,
    /** No agreement for the holding: dead-lettered, nothing remembered. */
    UNKNOWN_AGREEMENT,
    /** A missing or bad id, kind, quantity or time: dead-lettered, nothing remembered. */
    INVALID;

    /** Whether a report with this result goes to the dead-letter topic. */
    public boolean isDeadLettered() {
        return this == DUPLICATE_EXECUTION_ID || this == UNKNOWN_AGREEMENT || this == INVALID;
    }
}
