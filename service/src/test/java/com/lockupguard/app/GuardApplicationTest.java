package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole guard's start, without a broker: what it leaves behind when it cannot finish. */
class GuardApplicationTest {

    @TempDir
    Path stateDir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCloseWhatItStartedWhenAnErrorEndsTheStart() throws Exception {
        // given a guard serving its HTTP API, whose start then meets an Error (a class that cannot load, say)
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-application-test", "state.dir", stateDir.toString(), "http.port", "0"));
        LinkageError error = new LinkageError("a class that cannot load");
        List<GuardApplication> made = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();

        // when
        Throwable thrown = catchThrowable(() -> GuardApplication.start(config, starting -> {
            made.add(starting);
            ports.add(starting.httpPort());
            throw error;
        }));

        // then the Error is passed on, and what the start made is closed: nothing keeps the process up, its port
        // taken and its health answering, and the meters are unbound
        assertThat(thrown).isSameAs(error);
        GuardApplication guard = made.get(0);
        assertThat(guard.service().streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(guard.metrics().registry().isClosed()).isTrue();
        assertThat(ports).singleElement().satisfies(port -> assertThat(port).isPositive());
        try (ServerSocket again = new ServerSocket(ports.get(0), 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.isBound()).as("the HTTP port, free again").isTrue();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldUnbindItsMetersWhenClosed() throws Exception {
        // given a guard, closed as a caller closes it (bench starts many in one JVM, each to be closed whole)
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-application-test", "state.dir", stateDir.toString(), "http.port", "0"));
        List<Boolean> metersClosed = new ArrayList<>();

        // when it is closed, here inside its start, where the start's own clean-up has not run yet
        catchThrowable(() -> GuardApplication.start(config, starting -> {
            starting.close();
            metersClosed.add(starting.metrics().registry().isClosed());
            throw new IllegalStateException("stop here");
        }));

        // then its close alone unbound the meters (the JVM's and Kafka's), not the failed start's clean-up after it
        assertThat(metersClosed).containsExactly(true);
    }
}
