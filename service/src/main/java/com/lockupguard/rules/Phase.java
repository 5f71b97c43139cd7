package com.lockupguard.rules;

/** The agreement window an instant falls in (RULES.md section 2). */
public enum Phase {
    /** Before the First Release instant: nothing may be disposed of. */
    LOCKUP,
    /** From the First Release instant to the start of the Second Release Date: public sales only. */
    FIRST,
    /** Fixed blocks of trancheDays anchored at the Second Release Date. */
    PERIOD
}
