package com.lockupguard.app;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The guard may not do what it must on the Kafka cluster: the message names the principal, each
 * missing permission as "OPERATION on RESOURCE_TYPE 'name' (PATTERN)", and the kafka-acls
 * commands that grant them.
 */
public final class MissingPermissionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String principal;
    private final transient List<KafkaPermission> missing;

    public MissingPermissionException(String principal, List<KafkaPermission> missing, String bootstrapServers,
            Throwable cause) {
        super(message(principal, missing, bootstrapServers), cause);
        this.principal = principal;
        this.missing = List.copyOf(missing);
    }

    private static String message(String principal, List<KafkaPermission> missing, String bootstrapServers) {
        String who = principal == null ? "the guard's principal" : "principal " + principal;
        String needs = missing.stream().map(p -> p.describe() + " (" + p.why() + ")")
                .collect(Collectors.joining("; "));
        return who + " needs " + needs + ". Grant it with:\n"
                + GuardPermissions.commands(missing, principal == null ? "User:<the guard>" : principal,
                        bootstrapServers);
    }

    /** {@code User:name}, or null when it cannot be told from the settings (mTLS, OAUTHBEARER). */
    public String principal() {
        return principal;
    }

    public List<KafkaPermission> missing() {
        return missing;
    }
}
