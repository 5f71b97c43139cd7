package com.lockupguard.app;

import com.lockupguard.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, on a stream thread that failed because the schema registry could not be reached, until the
 * registry answers again, before the thread is replaced. Under exactly-once a failed thread's tasks
 * are closed dirty and their local state is wiped, so each replacement restores its stores from the
 * changelogs; replacing at once would restore, fail on the same record and restore again every few
 * seconds for as long as the outage lasts. The wait is bounded well under the consumer's
 * {@code max.poll.interval.ms} (5 minutes by default), so the thread keeps its tasks while it waits.
 */
final class RegistryRecovery {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /** Time as the wait sees it: a clock and a sleep, so that tests need not wait. */
    interface Time {
        Time SYSTEM = new Time() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }
        };

        long nanos();

        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRecovery.class);

    private final SchemaRegistryClient registry;
    private final Duration probeInterval;
    private final Duration maxWait;
    private final BooleanSupplier stopping;
    private final Time time;

    RegistryRecovery(SchemaRegistryClient registry, Duration probeInterval, Duration maxWait,
            BooleanSupplier stopping) {
        this(registry, probeInterval, maxWait, stopping, Time.SYSTEM);
    }

    RegistryRecovery(SchemaRegistryClient registry, Duration probeInterval, Duration maxWait,
            BooleanSupplier stopping, Time time) {
        this.registry = registry;
        this.probeInterval = probeInterval;
        this.maxWait = maxWait;
        this.stopping = stopping;
        this.time = time;
    }

    /**
     * Asks the registry every probe interval, each probe bounded by the interval, until it answers, the wait's
     * bound passes (probes included: a registry that hangs does not stretch it), the guard is stopping or the
     * thread is interrupted. Returns whether the registry answered.
     */
    boolean awaitAnswer() {
        long deadline = time.nanos() + maxWait.toNanos();
        for (int probe = 1; !stopping.getAsBoolean(); probe++) {
            long left = deadline - time.nanos();
            if (probe > 1 && left <= 0) {
                return givenUp();
            }
            if (registry.answers(Duration.ofNanos(Math.min(probeInterval.toNanos(), Math.max(1, left))))) {
                LOG.info("the schema registry answers again (after {} probe(s)); replacing the stream thread", probe);
                return true;
            }
            left = deadline - time.nanos();
            if (left <= 0) {
                return givenUp();
            }
            if (probe == 1) {
                LOG.warn("the schema registry does not answer; asking every {} s for up to {} s before the stream "
                        + "thread is replaced", probeInterval.toSeconds(), maxWait.toSeconds());
            }
            try {
                time.sleep(Duration.ofNanos(Math.min(left, probeInterval.toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean givenUp() {
        LOG.warn("the schema registry still does not answer; replacing the stream thread anyway");
        return false;
    }
}
