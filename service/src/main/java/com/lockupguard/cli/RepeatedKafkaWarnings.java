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
 * A warning of Kafka's (logger, text and arguments the same) written at most once a {@link #INTERVAL}, its repeats
 * counted and the count said when it is written again. While a broker is away each of a guard's clients (every
 * stream thread's consumer and producer, the restore consumer, the admin client, the API's producer) warns that it
 * could not connect to it after every reconnect backoff: about 2,000 lines in 3.5 minutes of one guard's log,
 * burying what the guard itself says. Errors, and the guard's own loggers, are never held back.
 */
final class RepeatedKafkaWarnings extends TurboFilter {

    /** How often one warning is written at most. */
    static final long INTERVAL_MS = TimeUnit.MINUTES.toMillis(1);
    /** Warnings remembered at most; past that, all are forgotten and each is written once again. */
    static final int MOST_REMEMBERED = 1_000;
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
        Repeats repeats = remembered(logger.getName() + '\n' + format + '\n' + Arrays.deepToString(params));
        long leftOut = repeats.writeAt(millis.getAsLong());
        if (leftOut < 0) {
            return FilterReply.DENY;
        }
        if (leftOut > 0) {
            // said first, by a logger of the guard's that this filter lets through: the warning follows it
            logger.getLoggerContext().getLogger(RepeatedKafkaWarnings.class).warn("{} left out {} repeats of the "
                    + "next warning in the past {} s (each Kafka warning is written at most once a minute)",
                    logger.getName(), leftOut, INTERVAL_MS / 1000);
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

    /** When one warning was last written, and how often it was left out since. */
    private static final class Repeats {

        private boolean written;
        private long writtenAt;
        private long leftOut;

        /** The repeats left out since it was last written, if it is written now; -1 if it is left out. */
        synchronized long writeAt(long now) {
            if (written && now - writtenAt < INTERVAL_MS) {
                leftOut++;
                return -1;
            }
            long before = leftOut;
            written = true;
            writtenAt = now;
            leftOut = 0;
            return before;
        }
    }
}
