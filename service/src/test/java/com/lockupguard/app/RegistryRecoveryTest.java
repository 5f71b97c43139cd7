package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** A stream thread that failed for want of the registry is replaced when the registry answers, not before. */
class RegistryRecoveryTest {

    private static final Duration PROBE = Duration.ofMillis(1);

    @Test
    void shouldWaitUntilTheRegistryAnswersAgain() {
        // given a registry that gives no answer to the first three probes
        Registry registry = new Registry(3);
        // when the failed thread waits for it
        boolean answered = new RegistryRecovery(registry, PROBE, Duration.ofSeconds(10), () -> false).awaitAnswer();
        // then it was asked four times and answered the fourth
        assertThat(answered).isTrue();
        assertThat(registry.probes).hasValue(4);
    }

    @Test
    void shouldNotWaitWhenTheRegistryAnswersAtOnce() {
        Registry registry = new Registry(0);
        assertThat(new RegistryRecovery(registry, Duration.ofHours(1), Duration.ofHours(2), () -> false).awaitAnswer())
                .isTrue();
        assertThat(registry.probes).hasValue(1);
    }

    @Test
    void shouldGiveUpWaitingAfterTheBound() {
        // given a registry that never answers
        Registry registry = new Registry(Integer.MAX_VALUE);
        // when the wait is bounded to five probe intervals
        boolean answered = new RegistryRecovery(registry, PROBE, PROBE.multipliedBy(5), () -> false).awaitAnswer();
        // then the thread is replaced after five probes all the same
        assertThat(answered).isFalse();
        assertThat(registry.probes).hasValue(5);
    }

    @Test
    void shouldStopWaitingWhenTheGuardIsStopping() {
        // given a registry that never answers, and a guard asked to stop after the second probe
        Registry registry = new Registry(Integer.MAX_VALUE);
        AtomicBoolean stopping = new AtomicBoolean();
        registry.onProbe = n -> stopping.set(n == 2);
        // when the failed thread waits
        boolean answered = new RegistryRecovery(registry, PROBE, Duration.ofSeconds(10), stopping::get).awaitAnswer();
        // then it stops asking at once, so that closing the guard is not held up
        assertThat(answered).isFalse();
        assertThat(registry.probes).hasValue(2);
    }

    @Test
    void shouldKeepTheInterruptOfAnInterruptedWait() {
        Registry registry = new Registry(Integer.MAX_VALUE);
        Thread.currentThread().interrupt();
        try {
            assertThat(new RegistryRecovery(registry, Duration.ofSeconds(1), Duration.ofSeconds(10), () -> false)
                    .awaitAnswer()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(registry.probes).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    /** A registry that gives no answer to its first {@code silentProbes} probes; nothing else is asked of it. */
    private static final class Registry implements SchemaRegistryClient {
        private final int silentProbes;
        private final AtomicInteger probes = new AtomicInteger();
        private java.util.function.IntConsumer onProbe = n -> { };

        Registry(int silentProbes) {
            this.silentProbes = silentProbes;
        }

        @Override
        public boolean answers() {
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
