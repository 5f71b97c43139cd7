package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scale-out: two instances of one guard share a 4-partition orders topic; one is killed
 * mid-stream and the other takes its partitions over. Each order is decided exactly once, as the
 * replay decides it. One that is stopped leaves the group, so its partitions move at once.
 */
@Timeout(300)
class ScaleOutIT {

    @TempDir
    Path stateDirs;

    @Test
    void shouldShareWorkAndTakeOverPartitionsOfKilledInstance() throws Exception {
        Scenario all = Scenario.random(23, 8, 600);
        int split = all.agreementLines() + 200;
        String scope = "scale-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-scale", scope);
            BrokerIO io = new BrokerIO(settings);
            GuardInstance first = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE);
            try (GuardInstance second = GuardInstance.start(settings, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                // given both instances share the four partitions
                awaitBothWorking(first, second);
                assertThat(activeTasks(first) + activeTasks(second)).isEqualTo(4);
                io.produce(all.head(split));
                assertThat(io.awaitDecisions(200, Duration.ofSeconds(60))).hasSize(200);

                // when the rest streams in and the first instance is killed in the middle of it
                BrokerIO.Streaming streaming = io.streamInBackground(all.tail(split), 100);
                // a second into the stream, with 3 s of it still to come (waiting for decisions
                // instead made the kill race the producer's end on a busy machine)
                streaming.awaitSent(100);
                first.kill();
                assertThat(streaming.sentSoFar()).as("orders still streaming when the instance was killed")
                        .isLessThan(400);

                // then the second instance takes every partition over
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> activeTasks(second) == 4 && second.service().isReady());
                streaming.join();
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(600, Duration.ofSeconds(120));
                BrokerIO.assertEachOrderDecidedOnce(decisions, 600);
                assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                        .containsExactlyElementsOf(Scenario.sorted(all.expected()));
            } finally {
                first.close();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @ParameterizedTest(name = "with group.instance.id: {0}")
    @ValueSource(booleans = {false, true})
    void shouldHandAStoppedInstancesPartitionsOverAtOnceRatherThanWhenItsSessionExpires(boolean staticMembers)
            throws Exception {
        String scope = "stop-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given two instances sharing the four partitions, whose sessions outlast a rebalance by far (members
            // that Kafka keeps through a restart, or not)
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-stop", scope);
            settings.put("session.timeout.ms", "60000");
            settings.put("heartbeat.interval.ms", "3000");
            Map<String, String> a = staticMembers ? withInstanceId(settings, "guard-a") : settings;
            Map<String, String> b = staticMembers ? withInstanceId(settings, "guard-b") : settings;
            GuardInstance first = GuardInstance.start(a, stateDirs.resolve("a"), DecisionObserver.NONE);
            try (GuardInstance second = GuardInstance.start(b, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                awaitBothWorking(first, second);

                // when the first one is stopped, as a rolling restart stops it
                first.close();

                // then the second decides every partition's orders well before the first's session would expire:
                // orders do not wait a session timeout for a guard that said it was going (60 s; 50 s leaves a loaded
                // machine the time to restore and take the tasks)
                await().atMost(Duration.ofSeconds(50))
                        .until(() -> activeTasks(second) == 4 && second.service().isReady());
            } finally {
                first.close();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldKeepDecidingWhenAKilledInstanceComesBackUnderItsGroupInstanceId() throws Exception {
        Scenario all = Scenario.random(29, 8, 400);
        int split = all.agreementLines() + 100;
        String scope = "static-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given two instances, each with its own group.instance.id, whose sessions outlast the wait below by far
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-static", scope);
            settings.put("session.timeout.ms", "120000");
            settings.put("heartbeat.interval.ms", "3000");
            Map<String, String> a = withInstanceId(settings, "guard-a");
            Map<String, String> b = withInstanceId(settings, "guard-b");
            BrokerIO io = new BrokerIO(settings);
            GuardInstance first = GuardInstance.start(a, stateDirs.resolve("a"), DecisionObserver.NONE);
            try (GuardInstance second = GuardInstance.start(b, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                awaitBothWorking(first, second);
                io.produce(all.head(split));
                assertThat(io.awaitDecisions(100, Duration.ofSeconds(60))).hasSize(100);

                // when the first is killed and comes straight back, as a supervisor restarts a killed process (its
                // state lost: restored from the changelogs)
                first.kill();
                long killed = System.nanoTime();
                try (GuardInstance back = GuardInstance.start(a, stateDirs.resolve("a-again"),
                        DecisionObserver.NONE)) {
                    io.produce(all.tail(split));

                    // then the group does not wait for the killed member's session to expire (120 s) before
                    // deciding again: the returning instance takes its place, and every order is decided once
                    List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(400, Duration.ofSeconds(60));
                    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(100));
                    BrokerIO.assertEachOrderDecidedOnce(decisions, 400);
                    assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                            .containsExactlyElementsOf(Scenario.sorted(all.expected()));
                    assertThat(activeTasks(back) + activeTasks(second)).isEqualTo(4);
                }
            } finally {
                first.close();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStopTheInstanceWhoseGroupInstanceIdASecondInstanceTook() throws Exception {
        String scope = "fenced-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given an instance under group.instance.id=guard-a
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-fenced", scope);
            settings.put("group.instance.id", "guard-a");
            try (GuardInstance first = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> first.service().isReady());

                // when a second one starts under the same id (a copied configuration)
                try (GuardInstance second = GuardInstance.start(settings, stateDirs.resolve("b"),
                        DecisionObserver.NONE)) {
                    // then the first stops, saying why, rather than go on under the next thread's id, which a
                    // restart would give up again, fencing the second in turn
                    await().atMost(Duration.ofSeconds(60)).until(() -> first.service().stopped().isPresent());
                    assertThat(first.service().stopped()).hasValueSatisfying(stop -> assertThat(stop.reason())
                            .contains("under the same group.instance.id=guard-a")
                            .contains("give each instance its own group.instance.id"));
                    await().atMost(Duration.ofSeconds(60)).until(() -> activeTasks(second) == 4
                            && second.service().isReady());
                    assertThat(second.service().stopped()).isEmpty();
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** {@code settings}, the stream threads joining under {@code group.instance.id=id}. */
    private static Map<String, String> withInstanceId(Map<String, String> settings, String id) {
        Map<String, String> withId = new HashMap<>(settings);
        withId.put("group.instance.id", id);
        return withId;
    }

    /** Waits until both instances run tasks and are ready. */
    private static void awaitBothWorking(GuardInstance first, GuardInstance second) {
        await().atMost(Duration.ofSeconds(60)).until(() -> activeTasks(first) > 0 && activeTasks(second) > 0
                && first.service().isReady() && second.service().isReady());
    }

    private static int activeTasks(GuardInstance instance) {
        return instance.service().streams().metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks).mapToInt(java.util.Set::size).sum();
    }
}
