package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM or Ctrl-C while {@code run} starts the guard: the hook is played here, not installed. */
class GuardShutdownHookTest {

    @TempDir
    Path stateDir;

    /** A guard whose cluster never answers: it exists at once, and its start would wait 30 s for the cluster. */
    private GuardConfig unansweredGuard() {
        return new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-shutdown-hook-test", "state.dir", stateDir.toString(), "http.port", "-1"));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldCloseTheGuardWhenTheSignalComesWhileItStarts() {
        // given a hook, and a guard being started that has just been handed to it
        GuardShutdownHook shutdown = new GuardShutdownHook();
        List<GuardApplication> made = new ArrayList<>();

        // when the signal comes then, before Kafka Streams starts
        assertThatThrownBy(() -> GuardApplication.start(unansweredGuard(), starting -> {
            shutdown.made(starting);
            made.add(starting);
            shutdown.onSignal();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped before it started");

        // then the hook closed it (Kafka Streams' own state: the guard's follows it a moment later, from a listener),
        // and its start went no further: it did not wait for the cluster
        assertThat(made).singleElement().satisfies(guard ->
                assertThat(guard.service().streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldKeepTheGuardFromStartingWhenTheSignalCameBeforeItExisted() {
        // given a hook whose signal came while the guard was being made
        GuardShutdownHook shutdown = new GuardShutdownHook();
        shutdown.onSignal();
        List<KafkaStreams.State> whenMade = new ArrayList<>();
        List<GuardApplication> made = new ArrayList<>();

        // when the guard comes to exist
        assertThatThrownBy(() -> GuardApplication.start(unansweredGuard(), starting -> {
            whenMade.add(starting.service().streams().state());
            made.add(starting);
            shutdown.made(starting);
        })).isInstanceOf(IllegalStateException.class).hasMessage("stopped by a signal while starting");

        // then it was handed over before Kafka Streams started, and never started: it is closed
        assertThat(whenMade).containsExactly(KafkaStreams.State.CREATED);
        assertThat(made).singleElement().satisfies(guard ->
                assertThat(guard.service().streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING));
    }
}
