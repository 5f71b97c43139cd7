package com.lockupguard.web;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Events a warning counts, said at most once a minute: each event is counted, and the one that may be said takes
 * the count since the last warning, so that a client refused a thousand times a second fills no log. Thread-safe.
 */
final class WarnedOncePerMinute {

    static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LongSupplier nanos;
    private final AtomicLong since = new AtomicLong();
    private final AtomicLong warnedAt;

    WarnedOncePerMinute() {
        this(System::nanoTime);
    }

    WarnedOncePerMinute(LongSupplier nanos) {
        this.nanos = nanos;
        this.warnedAt = new AtomicLong(nanos.getAsLong() - EVERY_NANOS);
    }

    /** Counts one event: the events since the last warning, this one included, when it is to be said; else 0. */
    long counted() {
        since.incrementAndGet();
        long last = warnedAt.get();
        long at = nanos.getAsLong();
        return at - last >= EVERY_NANOS && warnedAt.compareAndSet(last, at) ? since.getAndSet(0) : 0;
    }
}
