package com.lockupguard.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** A failure as one line for a command's standard error: what a user reads instead of a stack trace. */
public final class FailureText {

    private FailureText() {
    }

    /** {@code failure} and each of its causes, as {@code toString} gives them, each once. */
    public static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append("; caused by: ").append(cause);
        }
        return text.toString();
    }
}
