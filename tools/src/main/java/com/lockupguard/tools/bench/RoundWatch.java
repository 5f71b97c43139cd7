package com.lockupguard.tools.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether a round's topology is still deciding, asked while the round waits: its streams must not have stopped, and
 * its decisions must keep coming. Without it a round whose topology died waited out its 5-minute timeout in silence.
 */
final class RoundWatch {

    /** How long a round may read no new decision while it waits for more before it fails. */
    static final Duration STALL = Duration.ofSeconds(60);

    private final String round;
    private final KafkaStreams streams;
    private final Supplier<String> cause;
    private final Duration stall;
    private volatile Throwable threadFailure;
    private long lastCount = -1;
    private long lastProgressAt;

    /** @param cause why the topology may have stopped, as far as its owner knows (null: nothing known) */
    RoundWatch(String round, KafkaStreams streams, Supplier<String> cause, Duration stall) {
        this.round = round;
        this.streams = streams;
        this.cause = cause;
        this.stall = stall;
    }

    /** A stream thread died of {@code failure}: the streams' own handler decides what follows. */
    void threadFailed(Throwable failure) {
        threadFailure = failure;
    }

    /** Fails when the streams have stopped: ERROR, or shutting down though no one here closed them. */
    void check() throws RoundFailedException {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING) {
            throw new RoundFailedException(round, "its streams went to " + state + because());
        }
    }

    /** Fails as {@link #check()} does, and when {@code count}, the decisions read so far, has not moved for long. */
    void check(long count, long expected) throws RoundFailedException {
        check();
        long now = System.nanoTime();
        if (count != lastCount) {
            lastCount = count;
            lastProgressAt = now;
        } else if (now - lastProgressAt > stall.toNanos()) {
            throw new RoundFailedException(round, String.format(Locale.ROOT,
                    "no new decision for %d s (%,d of %,d read; streams %s)%s", stall.toSeconds(), count, expected,
                    streams.state(), because()));
        }
    }

    /** Fails for {@code why}, with what is known of the cause. */
    RoundFailedException failed(String why) {
        return new RoundFailedException(round, why + " (streams " + streams.state() + ")" + because());
    }

    private String because() {
        Throwable failure = threadFailure;
        if (failure != null) {
            return ": " + failure;
        }
        String known = cause.get();
        return known == null ? "" : ": " + known;
    }
}
