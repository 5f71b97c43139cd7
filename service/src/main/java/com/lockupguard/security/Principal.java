package com.lockupguard.security;

import java.time.Instant;
import java.util.Set;

/**
 * Who made a request, as its credential says: a subject, the roles it holds, and until when the
 * credential is good ({@code null}: no end, as for a static token).
 *
 * @param kind how the caller proved who it is
 */
public record Principal(String subject, Set<Role> roles, Kind kind, Instant expiresAt) {

    /** How a caller proved who it is. */
    public enum Kind {
        /** No authentication is configured: everyone may do everything (loopback only). */
        ANONYMOUS,
        /** The static development token ({@code api.token}). */
        STATIC_TOKEN,
        /** A verified JWT. */
        JWT,
        /**
         * Another instance of the guard, with the service token ({@code api.service.token}): it may only
         * ask for what instances ask each other (the local part of a holding query or what-if).
         */
        PEER
    }

    public Principal {
        roles = Set.copyOf(roles);
    }

    public static Principal anonymous() {
        return new Principal("anonymous", Set.of(Role.values()), Kind.ANONYMOUS, null);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /**
     * Whom the per-caller limits (tickets, live streams, request bodies) count this caller as: its subject within
     * its kind, so that a JWT whose {@code sub} is {@code api.token} or {@code anonymous} does not share the limits
     * of the static token's holders or of everyone while authentication is off.
     */
    public String caller() {
        return kind.name() + ":" + subject;
    }
}
