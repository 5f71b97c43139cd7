package com.lockupguard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * A warning of Kafka's (logger, text, arguments and exception the same) written at most once a minute, its repeats
 * counted and the count said when it is written again. While a broker is away each of a guard's clients (every
 * stream thread's consumer and producer, the restore consumer, the admin client, the API's producer) warns that it
 * could not connect to it after every reconnect backoff: 1,399 lines in the two minutes after a guard's only broker
 * was killed, burying what the guard itself says. Errors, and the guard's own loggers, are never held back. Every
 * {@code org.apache.kafka} logger is held to it, Kafka Streams' too; the brokers' {@code kafka.*} loggers are not.
 *
 * <p>Repeats are counted until the warning is written again. Those of a burst that ends (the broker back) are said
 * by a daemon thread, started with the first repeat held back, that every {@value #SWEEP_EVERY_MS} ms forgets each
 * warning written a minute or more ago and not repeated in the last 15 s, saying its repeats if any. Past
 * {@value #MOST_REMEMBERED} warnings all are forgotten, and one line counts the repeats held back of them.
 */
public final class RepeatedKafkaWarnings extends TurboFilter {

    /** How often one warning is written at most. */
    static final long INTERVAL_MS = TimeUnit.MINUTES.toMillis(1);
    /** Warnings remembered at most; past that, all are forgotten and each is written once again. */
    static final int MOST_REMEMBERED = 1_000;
    /** The longest warning remembered, in characters with its logger's name; a longer one is always written. */
    static final int LONGEST_KEY = 4_096;
    /** How often the warnings not repeated for a minute are looked for, their repeats said and they forgotten. */
    static final long SWEEP_EVERY_MS = 15_000;
    /** The most of a warning's text a line about its repeats shows. */
    static final int LONGEST_TEXT_SHOWN = 300;
    private static final String KAFKA = "org.apache.kafka.";
    /**
     * The number of a client's request, which its warnings about an answer name ({@code Error while fetching metadata
     * with correlation id 4711 : {orders=UNKNOWN_TOPIC_OR_PARTITION}}): a new one each time, it makes no warning new.
     */
    private static final Pattern CORRELATION_ID = Pattern.compile("correlation id \\d+");
    /**
     * The retries a producer has left, which its warning of each refused send counts down ({@code Got error produce
     * response with correlation id 12 on topic-partition orders-approved-0, retrying (2147483646 attempts left).
     * Error: NOT_ENOUGH_REPLICAS}): seen, 121 such warnings in 4 minutes while a partition lacked in-sync replicas.
     */
    private static final Pattern ATTEMPTS_LEFT = Pattern.compile("\\(\\d+ attempts left\\)");

    private final LongSupplier millis;
    private final boolean sweepOnTimer;
    private final Map<String, Repeats> seen = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService sweeper;

    /**
     * On the JVM's monotonic clock, swept by a thread of its own: as the built-in setup makes it, and as a logback file
     * of an operator's names it ({@code <turboFilter class="com.lockupguard.cli.RepeatedKafkaWarnings"/>}).
     */
    public RepeatedKafkaWarnings() {
        this(() -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()), true);
    }

    /** On {@code millis}; swept by a thread of its own if {@code sweepOnTimer}, else only by {@link #sweep}. */
    RepeatedKafkaWarnings(LongSupplier millis, boolean sweepOnTimer) {
        this.millis = millis;
        this.sweepOnTimer = sweepOnTimer;
    }

    @Override
    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        super.stop();
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
            String text = ATTEMPTS_LEFT.matcher(CORRELATION_ID.matcher(format).replaceAll("correlation id #"))
                    .replaceAll("(# attempts left)");
            key = logger.getName() + '\n' + text + '\n'
                    + Arrays.deepToString(params) + '\n' + (thrown == null ? "" : thrown.toString());
        } catch (RuntimeException e) {
            // an argument whose toString fails: a log call must not throw, and logback's own formatting copes
            return FilterReply.NEUTRAL;
        }
        if (key.length() > LONGEST_KEY) {
            // never held back rather than remembered at any size
            return FilterReply.NEUTRAL;
        }
        long now = millis.getAsLong();
        LeftOut leftOut;
        do {
            Repeats repeats = remembered(key, logger.getName(), format, params, thrown);
            leftOut = repeats.writeAt(now);
            if (leftOut == RETIRED) {
                // forgotten since it was looked up: looked up again, so that the next repeat finds the new entry
                seen.remove(key, repeats);
            }
        } while (leftOut == RETIRED);
        if (leftOut == null) {
            startSweeping();
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

    /**
     * Says how often each warning written a minute or more ago and not repeated for {@link #SWEEP_EVERY_MS} was left
     * out since it was written, if at all, and forgets it: the next repeat is written as a first one would be. Its
     * thread calls it every {@link #SWEEP_EVERY_MS}.
     */
    void sweep() {
        long now = millis.getAsLong();
        seen.forEach((key, repeats) -> {
            LeftOut leftOut = repeats.retireIfQuietAt(now);
            if (leftOut == null) {
                return;
            }
            seen.remove(key, repeats);
            if (leftOut.repeats() > 0) {
                String text = repeats.text.length() <= LONGEST_TEXT_SHOWN ? repeats.text
                        : repeats.text.substring(0, LONGEST_TEXT_SHOWN) + "...";
                say("{} left out {} repeats of a warning in the {} s after it was written, none in the {} s since: {}",
                        repeats.logger, leftOut.repeats(), (leftOut.lastAt() - leftOut.since()) / 1000,
                        (now - leftOut.lastAt()) / 1000, text);
            }
        });
    }

    private void startSweeping() {
        if (!sweepOnTimer || sweeper != null) {
            return; // the common case, without a lock
        }
        synchronized (this) {
            if (sweeper != null || !isStarted()) {
                return;
            }
            sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "lockup-guard-kafka-warning-repeats");
                thread.setDaemon(true);
                return thread;
            });
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_EVERY_MS, SWEEP_EVERY_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException | Error e) {
            // a task that throws is never run again: the next sweep tries again instead
            addError("could not say the repeats of Kafka's warnings", e);
        }
    }

    private Repeats remembered(String key, String logger, String format, Object[] params, Throwable thrown) {
        Repeats repeats = seen.get(key);
        if (repeats != null) {
            return repeats;
        }
        if (seen.size() >= MOST_REMEMBERED) {
            // warnings whose arguments never repeat (a changing offset, say) would otherwise fill the heap
            forgetAll();
        }
        return seen.computeIfAbsent(key, k -> new Repeats(logger, text(format, params, thrown)));
    }

    /** Forgets every warning, saying how many repeats of them were held back and will not be said one by one. */
    private void forgetAll() {
        long heldBack = 0;
        int forgotten = 0;
        for (Map.Entry<String, Repeats> entry : seen.entrySet()) {
            LeftOut leftOut = entry.getValue().retire();
            seen.remove(entry.getKey(), entry.getValue());
            if (leftOut != null) {
                heldBack += leftOut.repeats();
                forgotten++;
            }
        }
        if (heldBack > 0) {
            say("{} different Kafka warnings came within a minute, more than {} are remembered: all were forgotten, "
                    + "and the {} repeats held back of them are not said one by one", forgotten, MOST_REMEMBERED,
                    heldBack);
        }
    }

    /** Written by a logger of the guard's, which this filter lets through. */
    private void say(String format, Object... arguments) {
        if (getContext() instanceof LoggerContext context) {
            context.getLogger(RepeatedKafkaWarnings.class).warn(format, arguments);
        }
    }

    /**
     * The warning as it is written (or its format, where an argument cannot be shown), with its exception: two
     * warnings of one text told apart by their exceptions are said apart.
     */
    private static String text(String format, Object[] params, Throwable thrown) {
        String text;
        try {
            text = MessageFormatter.basicArrayFormat(format, params);
        } catch (RuntimeException e) {
            text = format;
        }
        return thrown == null ? text : text + " (" + thrown + ")";
    }

    /** The repeats of a warning left out since it was last written, at {@code since}, the last at {@code lastAt}. */
    private record LeftOut(long repeats, long since, long lastAt) {
    }

    /** What {@link Repeats#writeAt} answers for a warning forgotten since it was looked up (compared by identity). */
    private static final LeftOut RETIRED = new LeftOut(-1, 0, 0);

    /** One warning: when it was last written, and how often it was left out since. */
    private static final class Repeats {

        private final String logger;
        private final String text;
        private boolean written;
        private boolean retired;
        private long writtenAt;
        private long leftOut;
        private long lastLeftOutAt;

        Repeats(String logger, String text) {
            this.logger = logger;
            this.text = text;
        }

        /** If it is written now, what was left out since it was last written; null if it is left out. */
        synchronized LeftOut writeAt(long now) {
            if (retired) {
                return RETIRED;
            }
            if (written && now - writtenAt < INTERVAL_MS) {
                leftOut++;
                lastLeftOutAt = now;
                return null;
            }
            LeftOut before = new LeftOut(leftOut, writtenAt, lastLeftOutAt);
            written = true;
            writtenAt = now;
            leftOut = 0;
            return before;
        }

        /**
         * If it was written a minute or more ago and not repeated in the last {@link #SWEEP_EVERY_MS} (a burst still
         * going is written again, with its count, at its next repeat), what was left out since, and it is to be
         * forgotten; else null.
         */
        synchronized LeftOut retireIfQuietAt(long now) {
            if (!written || retired || now - writtenAt < INTERVAL_MS
                    || leftOut > 0 && now - lastLeftOutAt < SWEEP_EVERY_MS) {
                return null;
            }
            return retire();
        }

        /** What was left out since it was last written, and it is to be forgotten; null if it already was. */
        synchronized LeftOut retire() {
            if (retired) {
                return null;
            }
            retired = true;
            return new LeftOut(leftOut, writtenAt, lastLeftOutAt);
        }
    }
}
