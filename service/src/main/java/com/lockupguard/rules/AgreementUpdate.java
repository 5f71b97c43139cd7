package com.lockupguard.rules;

/** What happens when a valid agreement version arrives for a holding. */
public sealed interface AgreementUpdate {

    /** The version is in force from now on; the holding's counters and clock carried over. */
    record Applied(HoldingState state) implements AgreementUpdate {
    }

    /** The version is not applied; the previous one stays in force. */
    record Rejected(String reason) implements AgreementUpdate {
    }
}
