package com.lockupguard.cli;

import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.timeline.OneLine;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** A failure as one line for a command's standard error: what a user reads instead of a stack trace. */
public final class FailureText {

    private static final String OUR_PACKAGE = "com.lockupguard.";

    private FailureText() {
    }

    /**
     * {@code failure} and those of its causes that add words, each once. Our own exceptions are shown by their
     * message alone: it is written for the user. Another's shows as {@code toString} gives it. A cause is left out
     * when the line already says what it says, or when it has no message and one of ours already explained the
     * failure (a {@code ConnectException} under "the registry gave no answer (could not connect)").
     */
    public static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(shown(failure));
        boolean explained = explains(failure);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            String message = cause.getMessage();
            boolean silent = message == null || message.isBlank();
            if (silent && explained || !silent && text.indexOf(message) >= 0 || text.indexOf(shown(cause)) >= 0) {
                continue;
            }
            text.append("; caused by: ").append(shown(cause));
            explained |= explains(cause);
        }
        return text.toString();
    }

    /**
     * Why the guard could not start, for {@code cannot start: ...}: a start-up check's own message (topics, schemas,
     * the cluster: it says what to fix), anything else by its {@linkplain #causes causes} (the HTTP port taken, a
     * bootstrap server no name resolves, the registry down); a URL's credentials masked, and no control character but
     * the line breaks of a check's own message.
     */
    public static String ofStart(RuntimeException failure) {
        String message = failure.getMessage();
        boolean check = failure instanceof IllegalStateException && message != null && !message.isBlank();
        // a check's own message may break its lines (the commands that fix it); what a cause quotes of a peer (a
        // registry's page, a broker's error) is written on one line, as the log writes it, and forges no other
        return check ? RegistryClientConfig.shown(OneLine.keepingLineBreaks(message))
                : OneLine.of(RegistryClientConfig.shown(causes(failure)));
    }

    private static String shown(Throwable failure) {
        return explains(failure) ? failure.getMessage() : String.valueOf(failure);
    }

    /** One of ours with a message. */
    private static boolean explains(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName().startsWith(OUR_PACKAGE) && message != null && !message.isBlank();
    }
}
