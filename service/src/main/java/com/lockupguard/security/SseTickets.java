package com.lockupguard.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use tickets for the live feed. A browser's {@code EventSource} cannot send
 * an {@code Authorization} header, and a long-lived bearer token must not go into a URL (access
 * logs, proxies, history): the page trades its token for a ticket ({@code POST /api/events/ticket})
 * and opens {@code /api/events?ticket=...}. A ticket is 256 random bits, good once, for the event
 * stream only, for {@link #TTL} at most and never beyond its token's own expiry; only its SHA-256
 * is kept, in this instance's memory.
 */
public final class SseTickets {

    public static final Duration TTL = Duration.ofSeconds(30);
    /** Outstanding tickets per instance, at most: a flood of ticket requests cannot fill the memory. */
    static final int MAX_OUTSTANDING = 10_000;

    /** A ticket as handed out: its value (once) and when it lapses. */
    public record Ticket(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Ticket[expiresAt=" + expiresAt + "]";
        }
    }

    private record Issued(Principal principal, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> outstanding = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final int maxOutstanding;

    public SseTickets(Clock clock) {
        this(clock, TTL, MAX_OUTSTANDING);
    }

    SseTickets(Clock clock, Duration ttl, int maxOutstanding) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxOutstanding = maxOutstanding;
    }

    /** A new ticket for {@code principal}; null when too many are outstanding (the caller answers 429). */
    public Ticket issue(Principal principal) {
        Instant now = clock.instant();
        if (outstanding.size() >= maxOutstanding) {
            outstanding.values().removeIf(issued -> !issued.expiresAt().isAfter(now));
            if (outstanding.size() >= maxOutstanding) {
                return null;
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = now.plus(ttl);
        if (principal.expiresAt() != null && principal.expiresAt().isBefore(expiresAt)) {
            expiresAt = principal.expiresAt();
        }
        outstanding.put(key(value), new Issued(principal, expiresAt));
        return new Ticket(value, expiresAt);
    }

    /** The principal a ticket was issued to; the ticket is spent either way. */
    public Principal redeem(String value) throws AuthenticationException {
        Issued issued = value == null ? null : outstanding.remove(key(value));
        if (issued == null || !issued.expiresAt().isAfter(clock.instant())) {
            throw new AuthenticationException(AuthFailure.TICKET);
        }
        return issued.principal();
    }

    int outstanding() {
        return outstanding.size();
    }

    private static String key(String value) {
        return Base64.getEncoder().encodeToString(StaticToken.sha256(value));
    }
}
