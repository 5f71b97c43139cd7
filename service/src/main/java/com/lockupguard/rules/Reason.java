package com.lockupguard.rules;

/** Why an order was blocked (RULES.md section 4), declared in the order the checks run. */
public enum Reason {
    INVALID_ORDER,
    DUPLICATE_ORDER_ID,
    UNKNOWN_AGREEMENT,
    LOCKUP_ACTIVE,
    TRANSFER_NOT_PERMITTED,
    NOT_REGISTERED,
    FIRST_RELEASE_CAP,
    PERIOD_CAP,
    TOTAL_CAP
}
