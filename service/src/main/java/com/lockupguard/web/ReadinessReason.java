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

    /** The kind of trouble when Kafka refuses the guard an ACL it needs, wherever the guard meets it. */
    public static final String KAFKA_DENIES = "Kafka denies the guard a permission it needs";
    /** The kind of trouble when the schema registry refuses the guard's credentials (401, 403). */
    public static final String REGISTRY_REFUSES = "the schema registry refused the guard's credentials";

    public ReadinessReason {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(detail, "detail");
    }

    /** A reason that names nothing of the cluster: the same for everyone. */
    public static ReadinessReason same(String text) {
        return new ReadinessReason(text, text);
    }
}
