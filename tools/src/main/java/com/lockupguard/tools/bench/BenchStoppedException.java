package com.lockupguard.tools.bench;

/** A benchmark was asked to stop (Ctrl-C) before its figures were in: what it started is closed, nothing printed. */
public final class BenchStoppedException extends Exception {

    private static final long serialVersionUID = 1L;

    BenchStoppedException() {
        super("the benchmark was stopped before its figures were in");
    }

    /** Throws when {@code stopRequested} says so: checked between two steps, and while waiting. */
    static void check(java.util.function.BooleanSupplier stopRequested) throws BenchStoppedException {
        if (stopRequested.getAsBoolean()) {
            throw new BenchStoppedException();
        }
    }
}
