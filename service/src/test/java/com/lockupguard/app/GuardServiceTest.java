package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's lifecycle as its callers (run, demo, bench) wait on it, without a broker. */
class GuardServiceTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldSayTheGuardIsNotRunningWhenItDidNotGetThereInTime() throws Exception {
        // given a guard that never starts (its cluster never answers, a rebalance that never ends)
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString()));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a caller waits for it to run, then it is told it did not
            assertThat(service.awaitRunning(Duration.ofMillis(200))).isFalse();
            assertThat(service.isReady()).isFalse();
        }
    }
}
