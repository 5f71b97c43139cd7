package com.lockupguard.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other instances this one could not reach when it last asked them for their holdings. A rebalance makes that
 * brief; an instance whose {@code http.advertised.host} the others cannot reach makes it last, every query of its
 * holdings a 503 on every other instance while each says it is ready. So the first failure is logged, and again
 * every {@link #REMEMBERED} while they go on, and {@link #count} feeds {@code lockup_guard_api_peers_unreachable}.
 */
final class UnreachablePeers {

    private static final Logger LOG = LoggerFactory.getLogger(UnreachablePeers.class);
    /** How long a failure counts with no other since, and how often one that goes on is logged again. */
    static final Duration REMEMBERED = Duration.ofMinutes(5);

    /** When asking each instance last failed ({@link System#nanoTime}), by instance. */
    private final Map<String, Long> failing = new ConcurrentHashMap<>();
    /** When each kind of trouble with an instance was last told of, by instance and kind. */
    private final Map<String, Long> told = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    UnreachablePeers() {
        this(System::nanoTime);
    }

    UnreachablePeers(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** {@code peer} ({@code host:port}) could not be reached, for {@code why}. */
    void failed(String peer, String why) {
        failed(peer, why, false);
    }

    /**
     * {@code peer} could not be reached, or ({@code tookTheRequest}) took the request and did not answer in time: hung
     * or overloaded, not misaddressed. Counted alike: asking it fails either way.
     */
    void failed(String peer, String why, boolean tookTheRequest) {
        boolean tell = remembered(peer, tookTheRequest ? Kind.SLOW : Kind.UNREACHED);
        if (tell && tookTheRequest) {
            LOG.warn("instance {} took a request for its holdings and {}: each query of them here answers 503 until "
                    + "it answers in time. If this lasts, is it overloaded, stopped, or pausing for garbage "
                    + "collection (its log and its JVM's metrics)?", peer, why);
        } else if (tell && why.endsWith("?")) {
            // the reason asks what to check already (a name that does not resolve, a certificate refused)
            LOG.warn("instance {} cannot be reached ({}): asking it for its holdings fails, and each query of them "
                    + "here answers 503, until it can be", peer, why);
        } else if (tell) {
            LOG.warn("instance {} cannot be reached ({}): asking it for its holdings fails, and each query of them "
                    + "here answers 503, until it can be. If this lasts, is its http.advertised.host (and "
                    + "http.port) an address this instance can reach?", peer, why);
        }
    }

    /**
     * {@code peer} refused the service credential this instance asks it with ({@code status}, in {@code its} words):
     * the instances' {@code api.service.token} or {@code api.auth.*} settings differ, and asking it fails until they
     * agree. Counted and told as an instance that cannot be reached is: the refusing one says no more than a DEBUG
     * line and a count among its refused credentials.
     */
    void refused(String peer, int status, String its) {
        boolean tell = remembered(peer, Kind.REFUSED);
        if (tell) {
            LOG.warn("instance {} refuses this instance's service credential ({}{}): asking it for its holdings fails, "
                    + "and each query of them here answers 502, until every instance has the same api.service.token "
                    + "and api.auth.* settings", peer, status, its == null ? "" : ": " + its);
        }
    }

    /**
     * {@code peer} refused a caller's own credential ({@code status}, in {@code its} words), passed on for want of a
     * service token, which this instance let in: not counted (the peer answers, and the caller is told), but said
     * at most every {@link #REMEMBERED} for each instance, since a refusal that lasts means the instances'
     * {@code api.auth.*} settings differ, which only the callers would see otherwise.
     */
    void refusedCallers(String peer, int status, String its) {
        if (toldNow(peer, Kind.CALLERS_REFUSED)) {
            LOG.warn("instance {} refused a caller's credential that this instance let in ({}{}): once in a while "
                    + "this is a key rotated that it has not fetched yet, or a token expiring between the two checks; "
                    + "if it lasts, the instances' api.auth.* settings differ (issuer, audience, keys, roles)", peer,
                    status, its == null ? "" : ": " + its);
        }
    }

    /** Remembers that asking {@code peer} failed now, for a reason of {@code kind}; whether to tell of it now. */
    private boolean remembered(String peer, Kind kind) {
        failing.put(peer, nanos.getAsLong());
        return toldNow(peer, kind);
    }

    /**
     * Whether to tell now of trouble of {@code kind} with {@code peer}: the first time, and again at most every
     * {@link #REMEMBERED}, for each kind apart, so that a trouble of another kind is told at once (seen in a review: an
     * instance that refused the service token and then presented a certificate refused in TLS was not logged again
     * for five minutes) while one that flaps between two kinds (a connection timing out, then a request) is told at
     * most twice in that time, not at every failure.
     */
    private boolean toldNow(String peer, Kind kind) {
        long now = nanos.getAsLong();
        boolean[] tell = new boolean[1];
        told.compute(peer + " " + kind, (key, at) -> {
            tell[0] = at == null || now - at >= REMEMBERED.toNanos();
            return tell[0] ? now : at;
        });
        return tell[0];
    }

    /** Why asking an instance failed, as far as telling of it goes. */
    private enum Kind {
        /** Not reached: refused, unresolved, refused in TLS, a proxy's page. */
        UNREACHED,
        /** Reached, but did not answer in time. */
        SLOW,
        /** Answered, refusing the service credential. */
        REFUSED,
        /** Answered, refusing a caller's own credential. */
        CALLERS_REFUSED
    }

    /** {@code peer} answered: it is reached again. */
    void answered(String peer) {
        if (failing.remove(peer) != null) {
            LOG.info("instance {} is reached again", peer);
        }
    }

    /** The instances that could not be reached when last asked, within the past {@link #REMEMBERED}. */
    int count() {
        long now = nanos.getAsLong();
        failing.entrySet().removeIf(peer -> now - peer.getValue() >= REMEMBERED.toNanos());
        told.entrySet().removeIf(trouble -> now - trouble.getValue() >= REMEMBERED.toNanos());
        return failing.size();
    }
}
