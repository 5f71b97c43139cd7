package com.lockupguard.topology;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * How many dead letters the log says one by one: of each reason, the first {@value #LINES_PER_MINUTE} in a minute; the
 * rest of that minute are counted, and said in one line once it is over ({@link #sayHeldBack}). Any producer
 * can send a run of records the guard must refuse (JSON where Avro is due: 1,000 a second would be 26 GB of log a
 * day); each is still counted ({@code lockup_guard_dead_letters_total}) and kept, with its error, on the dead-letter
 * topic. One for an instance's processors, one for its deserialization handlers, each shared by all its tasks (Kafka
 * Streams makes a processor and a handler per task): the budget is the instance's, whatever its partitions.
 */
final class DeadLetterLog {

    /** The lines said one by one, per reason, in a minute. */
    static final int LINES_PER_MINUTE = 20;
    static final long MINUTE_MS = TimeUnit.MINUTES.toMillis(1);

    private final Logger log;
    private final LongSupplier millis;
    private final Map<DeadLetterReason, Minute> minutes = new EnumMap<>(DeadLetterReason.class);

    /** On the JVM's monotonic clock. */
    DeadLetterLog(Logger log) {
        this(log, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    DeadLetterLog(Logger log, LongSupplier millis) {
        this.log = log;
        this.millis = millis;
    }

    /** Says {@code line} of a dead letter of {@code reason} at WARN, unless its minute has said enough; counts it. */
    synchronized void warn(DeadLetterReason reason, Supplier<String> line) {
        long now = millis.getAsLong();
        Minute minute = minutes.get(reason);
        if (minute == null || now - minute.start >= MINUTE_MS) {
            if (minute != null) {
                sayHeldBack(reason, minute);
            }
            minute = new Minute(now);
            minutes.put(reason, minute);
        }
        if (minute.said < LINES_PER_MINUTE) {
            minute.said++;
            log.warn(line.get());
            if (minute.said == LINES_PER_MINUTE) {
                log.warn("{} records dead-lettered ({}) within a minute: more in that minute are counted, not "
                        + "logged one by one", LINES_PER_MINUTE, reason);
            }
        } else {
            minute.heldBack++;
        }
    }

    /**
     * Says, of each reason whose minute is over, how many it held back, and forgets the minute: a run that stopped has
     * its count said too, not only when the next dead letter of its reason comes. Called by a punctuation.
     */
    synchronized void sayHeldBack() {
        long now = millis.getAsLong();
        minutes.entrySet().removeIf(entry -> {
            if (now - entry.getValue().start < MINUTE_MS) {
                return false;
            }
            sayHeldBack(entry.getKey(), entry.getValue());
            return true;
        });
    }

    private void sayHeldBack(DeadLetterReason reason, Minute minute) {
        if (minute.heldBack > 0) {
            log.warn("{} more record(s) dead-lettered ({}) in the minute after the {} said were not logged one "
                    + "by one: lockup_guard_dead_letters_total counts them, and the dead-letter topic holds "
                    + "each with its error", minute.heldBack, reason, LINES_PER_MINUTE);
        }
    }

    private static final class Minute {
        private final long start;
        private int said;
        private long heldBack;

        private Minute(long start) {
            this.start = start;
        }
    }
}
