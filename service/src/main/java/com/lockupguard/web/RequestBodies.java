package com.lockupguard.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies within a deadline, a limited number at a time. The web server reads a body on one of its
 * threads, which waits while the body comes: a client that sends one byte every few seconds holds a thread for as long
 * as it likes, and a few hundred such requests held every thread, so that nothing was answered, /health/live
 * included. Now a body must arrive within {@link #DEADLINE} (each wait for more of it is cut at the deadline), and of
 * the bodies still coming one caller may have {@link #PER_CALLER} at once, all callers {@link #IN_TRANSIT}: the rest
 * of the server's threads stay free for everyone else. A body already there when its request is read (a small order
 * sent with its headers), or there within {@link #PROMPT} of it, counts against no limit.
 */
final class RequestBodies {

    private static final Logger LOG = LoggerFactory.getLogger(RequestBodies.class);
    /** How long a body may take to arrive: an order is a few hundred bytes, the largest body allowed 1 MB. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Bodies that may be coming at once, from all callers. */
    static final int IN_TRANSIT = 32;
    /** Bodies that may be coming at once from one caller. */
    static final int PER_CALLER = 8;
    /** How long a request waits for one of the {@link #IN_TRANSIT} places before it is told to come back. */
    private static final Duration PLACE_WAIT = Duration.ofSeconds(1);
    /**
     * The most of an unread body {@link #discard} reads: a client sending more than that to an order API is not
     * waited for.
     */
    static final long DISCARDED_AT_MOST = 8L << 20;
    /**
     * How long a body may take to follow its headers and still count against no limit: many clients (Python's
     * http.client, Java's HttpClient) write the body in a write of its own, which arrives a moment after the headers.
     */
    static final Duration PROMPT = Duration.ofMillis(50);
    /** How often a body that did not come with its headers is looked for within {@link #PROMPT}. */
    private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A read that fails this close to the deadline was cut by it. */
    private static final long CUT_AT_DEADLINE = TimeUnit.MILLISECONDS.toNanos(100);

    private final long maxBytes;
    private final Duration deadline;
    /** Fair: a request that waited for a place is not passed by the next ones, a slow caller's among them. */
    private final Semaphore places = new Semaphore(IN_TRANSIT, true);
    private final Map<String, Integer> perCaller = new ConcurrentHashMap<>();
    /** Places for requests looking for their bodies within {@link #PROMPT}, and how many of a caller's look. */
    private final Semaphore waiting = new Semaphore(IN_TRANSIT);
    private final Map<String, Integer> polling = new ConcurrentHashMap<>();

    RequestBodies(long maxBytes) {
        this(maxBytes, DEADLINE);
    }

    RequestBodies(long maxBytes, Duration deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    /**
     * The body of a request from {@code caller}, declared {@code contentLength} bytes long (-1 when not declared).
     * Opening a body ({@code opened}) asks a client that {@code waitsToBeAsked} ({@code Expect: 100-continue}) to
     * send it, and a server that then refuses it unread has that client's connection reset under the answer: such a
     * body is opened only once its declared length and the limits on bodies coming let it be read. Throws
     * {@link ApiException}: 413 over the size limit, 408 when it does not arrive within the deadline, 400 when the
     * client ends it early, 429 when the caller has too many bodies coming, 503 when all callers have.
     */
    byte[] read(String caller, long contentLength, boolean waitsToBeAsked, Supplier<InputStream> opened,
            LongConsumer waitAtMostMillis) {
        if (contentLength > maxBytes) {
            throw tooLarge();
        }
        InputStream body = waitsToBeAsked ? null : opened.get(); // one asked has not sent its body yet
        ByteArrayOutputStream arrived = new ByteArrayOutputStream();
        if (body != null && arrivedPromptly(caller, contentLength, body, arrived)) {
            return arrived.toByteArray();
        }
        if (perCaller.merge(caller, 1, Integer::sum) > PER_CALLER) {
            release(caller);
            throw ApiException.tooManyRequests(PER_CALLER + " request bodies of yours are still coming: send each "
                    + "body as soon as its headers");
        }
        try {
            if (!places.tryAcquire(PLACE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ApiException.notReady("the server is receiving " + IN_TRANSIT + " request bodies already");
            }
            try {
                return readWithin(body == null ? opened.get() : body, arrived, waitAtMostMillis);
            } finally {
                places.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.notReady("the server is stopping");
        } finally {
            release(caller);
        }
    }

    /**
     * Reads and drops what is left of the body of a request answered without reading it (an error: 413, 415, ...).
     * A server that closes a connection while its client is still sending has the client's system reset it, and the
     * answer already on its way is lost: the client saw "connection reset" or "received no bytes" instead of the 413
     * that says why. At most {@link #DISCARDED_AT_MOST} bytes, within the deadline, and only while the caller and the
     * server have room for one more body coming (a place is not waited for); otherwise the connection is closed as
     * before.
     */
    void discard(String caller, long contentLength, InputStream body, LongConsumer waitAtMostMillis) {
        if (contentLength > DISCARDED_AT_MOST) {
            return;
        }
        try {
            // not the untimed tryAcquire, which a fair semaphore lets pass the requests waiting for a place
            if (perCaller.merge(caller, 1, Integer::sum) > PER_CALLER
                    || !places.tryAcquire(0, TimeUnit.MILLISECONDS)) {
                return;
            }
            try {
                long until = System.nanoTime() + deadline.toNanos();
                byte[] buffer = new byte[8192];
                long left = until - System.nanoTime();
                for (long dropped = 0; dropped <= DISCARDED_AT_MOST && left > 0; left = until - System.nanoTime()) {
                    waitAtMostMillis.accept(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                    int n = body.read(buffer);
                    if (n < 0) {
                        return;
                    }
                    dropped += n;
                }
            } finally {
                places.release();
            }
        } catch (IOException e) {
            LOG.debug("a request body answered unread ended early", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(caller);
        }
    }

    /** Bodies still coming, from all callers. */
    int coming() {
        return IN_TRANSIT - places.availablePermits();
    }

    /**
     * Whether all of the body, {@code contentLength} bytes, came with its headers or within {@link #PROMPT} of them,
     * into {@code arrived}, which holds what came otherwise. Read as far as it is there, in as many pieces as it
     * comes, without a blocking read, which a client that sends nothing more would hold. Waited for by at most
     * {@link #PER_CALLER} requests of a caller and {@link #IN_TRANSIT} in all: a flood of bodies that never come
     * holds that many of the server's threads for that moment, no more; the others are looked at once.
     */
    private boolean arrivedPromptly(String caller, long contentLength, InputStream body,
            ByteArrayOutputStream arrived) {
        if (contentLength < 0) {
            return false; // chunked: its end is not known before it is read
        }
        boolean mayWait = polling.merge(caller, 1, Integer::sum) <= PER_CALLER && waiting.tryAcquire();
        if (!mayWait) {
            countDown(polling, caller);
        }
        try {
            long until = System.nanoTime() + PROMPT.toNanos();
            while (true) {
                int there = body.available();
                if (there > 0) {
                    arrived.write(body.readNBytes((int) Math.min(there, contentLength - arrived.size())));
                }
                if (arrived.size() >= contentLength) {
                    return true;
                }
                if (!mayWait || System.nanoTime() >= until) {
                    return false;
                }
                LockSupport.parkNanos(LOOK_AGAIN_NANOS);
            }
        } catch (IOException e) {
            return false; // read as a body still coming, which says what went wrong
        } finally {
            if (mayWait) {
                waiting.release();
                countDown(polling, caller);
            }
        }
    }

    /** Requests looking for their bodies within {@link #PROMPT} now: at most {@link #IN_TRANSIT}. */
    int lookingForTheirBodies() {
        return IN_TRANSIT - waiting.availablePermits();
    }

    /**
     * The rest of the body, each wait for more of it ({@code waitAtMostMillis} sets the connection's idle timeout)
     * cut at the deadline.
     */
    private byte[] readWithin(InputStream body, ByteArrayOutputStream read, LongConsumer waitAtMostMillis) {
        long until = System.nanoTime() + deadline.toNanos();
        byte[] buffer = new byte[8192];
        try {
            waitAtMostMillis.accept(Math.max(1, deadline.toMillis()));
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                read.write(buffer, 0, n);
                if (read.size() > maxBytes) {
                    throw tooLarge();
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    throw late(read.size());
                }
                waitAtMostMillis.accept(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        } catch (IOException e) {
            if (until - System.nanoTime() < CUT_AT_DEADLINE) {
                throw late(read.size()); // the wait for more was cut at the deadline (a timer fires a little early)
            }
            // the client closed the connection before the body's end: there is nobody to answer
            LOG.debug("a request body ended early", e);
            throw ApiException.badRequest(null, "the request body ended before it was complete (" + read.size()
                    + " bytes came)");
        }
        return read.toByteArray();
    }

    private ApiException late(int bytes) {
        long millis = deadline.toMillis();
        return ApiException.requestTimeout("the request body did not arrive within " + (millis % 1000 == 0
                ? millis / 1000 + " s" : millis + " ms") + " (" + bytes + " bytes came)");
    }

    private ApiException tooLarge() {
        return ApiException.refusedByServer(413, "the request body is over the server's limit of " + maxBytes
                + " bytes");
    }

    private void release(String caller) {
        countDown(perCaller, caller);
    }

    /** One fewer of {@code caller}'s in {@code counts}, which keeps no caller at none. */
    private static void countDown(Map<String, Integer> counts, String caller) {
        counts.computeIfPresent(caller, (who, count) -> count == 1 ? null : count - 1);
    }
}
