package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.cli.LockupGuardTools;
import com.lockupguard.topology.DecisionObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Partitions added to the guard's inputs while it runs. Kafka puts a key on {@code murmur2(key) % count}: with 8
 * partitions instead of 4, half the holdings' orders arrive on partitions where their state is not. Kafka Streams
 * keeps the old tasks running until its metadata shows the new partitions (up to {@code metadata.max.age.ms}, 5
 * minutes by default), leaving those orders undecided; then every rebalance fails on the changelogs' old count, and a
 * guard replacing its stream threads did so forever, reporting RUNNING while it decided nothing. It must stop, saying
 * why, and refuse to start again on those inputs.
 */
@Timeout(300)
class PartitionsAddedIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldStopWithinTheCheckIntervalWhenPartitionsAreAddedToItsInputs() throws Exception {
        String scope = "partitions-watch-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard on 4 partitions that reads its topics again every second, having decided orders
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-partitions-watch", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "1000");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                decideSomeOrders(settings);

                // when an operator adds partitions to both inputs (keeping them co-partitioned)
                addPartitions(settings, 8);

                // then the guard stops, saying why, long before Kafka Streams would see the new partitions
                expectStoppedNamingTheChange(guard);
            }

            // and it refuses to start again on those inputs, its state having been built for 4 partitions
            expectRefusedAtStart(settings);
            // and config --check says so without starting, and sizes the RocksDB bound for the 8 partitions there
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: 'agreements' and 'orders' "
                    + "have 8 partitions, but this guard's state (application.id=guard-partitions-watch) was built "
                    + "for 4").contains("this instance may hold 40 (8 partitions, 5 stores each, standbys included)"
                    + " [8 partitions: topic orders]");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStopRatherThanReplaceItsThreadsForeverWhenKafkaStreamsSeesAddedPartitions() throws Exception {
        String scope = "partitions-rebalance-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that reads its topics only at start and when a thread fails, whose clients refresh their
            // metadata every 2 s, having decided orders
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-partitions-rebalance", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "0");
            settings.put("metadata.max.age.ms", "2000");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                decideSomeOrders(settings);

                // when partitions are added to both inputs, and Kafka Streams' rebalance fails on its changelogs
                addPartitions(settings, 8);

                // then the first failed thread stops the guard: no thread is replaced
                expectStoppedNamingTheChange(guard);
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldEndTheRunCommandWithExitCode1NamingWhyTheGuardStopped() throws Exception {
        String scope = "partitions-run-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given `lockup-guard run` deciding orders, its topics read again every second
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-partitions-run", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "1000");
            settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
            settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
            List<String> args = new ArrayList<>(List.of("run"));
            settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
            new BrokerIO(settings).createTopics(); // as run creates them: produced orders wait for it, not for them
            StringWriter err = new StringWriter();
            CommandLine commandLine = LockupGuardTools.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> commandLine.execute(args.toArray(String[]::new)));
            decideSomeOrders(settings);

            // when partitions are added to its inputs
            addPartitions(settings, 8);

            // then run ends on its own with exit code 1, a supervisor's cue, saying why on stderr
            assertThat(exit.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(err.toString()).contains("the guard stopped: partitions were added to the guard's inputs "
                    + "while it ran");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static void decideSomeOrders(Map<String, String> settings) throws InterruptedException {
        Scenario scenario = Scenario.random(61, 8, 40);
        BrokerIO io = new BrokerIO(settings);
        io.produce(scenario);
        assertThat(io.awaitDecisions(40, Duration.ofSeconds(60))).hasSize(40);
    }

    private static void addPartitions(Map<String, String> settings, int partitions) throws Exception {
        GuardConfig config = new GuardConfig(settings);
        try (Admin admin = Admin.create(config.adminProperties())) {
            admin.createPartitions(Map.of(config.topicNames().orders(), NewPartitions.increaseTo(partitions),
                    config.topicNames().agreements(), NewPartitions.increaseTo(partitions))).all().get();
        }
    }

    private static void expectStoppedNamingTheChange(GuardInstance guard) {
        // the state, not a stream thread's exception: Kafka Streams reports those to the guard, which decides
        await().atMost(Duration.ofSeconds(60)).dontCatchUncaughtExceptions()
                .until(() -> guard.service().state() == KafkaStreams.State.ERROR
                        || guard.service().state() == KafkaStreams.State.NOT_RUNNING);
        assertThat(guard.service().isReady()).isFalse();
        assertThat(guard.service().failure()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("partitions were added to the guard's inputs while it ran")
                .contains("'agreements' has 8 and 'orders' 8, the guard started with 4"));
    }

    private void expectRefusedAtStart(Map<String, String> settings) {
        assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'agreements' and 'orders' have 8 partitions, but this guard's state "
                        + "(application.id=guard-partitions-watch) was built for 4")
                .hasMessageContaining("-changelog' has 4");
    }
}
