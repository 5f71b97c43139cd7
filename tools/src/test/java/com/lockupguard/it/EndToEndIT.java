package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Position;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A timeline through the real broker gives exactly the replay's decisions. */
@Timeout(180)
class EndToEndIT {

    private static TestKafka kafka;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start(1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldDecideLettersTimelineOnBrokerExactlyAsReplay() throws Exception {
        // given the letter's worked example, with its agreement update between orders and a retried order
        Scenario letter = Scenario.of(Files.readAllLines(Path.of("examples/letter-2003.jsonl")));
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-e2e-letter", scope);
        settings.put("topic.agreements", "letter-agreements");
        settings.put("topic.orders", "letter-orders");
        settings.put("topic.approved", "letter-approved");
        settings.put("topic.blocked", "letter-blocked");
        settings.put("topic.dead.letters", "letter-dlq");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(letter);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(letter.orderCount(), Duration.ofSeconds(60));
            // then the same decisions, in the same order (one holding: one partition)
            assertThat(BrokerIO.outcomes(decisions)).containsExactlyElementsOf(letter.expected());
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldDecideRandomTimelineOverManyHoldingsExactlyAsReplay() throws Exception {
        // given 8 holdings on 4 partitions and 400 orders
        Scenario scenario = Scenario.random(42, 8, 400);
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-e2e-random", scope);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(scenario);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(400, Duration.ofSeconds(90));
            // then
            BrokerIO.assertEachOrderDecidedOnce(decisions, 400);
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));
            // and each holding's latest published position (positions coalesce per commit, through the outbox) is
            // the replay's final one
            Map<String, Position> published = new LinkedHashMap<>();
            io.awaitValues(io.topics().positions(), 8, Duration.ofSeconds(30))
                    .forEach(position -> published.put(position.getInvestorId() + "/" + position.getSecurityId(),
                            position));
            Map<String, Scenario.Outcome> last = BrokerIO.lastBy(scenario.expected().stream()
                    .filter(o -> o.soldToDate() != null).toList(), o -> o.investorId() + "/" + o.securityId());
            assertThat(published.keySet()).containsAll(last.keySet());
            last.forEach((holding, outcome) -> {
                assertThat(published.get(holding).getSoldToDate()).as(holding).isEqualTo(outcome.soldToDate());
                assertThat(published.get(holding).getReservedNow()).as(holding).isEqualTo(outcome.reservedNow());
            });
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
