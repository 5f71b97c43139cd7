package com.lockupguard.rules;

/** What an execution report says happened to an order (RULES.md section 9). */
public enum ExecutionKind {
    /** Shares changed hands. */
    FILL,
    /** The rest of the order will not trade: cancelled, expired, rejected, done for the day. */
    CANCEL;

    /** The kind named exactly {@code name}, or null when there is none. */
    public static ExecutionKind fromName(String name) {
        if (name == null) {
            return null;
        }
        for (ExecutionKind kind : values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
