package com.lockupguard.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * How far the sending of a timeline has got, said at most once per interval: {@code sent 1,200,000 of 2,000,000
 * lines (60 %), 118,500 lines/s}. A recorded day of millions of orders takes minutes to send to a guard that is
 * reading it; without it {@code produce} says nothing until the end.
 */
final class SendProgress {

    private final long total;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> out;
    private final long started;
    private long sent;
    private long lastSaid;

    SendProgress(long total, Duration interval, LongSupplier nanoClock, Consumer<String> out) {
        this.total = total;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.out = out;
        this.started = nanoClock.getAsLong();
        this.lastSaid = started;
    }

    /** One more line sent; said if the interval has passed since it was last said. */
    void sent() {
        sent++;
        // the clock is read once every 1,024 lines: a line takes microseconds to send
        if ((sent & 1023) != 0 && sent != total) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - lastSaid < intervalNanos) {
            return;
        }
        lastSaid = now;
        double seconds = (now - started) / 1e9;
        out.accept(String.format(Locale.ROOT, "sent %,d of %,d lines (%d %%), %,.0f lines/s", sent, total,
                total == 0 ? 100 : sent * 100 / total, seconds > 0 ? sent / seconds : 0));
    }
}
