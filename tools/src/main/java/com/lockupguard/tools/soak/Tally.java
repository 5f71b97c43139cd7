package com.lockupguard.tools.soak;

/** What a soak read of one kind of output, and how much of it was missing, doubled or different from the replay. */
public record Tally(long read, long lost, long duplicated, long mismatched) {

    public boolean clean() {
        return lost == 0 && duplicated == 0 && mismatched == 0;
    }
}
