package com.lockupguard.timeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Holds back the lines after a run of agreements until a running guard has taken those agreements: until its
 * consumer group has committed past each. Kafka Streams takes a task's agreements and orders in timestamp order only
 * among the records it knows to be on the broker, as of its last fetch of each partition, so that an order sent
 * moments after its agreement can reach a running guard first and be blocked {@code UNKNOWN_AGREEMENT} (one order in
 * a hundred of a timeline of 1,000 agreements and 300,000 orders, sent at once). A guard that is not running takes
 * them in order when it starts, having fetched both: nothing is awaited then. After {@code longest} without the
 * guard taking them (it works through a backlog, or stopped), or when its group cannot be read, it says so once and
 * awaits nothing more.
 */
public final class RunningGuardWait implements TimelineProducer.AgreementsWritten {

    /** How long the lines after a run of agreements wait for the guard, at most, unless told otherwise. */
    public static final Duration LONGEST = Duration.ofSeconds(30);
    private static final long LOOK_EVERY_MS = 10;

    private final Admin admin;
    private final String group;
    private final Duration longest;
    private final Consumer<String> warnings;
    private final BooleanSupplier stopping;
    private boolean givenUp;

    /** Waiting for the guard whose {@code application.id} is {@code group}, reading its group with {@code admin}. */
    public RunningGuardWait(Admin admin, String group, Duration longest, Consumer<String> warnings) {
        this(admin, group, longest, warnings, () -> false);
    }

    /**
     * Waiting as above, and ending the wait, with an {@link InterruptedException}, within a look of {@code stopping}
     * saying so (a signal): the line after the agreements is then not sent.
     */
    public RunningGuardWait(Admin admin, String group, Duration longest, Consumer<String> warnings,
            BooleanSupplier stopping) {
        this.admin = admin;
        this.group = group;
        this.longest = longest;
        this.warnings = warnings;
        this.stopping = stopping;
    }

    @Override
    public void await(Map<TopicPartition, Long> written, int lineNumber) throws InterruptedException {
        if (givenUp) {
            return;
        }
        long deadline = System.nanoTime() + longest.toNanos();
        try {
            while (isRunning() && !hasTaken(written)) {
                stopIfAsked();
                if (System.nanoTime() - deadline > 0) {
                    giveUp("guard '" + group + "' has not taken the agreements above line " + lineNumber + " within "
                            + longest.toSeconds() + " s (a backlog, or it is not consuming); sending on without "
                            + "waiting for it: an order sent moments after its agreement may meet it first and be "
                            + "blocked UNKNOWN_AGREEMENT");
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(LOOK_EVERY_MS);
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            giveUp("cannot tell whether guard '" + group + "' has taken the agreements above line " + lineNumber
                    + " (" + cause.getClass().getSimpleName() + ": " + OneLine.of(String.valueOf(cause.getMessage()))
                    + "); sending on without waiting for it");
        }
    }

    /**
     * Whether the guard's group has members: a guard running, or starting. A guard under {@code group.protocol=streams}
     * has a streams group, which the consumer groups' API does not describe ("not a consumer group"): without asking
     * for it too, such a guard was never waited for.
     */
    private boolean isRunning() throws ExecutionException, InterruptedException, TimeoutException {
        try {
            ConsumerGroupDescription description = answer(admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group));
            return !description.members().isEmpty();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
        try {
            StreamsGroupDescription description = answer(admin.describeStreamsGroups(List.of(group))
                    .describedGroups().get(group));
            return !description.members().isEmpty();
        } catch (ExecutionException e) {
            // no such group of either type, or brokers without streams groups
            Throwable cause = e.getCause();
            if (cause instanceof GroupIdNotFoundException || cause instanceof UnsupportedVersionException) {
                return false;
            }
            throw e;
        }
    }

    /** Whether the guard has committed past the last agreement written on each partition. */
    private boolean hasTaken(Map<TopicPartition, Long> written)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = answer(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata());
        return written.entrySet().stream().allMatch(last -> committed.get(last.getKey()) != null
                && committed.get(last.getKey()).offset() > last.getValue());
    }

    /** {@code future}'s answer, waited for {@code longest} at most, looking for a stop meanwhile. */
    private <T> T answer(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + longest.toNanos();
        while (true) {
            try {
                return future.get(LOOK_EVERY_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                stopIfAsked();
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    private void stopIfAsked() throws InterruptedException {
        if (stopping.getAsBoolean()) {
            throw new InterruptedException("stopped by a signal while waiting for guard '" + group + "'");
        }
    }

    private void giveUp(String warning) {
        givenUp = true;
        warnings.accept(warning);
    }
}
