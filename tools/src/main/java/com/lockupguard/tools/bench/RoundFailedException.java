package com.lockupguard.tools.bench;

/**
 * A benchmark round could not finish: its topology stopped, or its decisions stopped coming. What it started is
 * closed and no figures are printed: a figure from a round cut short would be wrong.
 */
public final class RoundFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    RoundFailedException(String round, String why) {
        super(round + " failed: " + why);
    }
}
