package com.lockupguard.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A failure and its causes, outermost first, each once. A walk of causes runs on a failing stream thread, in its
 * exception handler: a cycle of causes (which {@link Throwable#initCause} allows between two exceptions) must end
 * it, not hang the thread, and so does a depth of {@value #MAX_DEPTH}.
 */
public final class FailureCauses {

    static final int MAX_DEPTH = 64;
    static final int ONE_LINE_CHARS = 500;

    private FailureCauses() {
    }

    public static List<Throwable> of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && chain.size() < MAX_DEPTH && seen.add(cause);
                cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    /**
     * {@code failure} and its causes on one line for a log, each as {@code toString} gives it, cut after
     * {@value #ONE_LINE_CHARS} characters: a message may quote a record's bytes.
     */
    public static String oneLine(Throwable failure) {
        String text = of(failure).stream().map(String::valueOf).collect(Collectors.joining("; caused by: "));
        return text.length() <= ONE_LINE_CHARS ? text : text.substring(0, ONE_LINE_CHARS) + "...";
    }

    /** The outermost of {@code failure}'s causes (itself included) that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        return of(failure).stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
