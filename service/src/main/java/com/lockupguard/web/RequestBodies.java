package com.lockupguard.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies within a deadline, a limited number at a time. The web server reads a body on one of its
 * threads, which waits while the body comes: a client that sends one byte every few seconds holds a thread for as long
 * as it likes, and a few hundred such requests held every thread, so that nothing was answered, /health/live
 * included. Now a body must arrive within {@link #DEADLINE}, one caller may have {@link #PER_CALLER} of them coming at
 * once, and all callers {@link #IN_TRANSIT}: the rest of the server's threads stay free for everyone else.
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
    byte[] read(String caller, long contentLength, InputStream body) {
        if (contentLength > maxBytes) {
            throw tooLarge();
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
                return readWithin(body);
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

    private byte[] readWithin(InputStream body) {
        long until = System.nanoTime() + deadline.toNanos();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                read.write(buffer, 0, n);
                if (read.size() > maxBytes) {
                    throw tooLarge();
                }
                if (System.nanoTime() - until > 0) {
                    throw ApiException.requestTimeout("the request body did not arrive within "
                            + deadline.toSeconds() + " s (" + read.size() + " bytes came)");
                }
            }
        } catch (IOException e) {
            // the client closed the connection, or it went idle, before the body's end: nobody to answer
            LOG.debug("a request body ended early", e);
            throw ApiException.badRequest(null, "the request body ended before it was complete: " + e.getMessage());
        }
        return read.toByteArray();
    }

    private ApiException tooLarge() {
        return ApiException.refusedByServer(413, "the request body is over the server's limit of " + maxBytes
                + " bytes");
    }

    private void release(String caller) {
        perCaller.computeIfPresent(caller, (who, coming) -> coming == 1 ? null : coming - 1);
    }
}
