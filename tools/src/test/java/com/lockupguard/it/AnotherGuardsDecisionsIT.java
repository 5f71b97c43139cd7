package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second guard, under another application.id (a typo, a changed deployment), started on the topics a first guard
 * decides on. Kafka Streams gives the new id a new consumer group, which starts at the first order the inputs keep,
 * and no state: it would decide every kept order again, without the sales the first guard counted, and write a
 * second decision for each next to the first.
 */
@Timeout(240)
class AnotherGuardsDecisionsIT {

    @TempDir
    Path stateDirs;

    @Test
    void shouldRefuseToStartANewApplicationIdOnAnotherGuardsDecisionsUnlessTold() throws Exception {
        Scenario scenario = Scenario.random(83, 3, 30);
        String scope = "another-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that decided 30 orders, and stopped
            Map<String, String> first = GuardInstance.settings(kafka, "guard-first", scope);
            BrokerIO io = new BrokerIO(first);
            try (GuardInstance guard = GuardInstance.start(first, stateDirs.resolve("first"), DecisionObserver.NONE)) {
                io.produce(scenario);
                assertThat(io.awaitDecisions(30, Duration.ofSeconds(60))).hasSize(30);
            }

            // when a guard with another application.id starts on the same topics
            Map<String, String> second = new HashMap<>(first);
            second.put(GuardConfig.APPLICATION_ID_CONFIG, "guard-second");

            // then it refuses, saying why, and nothing is decided again
            assertThatThrownBy(() -> GuardInstance.start(second, stateDirs.resolve("second"), DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this guard (application.id=guard-second) has never run here")
                    .hasMessageContaining("would decide every order 'orders' keeps again")
                    .hasMessageContaining("topics.existing.decisions.check=warn");
            assertThat(io.awaitDecisions(30, Duration.ofSeconds(10))).hasSize(30);
            // and config --check says so without starting
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(second, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: this guard "
                    + "(application.id=guard-second) has never run here");

            // and the first guard starts again as before: it has run here
            try (GuardInstance again = GuardInstance.start(first, stateDirs.resolve("first"), DecisionObserver.NONE)) {
                assertThat(again.service().isReady()).isTrue();
            }

            // and told to, the second starts, and does what the check warned of: each order decided a second time
            second.put(GuardConfig.TOPICS_EXISTING_DECISIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
            StringWriter warned = new StringWriter();
            assertThat(ConfigCheck.run(second, warned)).isZero();
            assertThat(warned.toString()).contains("# topics: `run` would warn: this guard "
                    + "(application.id=guard-second) has never run here")
                    .doesNotContain("the existing ones keep what the guard must read")
                    .doesNotContain("set topics.existing.decisions.check=warn"); // as it is: the refusal says so
            try (CapturedLogs logged = CapturedLogs.of(GuardService.class);
                    GuardInstance told = GuardInstance.start(second, stateDirs.resolve("second"),
                            DecisionObserver.NONE)) {
                assertThat(io.awaitDecisions(60, Duration.ofSeconds(60))).hasSize(60);
                assertThat(logged.messagesAt(Level.WARN)).filteredOn(message -> message.startsWith(
                        "topics.existing.decisions.check=warn: starting although this guard "
                                + "(application.id=guard-second) has never run here")).singleElement().asString()
                        .endsWith("and write a second decision for each. Is application.id right?");
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldCountAnotherGuardDecidingTheSameOrdersWhileBothRun() throws Exception {
        Scenario scenario = Scenario.random(89, 3, 30);
        String scope = "another-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard deciding alone, reading its topics again every half second
            Map<String, String> first = GuardInstance.settings(kafka, "guard-first", scope);
            first.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "500");
            BrokerIO io = new BrokerIO(first);
            try (GuardInstance guard = GuardInstance.start(first, stateDirs.resolve("first"), DecisionObserver.NONE)) {
                io.produce(scenario);
                assertThat(io.awaitDecisions(30, Duration.ofSeconds(60))).hasSize(30);
                Thread.sleep(1_500);
                assertThat(guard.service().topicProblems()).isZero();

                // when a second guard, under an application id that begins with the first one's, is told to start on
                // its decisions, and the desk sends the orders again (a retry): each guard answers each of them
                Map<String, String> second = new HashMap<>(first);
                second.put(GuardConfig.APPLICATION_ID_CONFIG, "guard-first-2");
                second.put(GuardConfig.TOPICS_EXISTING_DECISIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
                try (GuardInstance other = GuardInstance.start(second, stateDirs.resolve("second"),
                        DecisionObserver.NONE)) {
                    assertThat(io.awaitDecisions(60, Duration.ofSeconds(60))).hasSize(60);
                    io.produce(scenario);
                    assertThat(io.awaitDecisions(120, Duration.ofSeconds(60))).hasSize(120);

                    // then each counts the other writing the decisions, while the desk keeps retrying: a guard counts a
                    // writer for the few looks after it last wrote, which reading the 120 decisions may take longer than
                    AtomicBoolean retrying = new AtomicBoolean(true);
                    CompletableFuture<Void> retries = CompletableFuture.runAsync(() -> {
                        Scenario orders = scenario.tail(scenario.leadingAgreementLines());
                        while (retrying.get()) {
                            try {
                                io.produce(orders);
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    });
                    try {
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            assertThat(guard.service().topicProblems()).isEqualTo(1);
                            assertThat(other.service().topicProblems()).isEqualTo(1);
                        });
                    } finally {
                        retrying.set(false); // the retries end on their own: a failure above is not hidden by theirs
                    }
                    retries.get(30, TimeUnit.SECONDS);
                }

                // and once the other has stopped, the first no longer counts it, a few looks later
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(guard.service().topicProblems()).isZero());
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
