package com.lockupguard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * A warning of Kafka's (logger, text, arguments and exception the same) written at most once a minute, its repeats
 * counted and the count said when it is written again. While a broker is away each of a guard's clients (every
 * stream thread's consumer and producer, the restore consumer, the admin client, the API's producer) warns that it
 * could not connect to it after every reconnect backoff: 1,399 lines in the two minutes after a guard's only broker
 * was killed, burying what the guard itself says. Errors, and the guard's own loggers, are never held back. Every
 * {@code org.apache.kafka} logger is held to it, Kafka Streams' too; the brokers' {@code kafka.*} loggers are not.
 *
 * <p>Repeats are counted until the warning is written again: those of a burst that ends are not reported.
 */
final class RepeatedKafkaWarnings extends TurboFilter {

    /** How often one warning is written at most. */
    static final long INTERVAL_MS = TimeUnit.MINUTES.toMillis(1);
    /** Warnings remembered at most; past that, all are forgotten and each is written once again. */
    static final int MOST_REMEMBERED = 1_000;
    /** The longest warning remembered, in characters with its logger's name; a longer one is always written. */
    static final int LONGEST_KEY = 4_096;
    private static final String KAFKA = "org.apache.kafka.";

    private final LongSupplier millis;
    private final Map<String, Repeats> seen = new ConcurrentHashMap<>();

    /** On the JVM's monotonic clock. */
    RepeatedKafkaWarnings() {
        this(() -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    RepeatedKafkaWarnings(LongSupplier millis) {
        this.millis = millis;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable thrown) {
        // called for every log call, enabled or not, so the common case returns at once
        if (level != Level.WARN || format == null || !logger.getName().startsWith(KAFKA)
                || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        String key;
        try {
            // Kafka's clients pass the text formatted, without arguments, and an exception of its own
            key = logger.getName() + '\n' + format + '\n' + Arrays.deepToString(params) + '\n'
                    + (thrown == null ? "" : thrown.toString());
        } catch (RuntimeException e) {
            // an argument whose toString fails: a log call must not throw, and logback's own formatting copes
            return FilterReply.NEUTRAL;
        }
        if (key.length() > LONGEST_KEY) {
            // never held back rather than remembered at any size
            return FilterReply.NEUTRAL;
        }
        long now = millis.getAsLong();
        Repeats repeats = remembered(key);
        LeftOut leftOut = repeats.writeAt(now);
        if (leftOut == null) {
            return FilterReply.DENY;
        }
        if (leftOut.repeats() > 0) {
            // said first, by a logger of the guard's that this filter lets through: the warning follows it
            logger.getLoggerContext().getLogger(RepeatedKafkaWarnings.class).warn("{} left out {} repeats of the "
                    + "next warning in the {} s since it was last written (a Kafka warning is written at most once "
                    + "a minute; its repeats are counted until it is written again)", logger.getName(),
                    leftOut.repeats(), (now - leftOut.since()) / 1000);
        }
        return FilterReply.NEUTRAL;
    }

    private Repeats remembered(String key) {
        Repeats repeats = seen.get(key);
        if (repeats != null) {
            return repeats;
        }
        if (seen.size() >= MOST_REMEMBERED) {
            // warnings whose arguments never repeat (a changing offset, say) would otherwise fill the heap
            seen.clear();
        }
        return seen.computeIfAbsent(key, k -> new Repeats());
    }

    /** The repeats of a warning left out since it was last written, at {@code since}. */
    private record LeftOut(long repeats, long since) {
    }

    /** When one warning was last written, and how often it was left out since. */
    private static final class Repeats {

        private boolean written;
        private long writtenAt;
        private long leftOut;

        /** If it is written now, what was left out since it was last written; null if it is left out. */
        synchronized LeftOut writeAt(long now) {
            if (written && now - writtenAt < INTERVAL_MS) {
                leftOut++;
                return null;
            }
            LeftOut before = new LeftOut(leftOut, writtenAt);
            written = true;
            writtenAt = now;
            leftOut = 0;
            return before;
        }
    }
}
