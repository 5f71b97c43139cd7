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

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRecovery.class);

    private final SchemaRegistryClient registry;
    private final Duration probeInterval;
    private final long maxProbes;
    private final BooleanSupplier stopping;

    RegistryRecovery(SchemaRegistryClient registry, Duration probeInterval, Duration maxWait,
            BooleanSupplier stopping) {
        this.registry = registry;
        this.probeInterval = probeInterval;
        this.maxProbes = Math.max(1, maxWait.toMillis() / Math.max(1, probeInterval.toMillis()));
        this.stopping = stopping;
    }

    /**
     * Asks the registry every probe interval until it answers, the wait's bound passes, the guard is
     * stopping or the thread is interrupted. Returns whether the registry answered.
     */
    boolean awaitAnswer() {
        for (long probe = 1; probe <= maxProbes && !stopping.getAsBoolean(); probe++) {
            if (registry.answers()) {
                LOG.info("the schema registry answers again (after {} probe(s)); replacing the stream thread", probe);
                return true;
            }
            if (probe == maxProbes) {
                break;
            }
            if (probe == 1) {
                LOG.warn("the schema registry does not answer; asking every {} s for up to {} s before the stream "
                        + "thread is replaced", probeInterval.toSeconds(), probeInterval.multipliedBy(maxProbes)
                        .toSeconds());
            }
            try {
                Thread.sleep(probeInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        LOG.warn("the schema registry still does not answer; replacing the stream thread anyway");
        return false;
    }
}
