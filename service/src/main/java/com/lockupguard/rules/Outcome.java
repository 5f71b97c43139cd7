package com.lockupguard.rules;

/** The guard's answer to an order: the whole order, never part of it. */
public enum Outcome {
    APPROVED,
    BLOCKED
}
