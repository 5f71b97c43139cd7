package com.lockupguard.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies within a deadline, a limited number at a time. The web server reads a body on one of its
 * threads, which waits while the body comes: a client that sends one byte every few seconds holds a thread for as long
 * as it likes, and a few hundred such requests held every thread, so that nothing was answered, /health/live
 * included. Now a body must arrive within {@link #DEADLINE} (each wait for more of it is cut at the deadline), and of
 * the bodies still coming one caller may have {@link #PER_CALLER} at once, all callers {@link #IN_TRANSIT}: the rest
 * of the server's threads stay free for everyone else. A body already there when its request is read (a small order
 * sent with its headers) counts against no limit.
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
    /** A read that fails this close to the deadline was cut by it. */
    private static final long CUT_AT_DEADLINE = TimeUnit.MILLISECONDS.toNanos(100);

    private final long maxBytes;
    private final Duration deadline;
    private final Semaphore places = new Semaphore(IN_TRANSIT);
    private final Map<String, Integer> perCaller = new ConcurrentHashMap<>();

    RequestBodies(long maxBytes) {
        this(maxBytes, DEADLINE);
    }

    RequestBodies(long maxBytes, Duration deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    /**
     * The body of a request from {@code caller}, declared {@code contentLength} bytes long (-1 when not declared).
     * Throws {@link ApiException}: 413 over the size limit, 408 when it does not arrive within the deadline, 400 when
     * the client ends it early, 429 when the caller has too many bodies coming, 503 when all callers have.
     */
    byte[] read(String caller, long contentLength, InputStream body, LongConsumer waitAtMostMillis) {
        if (contentLength > maxBytes) {
            throw tooLarge();
        }
        byte[] arrived = arrivedWhole(contentLength, body);
        if (arrived != null) {
            return arrived;
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
                return readWithin(body, waitAtMostMillis);
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

    /** Bodies still coming, from all callers. */
    int coming() {
        return IN_TRANSIT - places.availablePermits();
    }

    /** The body, when all of it came with the headers (its declared length is buffered already), else null. */
    private static byte[] arrivedWhole(long contentLength, InputStream body) {
        try {
            return contentLength >= 0 && body.available() >= contentLength ? body.readNBytes((int) contentLength)
                    : null;
        } catch (IOException e) {
            return null; // read as a body still coming, which says what went wrong
        }
    }

    /**
     * The rest of the body, each wait for more of it ({@code waitAtMostMillis} sets the connection's idle timeout)
     * cut at the deadline.
     */
    private byte[] readWithin(InputStream body, LongConsumer waitAtMostMillis) {
        long until = System.nanoTime() + deadline.toNanos();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
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
        perCaller.computeIfPresent(caller, (who, coming) -> coming == 1 ? null : coming - 1);
    }
}
