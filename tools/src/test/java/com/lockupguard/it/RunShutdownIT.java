package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.cli.CommandProcess;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} in a JVM of its own, stopped as an orchestrator stops it (SIGTERM): Kafka Streams is closed before the
 * JVM halts, so that the next start finds its state whole instead of restoring it all from the changelogs.
 */
@Timeout(240)
class RunShutdownIT {

    @TempDir
    Path stateDir;

    @TempDir
    Path logs;

    /** The run JVMs' java.io.tmpdir. */
    @TempDir
    Path tmp;

    @Test
    void shouldCloseKafkaStreamsSoThatItsStateIsKeptWhenStoppedBySigterm() throws Exception {
        String scope = "run-shutdown-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1);
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                        .host("127.0.0.1").start()) {
            // given `lockup-guard run` deciding orders under exactly-once, in its own JVM
            Map<String, String> producers = GuardInstance.settings(kafka, "guard-run-shutdown", scope);
            Map<String, String> settings = new HashMap<>(producers);
            settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
            settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
            Path log = logs.resolve("run.log");
            Process run = start(log, settings);
            Process again = null;
            try {
                BrokerIO io = new BrokerIO(producers);
                io.produce(Scenario.random(67, 4, 40));
                assertThat(io.awaitDecisions(40, Duration.ofSeconds(90))).as("run log:%n%s", read(log)).hasSize(40);

                // when it is sent SIGTERM, and started again on the same state
                run.destroy();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
                Path logAgain = logs.resolve("run-again.log");
                again = start(logAgain, settings);

                // then it had closed Kafka Streams before its JVM halted: exit code 143, and the next start finds its
                // state whole, restoring no record (after a halt, exactly-once wipes it and restores every one)
                assertThat(run.exitValue()).as("exit code of a JVM ended by SIGTERM").isEqualTo(143);
                assertThat(read(log)).contains("stopping guard")
                        .contains("guard state PENDING_SHUTDOWN -> NOT_RUNNING");
                assertThat(read(logAgain)).as("run log after the restart:%n%s", read(logAgain))
                        .doesNotContain("corrupted").contains("restored holding-state from ")
                        .doesNotContainPattern("restored [a-z-]+ from [a-z0-9-]+: [1-9][0-9]* records");
            } finally {
                run.destroyForcibly();
                if (again != null) {
                    again.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** {@code run} with {@code settings} in a JVM of its own, once it says Kafka Streams is RUNNING. */
    private Process start(Path log, Map<String, String> settings) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("run"));
        settings.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        Process process = CommandProcess.start(tmp, log, arguments.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).failFast(() -> !process.isAlive())
                .until(() -> read(log).contains("-> RUNNING"));
        return process;
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
