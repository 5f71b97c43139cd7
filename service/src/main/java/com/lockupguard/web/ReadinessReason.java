package com.lockupguard.web;

import java.util.Objects;

/**
 * Why the guard is not ready, said twice. {@code detail} is for whoever must fix it: Kafka's and the registry's own
 * words, which name topics, principals, brokers' hosts and the guard's ACLs. {@code summary} is for anyone who can
 * reach /health/ready, which asks for no credential: the kind of trouble, and that the guard's log says the rest.
 *
 * @param summary the kind of trouble, naming nothing of the cluster
 * @param detail  what to fix, as the guard's log says it
 */
public record ReadinessReason(String summary, String detail) {

    public ReadinessReason {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(detail, "detail");
    }

    /** A reason that names nothing of the cluster: the same for everyone. */
    public static ReadinessReason same(String text) {
        return new ReadinessReason(text, text);
    }
}
