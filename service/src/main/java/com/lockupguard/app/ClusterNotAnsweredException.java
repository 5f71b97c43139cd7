package com.lockupguard.app;

import java.time.Duration;

/**
 * No broker answered an admin request within its time. Said at start (the message asks whether
 * {@code bootstrap.servers} is right), and while the guard runs, when the cluster it reached before is down or out of
 * reach ({@link #plainly()}: the same address cannot have become wrong).
 */
public final class ClusterNotAnsweredException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String plainly;

    public ClusterNotAnsweredException(Duration waited, Throwable cause) {
        this(plainly(waited), cause);
    }

    private ClusterNotAnsweredException(String plainly, Throwable cause) {
        super(plainly + ": is bootstrap.servers right and the cluster up?", cause);
        this.plainly = plainly;
    }

    /**
     * No name in {@code servers} (bootstrap.servers) resolved: from here, no broker can answer (a check run where the
     * cluster's names are not known, a CI runner say, is not refused for it).
     */
    public static ClusterNotAnsweredException unresolved(String servers, Throwable cause) {
        return new ClusterNotAnsweredException("no name in bootstrap.servers (" + servers + ") resolves from here",
                cause);
    }

    /** What happened, without the start's question. */
    public String plainly() {
        return plainly;
    }

    /** "Kafka did not answer within 10 s", in milliseconds below a second (which whole seconds would call 0 s). */
    private static String plainly(Duration waited) {
        return "Kafka did not answer within " + (waited.compareTo(Duration.ofSeconds(1)) < 0
                ? waited.toMillis() + " ms" : waited.toSeconds() + " s");
    }
}
