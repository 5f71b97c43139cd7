package com.lockupguard.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other instances this one could not reach when it last asked them for their holdings. A rebalance makes that
 * brief, and so does an instance stopping (its web server closes before it leaves the group); an instance whose
 * {@code http.advertised.host} the others cannot reach makes it last, every query of its holdings a 503 on every
 * other instance while each says it is ready. So a connection that fails is logged at INFO, and at WARN once it has
 * failed for {@link #BRIEF}, and again every {@link #REMEMBERED} while it goes on; a failure that says what to check
 * (a name that does not resolve, a certificate refused), a refused credential, or an instance that took the request
 * and did not answer is logged at WARN at once. {@link #count} feeds {@code lockup_guard_api_peers_unreachable}.
 */
final class UnreachablePeers {

    private static final Logger LOG = LoggerFactory.getLogger(UnreachablePeers.class);
    /** How long a failure counts with no other since, and how often one that goes on is logged again. */
    static final Duration REMEMBERED = Duration.ofMinutes(5);
    /**
     * How long connections to an instance may fail before it is warned of: an instance stopping is refused for a
     * second or two before it leaves the group, and a rolling restart would otherwise warn of every instance.
     */
    static final Duration BRIEF = Duration.ofSeconds(30);

    /** When asking each instance last failed ({@link System#nanoTime}), by instance. */
    private final Map<String, Long> failing = new ConcurrentHashMap<>();
    /** When each instance's connections began to fail, with no answer since, by instance. */
    private final Map<String, Long> unreachedSince = new ConcurrentHashMap<>();
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
        long failingFor = failingFor(peer);
        if (tookTheRequest) {
            if (toldNow(peer, Kind.SLOW)) {
                LOG.warn("instance {} took a request for its holdings and {}: each query of them here answers 503 "
                        + "until it answers in time. If this lasts, is it overloaded, stopped, or pausing for garbage "
                        + "collection (its log and its JVM's metrics)?", peer, why);
            }
        } else if (why.endsWith("?")) {
            // the reason asks what to check already (a name that does not resolve, a certificate refused)
            if (toldNow(peer, Kind.UNREACHED)) {
                LOG.warn("instance {} cannot be reached ({}): asking it for its holdings fails, and each query of "
                        + "them here answers 503, until it can be", peer, why);
            }
        } else if (failingFor < BRIEF.toNanos()) {
            if (toldNow(peer, Kind.UNREACHED_BRIEFLY)) {
                LOG.info("instance {} cannot be reached ({}): asking it for its holdings fails, and each query of "
                        + "them here answers 503, until it can be (an instance stopping, or restarting); warned of "
                        + "if it lasts {} s", peer, why, BRIEF.toSeconds());
            }
        } else if (toldNow(peer, Kind.UNREACHED)) {
            LOG.warn("instance {} cannot be reached ({}), for {} s now: asking it for its holdings fails, and each "
                    + "query of them here answers 503, until it can be. Is it down (an instance restarting under its "
                    + "group.instance.id stays in the group), or is its http.advertised.host (and http.port) not an "
                    + "address this instance can reach?", peer, why,
                    java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(failingFor));
        }
    }

    /**
     * Remembers that asking {@code peer} failed now; how long it has failed, from the first failure since it last
     * answered, with no gap of {@link #REMEMBERED} between failures.
     */
    private long failingFor(String peer) {
        long now = nanos.getAsLong();
        Long previous = failing.put(peer, now);
        boolean goesOn = previous != null && now - previous < REMEMBERED.toNanos();
        long since = unreachedSince.compute(peer, (key, first) -> first == null || !goesOn ? now : first);
        return now - since;
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
        /** Not reached, for less than {@link #BRIEF}. */
        UNREACHED_BRIEFLY,
        /** Reached, but did not answer in time. */
        SLOW,
        /** Answered, refusing the service credential. */
        REFUSED,
        /** Answered, refusing a caller's own credential. */
        CALLERS_REFUSED
    }

    /** {@code peer} answered: it is reached again. */
    void answered(String peer) {
        unreachedSince.remove(peer);
        if (failing.remove(peer) != null) {
            LOG.info("instance {} is reached again", peer);
        }
    }

    /** The instances that could not be reached when last asked, within the past {@link #REMEMBERED}. */
    int count() {
        long now = nanos.getAsLong();
        failing.entrySet().removeIf(peer -> now - peer.getValue() >= REMEMBERED.toNanos());
        unreachedSince.keySet().retainAll(failing.keySet());
        told.entrySet().removeIf(trouble -> now - trouble.getValue() >= REMEMBERED.toNanos());
        return failing.size();
    }
}
