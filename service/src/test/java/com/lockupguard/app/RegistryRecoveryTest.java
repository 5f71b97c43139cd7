package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** A stream thread that failed for want of the registry is replaced when the registry answers, not before. */
class RegistryRecoveryTest {

    private static final Duration PROBE = RegistryRecovery.PROBE_INTERVAL;
    private static final Duration BOUND = RegistryRecovery.MAX_WAIT;

    /** Time that passes only when the wait sleeps, or a probe takes it. */
    private final FakeTime time = new FakeTime();

    private boolean await(Registry registry, BooleanSupplier stopping) {
        return new RegistryRecovery(registry, PROBE, BOUND, stopping, time).awaitAnswer();
    }

    @Test
    void shouldWaitUntilTheRegistryAnswersAgain() {
        // given a registry that gives no answer to the first three probes
        Registry registry = new Registry(3);
        // when the failed thread waits for it
        boolean answered = await(registry, () -> false);
        // then it was asked four times, a probe interval apart, each probe bounded by the interval
        assertThat(answered).isTrue();
        assertThat(registry.probes).hasValue(4);
        assertThat(time.elapsed()).isEqualTo(PROBE.multipliedBy(3));
        assertThat(registry.timeouts).containsOnly(PROBE);
    }

    @Test
    void shouldNotWaitWhenTheRegistryAnswersAtOnce() {
        Registry registry = new Registry(0);
        assertThat(await(registry, () -> false)).isTrue();
        assertThat(registry.probes).hasValue(1);
        assertThat(time.elapsed()).isZero();
    }

    @Test
    void shouldGiveUpWaitingAfterTheBound() {
        // given a registry that never answers
        Registry registry = new Registry(Integer.MAX_VALUE);
        // when the failed thread waits for it
        boolean answered = await(registry, () -> false);
        // then it is replaced all the same once the bound has passed
        assertThat(answered).isFalse();
        assertThat(time.elapsed()).isEqualTo(BOUND);
        assertThat(registry.probes).as("at 0, 2, ... 58 s; none at the bound, with no time left to answer")
                .hasValue(30);
    }

    @Test
    void shouldKeepToTheBoundWhenEveryProbeHangsForItsWholeTimeout() {
        // given a registry that takes every probe's whole time and gives no answer (a hung server)
        Registry registry = new Registry(Integer.MAX_VALUE);
        registry.onProbe = n -> time.pass(registry.timeouts.get(registry.timeouts.size() - 1));
        // when the failed thread waits for it
        boolean answered = await(registry, () -> false);
        // then the wait still ends at the bound, not after as many probes as fit into it, each at its timeout;
        // the last probe is given only the time left
        assertThat(answered).isFalse();
        assertThat(time.elapsed()).isEqualTo(BOUND);
    }

    @Test
    void shouldStopWaitingWhenTheGuardIsStopping() {
        // given a registry that never answers, and a guard asked to stop after the second probe
        Registry registry = new Registry(Integer.MAX_VALUE);
        AtomicBoolean stopping = new AtomicBoolean();
        registry.onProbe = n -> stopping.set(n == 2);
        // when the failed thread waits
        boolean answered = await(registry, stopping::get);
        // then it stops asking at once, so that closing the guard is not held up
        assertThat(answered).isFalse();
        assertThat(registry.probes).hasValue(2);
    }

    @Test
    void shouldKeepTheInterruptOfAnInterruptedWait() {
        Registry registry = new Registry(Integer.MAX_VALUE);
        Thread.currentThread().interrupt();
        try {
            assertThat(new RegistryRecovery(registry, PROBE, BOUND, () -> false).awaitAnswer()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(registry.probes).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    private static final class FakeTime implements RegistryRecovery.Time {
        private long nanos;

        @Override
        public long nanos() {
            return nanos;
        }

        @Override
        public void sleep(Duration duration) {
            pass(duration);
        }

        void pass(Duration duration) {
            nanos += duration.toNanos();
        }

        Duration elapsed() {
            return Duration.ofNanos(nanos);
        }
    }

    /** A registry that gives no answer to its first {@code silentProbes} probes; nothing else is asked of it. */
    private static final class Registry implements SchemaRegistryClient {
        private final int silentProbes;
        private final AtomicInteger probes = new AtomicInteger();
        private final List<Duration> timeouts = new ArrayList<>();
        private java.util.function.IntConsumer onProbe = n -> { };

        Registry(int silentProbes) {
            this.silentProbes = silentProbes;
        }

        @Override
        public boolean answers(Duration within) {
            timeouts.add(within);
            int probe = probes.incrementAndGet();
            onProbe.accept(probe);
            return probe > silentProbes;
        }

        @Override
        public int register(String subject, Schema schema) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getId(String subject, Schema schema) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Schema getSchemaById(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SchemaMetadata getLatestSchemaMetadata(String subject) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean testCompatibility(String subject, Schema schema) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Collection<String> getAllSubjects() {
            throw new UnsupportedOperationException();
        }
    }
}
