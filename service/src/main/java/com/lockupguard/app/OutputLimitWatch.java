package com.lockupguard.app;

import com.lockupguard.topology.OutputMessageLimit;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link OutputMessageLimit} at the smallest {@code max.message.bytes} of the topics the guard writes while it
 * runs: read at start, then every {@code topics.max.message.bytes.refresh.ms}, and again whenever the broker refuses
 * a record as too large. A limit an operator lowered is then kept to before the broker refuses an answer (a refusal
 * fails the transaction and costs a replaced stream thread, which rebuilds its stores), and one raised is used
 * without a restart: records it now takes are answered rather than dead-lettered.
 */
final class OutputLimitWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputLimitWatch.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final GuardConfig config;
    private final OutputMessageLimit limit;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lockup-guard-output-limit");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean failing;
    private volatile boolean closed;

    /** A watch asking through {@code admin}, which it closes when it is closed. */
    OutputLimitWatch(Admin admin, GuardConfig config, OutputMessageLimit limit) {
        this.admin = admin;
        this.config = config;
        this.limit = limit;
    }

    /** Reads the limit with the start's {@code provisioner}: a failure is thrown, as the start's are. */
    void read(TopicProvisioner provisioner) throws InterruptedException {
        provisioner.smallestMessages().ifPresent(smallest -> {
            limit.set(smallest.topic(), smallest.maxMessageBytes());
            LOG.info("the topics the guard writes take records of up to {} bytes (max.message.bytes of {}), or "
                    + "the producer's max.request.size if that is less: a larger answer is dead-lettered",
                    smallest.maxMessageBytes(), smallest.topic());
        });
    }

    /** Reads the limit again every {@code interval} from now on; never when it is zero. */
    void repeatEvery(Duration interval) {
        if (!interval.isZero()) {
            schedule.scheduleWithFixedDelay(this::readAgain, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Reads the limit again, logging a change; a failure is logged (once while it lasts) and keeps the last read. */
    void readAgain() {
        try {
            TopicProvisioner.from(admin, config, TIMEOUT).smallestMessages().ifPresent(now -> {
                if (limit.set(now.topic(), now.maxMessageBytes())) {
                    LOG.info("the topics the guard writes now take records of up to {} bytes (max.message.bytes of "
                            + "{}): answers are kept within that", now.maxMessageBytes(), now.topic());
                }
            });
            if (failing) {
                failing = false;
                LOG.info("the max.message.bytes of the guard's topics can be read again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!failing && !closed) {
                failing = true;
                LOG.warn("cannot read the max.message.bytes of the guard's topics again; keeping the last read: {}",
                        e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        schedule.shutdownNow();
        try {
            schedule.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ZERO);
    }
}
