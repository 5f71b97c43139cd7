package com.lockupguard.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * How far the reading of a guard's topics has got, said at most once per interval: {@code read 1,200,000 of 3,000,000
 * records of orders (40 %), 240,000 records/s}. An export of a topic of a hundred million orders takes minutes, and
 * says nothing else until its end.
 */
final class ReadProgress {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> out;
    private long lastSaid;
    private String topic;
    private long topicStarted;
    private long readAtStart;

    ReadProgress(Duration interval, LongSupplier nanoClock, Consumer<String> out) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.out = out;
        this.lastSaid = nanoClock.getAsLong();
    }

    /** {@code read} of the {@code records} of {@code topic} read; said if the interval has passed since the last. */
    void reading(String topic, long read, long records) {
        long now = nanoClock.getAsLong();
        if (!topic.equals(this.topic)) {
            this.topic = topic;
            topicStarted = now;
            readAtStart = read;
        }
        if (now - lastSaid < intervalNanos) {
            return;
        }
        lastSaid = now;
        double seconds = (now - topicStarted) / 1e9;
        out.accept(String.format(Locale.ROOT, "read %,d of %,d records of %s (%d %%), %,.0f records/s", read, records,
                topic, records == 0 ? 100 : read * 100 / records, seconds > 0 ? (read - readAtStart) / seconds : 0));
    }
}
