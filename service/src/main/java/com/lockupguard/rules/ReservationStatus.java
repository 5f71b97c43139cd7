package com.lockupguard.rules;

/** Where an approved disposition's reservation stands (RULES.md section 9). */
public enum ReservationStatus {
    /** Some of it may still fill. */
    OPEN,
    /** Fills (or shares taken back by a fill in a later window) used it up. */
    FILLED,
    /** A CANCEL report released its rest. */
    CANCELLED
}
