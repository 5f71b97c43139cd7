package com.lockupguard.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

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
    /**
     * Outstanding tickets per caller ({@link Principal#caller()}), at most: one caller flooding the ticket endpoint
     * cannot take the live feed from everyone else (a page holds one ticket for the moment it takes to connect).
     */
    static final int MAX_PER_SUBJECT = 100;

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
    private final Map<String, Issued> outstanding = new HashMap<>();
    private final Map<String, Integer> perCaller = new HashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final int maxOutstanding;
    private final int maxPerSubject;

    public SseTickets(Clock clock) {
        this(clock, TTL, MAX_OUTSTANDING, MAX_PER_SUBJECT);
    }

    SseTickets(Clock clock, Duration ttl, int maxOutstanding, int maxPerSubject) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxOutstanding = maxOutstanding;
        this.maxPerSubject = maxPerSubject;
    }

    /** A new ticket for {@code principal}; null when too many are outstanding (the caller answers 429). */
    public synchronized Ticket issue(Principal principal) {
        Instant now = clock.instant();
        String caller = principal.caller();
        if (full(caller)) {
            forgetExpired(now);
            if (full(caller)) {
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
        perCaller.merge(caller, 1, Integer::sum);
        return new Ticket(value, expiresAt);
    }

    /**
     * How long until {@code principal} can be issued a ticket, when it cannot now: until the first of its own
     * outstanding tickets expires (or, with every caller's places taken, the first of anyone's); zero if it can now.
     * A ticket redeemed before then frees a place sooner.
     */
    public synchronized Duration untilAPlace(Principal principal) {
        Instant now = clock.instant();
        forgetExpired(now);
        String caller = principal.caller();
        boolean ownPlacesTaken = perCaller.getOrDefault(caller, 0) >= maxPerSubject;
        if (!ownPlacesTaken && outstanding.size() < maxOutstanding) {
            return Duration.ZERO;
        }
        return outstanding.values().stream()
                .filter(issued -> !ownPlacesTaken || issued.principal().caller().equals(caller))
                .map(Issued::expiresAt).min(Instant::compareTo)
                .map(first -> Duration.between(now, first)).orElse(Duration.ZERO);
    }

    /** The principal a live ticket was issued to, without spending it; nothing for a spent or expired one. */
    public synchronized Optional<Principal> holder(String value) {
        Issued issued = value == null ? null : outstanding.get(key(value));
        return issued == null || !issued.expiresAt().isAfter(clock.instant()) ? Optional.empty()
                : Optional.of(issued.principal());
    }

    /** The principal a ticket was issued to; the ticket is spent either way. */
    public synchronized Principal redeem(String value) throws AuthenticationException {
        Issued issued = value == null ? null : outstanding.remove(key(value));
        if (issued != null) {
            uncount(issued);
        }
        if (issued == null || !issued.expiresAt().isAfter(clock.instant())) {
            throw new AuthenticationException(AuthFailure.TICKET);
        }
        return issued.principal();
    }

    synchronized int outstanding() {
        return outstanding.size();
    }

    private boolean full(String caller) {
        return outstanding.size() >= maxOutstanding || perCaller.getOrDefault(caller, 0) >= maxPerSubject;
    }

    private void forgetExpired(Instant now) {
        for (Iterator<Issued> it = outstanding.values().iterator(); it.hasNext(); ) {
            Issued issued = it.next();
            if (!issued.expiresAt().isAfter(now)) {
                it.remove();
                uncount(issued);
            }
        }
    }

    private void uncount(Issued issued) {
        perCaller.computeIfPresent(issued.principal().caller(), (caller, count) -> count == 1 ? null : count - 1);
    }

    private static String key(String value) {
        return Base64.getEncoder().encodeToString(StaticToken.sha256(value));
    }
}
