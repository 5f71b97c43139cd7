package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionRuling;
import com.lockupguard.state.StateCodec;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.StoreNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under failure, as Kafka's EosIntegrationTest proves it: a stream thread dies in the
 * middle of an open transaction, is replaced, and reprocesses from the last commit. Read
 * read_uncommitted, the aborted attempt is in the log; read read_committed, every order is decided
 * exactly once, the decisions equal the replay's, and the stores hold the replay's final positions.
 */
@Timeout(240)
class ExactlyOnceUnderFailureIT {

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

    /** Fails the stream thread once, while taking the {@code failAt}-th order or execution report. */
    static final class FailOnce implements DecisionObserver {
        private final int failAt;
        private final AtomicInteger taken = new AtomicInteger();
        final AtomicBoolean failed = new AtomicBoolean();

        FailOnce(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void decided(com.lockupguard.rules.Decision decision, long orderTimestamp) {
            failOnce();
        }

        @Override
        public void reported(ExecutionRequest report, ExecutionRuling ruling, long reportTimestamp) {
            failOnce();
        }

        private void failOnce() {
            if (taken.incrementAndGet() == failAt && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure in the middle of a transaction");
            }
        }
    }

    @Test
    void shouldDecideEveryOrderExactlyOnceAcrossThreadFailure() throws Exception {
        // given long transactions (commit every 5 s) and a failure injected after 300 of 600 decisions
        Scenario scenario = Scenario.random(7, 8, 600);
        String scope = "eos-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-eos", scope);
        settings.put("commit.interval.ms", "5000");
        // let the injected exception kill the thread instead of dead-lettering the record
        settings.put("processing.exception.handler",
                "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler");
        FailOnce failOnce = new FailOnce(300);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, failOnce)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(scenario);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(600, Duration.ofSeconds(120));

            // then the failure happened, inside an open transaction, and the thread was replaced
            assertThat(failOnce.failed).isTrue();
            assertThat(guard.service().replacedThreads()).isEqualTo(1);
            // and the log holds the aborted attempt: read_uncommitted, some orders were decided more than once,
            // every committed decision is among them, and each attempt decided as the committed one did
            Map<String, List<Scenario.Outcome>> attempts = io.awaitValues(io.topics().approved(), 0,
                    Duration.ofSeconds(30), "read_uncommitted").stream().map(Scenario.Outcome::of)
                    .collect(Collectors.groupingBy(Scenario.Outcome::orderId));
            io.awaitValues(io.topics().blocked(), 0, Duration.ofSeconds(30), "read_uncommitted").stream()
                    .map(Scenario.Outcome::of)
                    .forEach(o -> attempts.computeIfAbsent(o.orderId(), id -> new ArrayList<>()).add(o));
            Map<String, Scenario.Outcome> committed = BrokerIO.lastBy(BrokerIO.outcomes(decisions),
                    Scenario.Outcome::orderId);
            assertThat(attempts.keySet()).isEqualTo(committed.keySet());
            assertThat(attempts.values().stream().filter(a -> a.size() > 1).count())
                    .as("orders decided in the aborted transaction, and again after it").isPositive();
            attempts.forEach((orderId, tries) -> assertThat(tries).as(orderId).containsOnly(committed.get(orderId)));
            // and read_committed, each order exactly once, as the replay decides it
            BrokerIO.assertEachOrderDecidedOnce(decisions, 600);
            List<Scenario.Outcome> expected = scenario.expected();
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions))).containsExactlyElementsOf(Scenario.sorted(expected));
            // and the stores hold the replay's final positions
            Map<String, Scenario.Outcome> lastExpected = BrokerIO.lastBy(
                    expected.stream().filter(o -> o.soldToDate() != null).toList(),
                    o -> o.investorId() + "/" + o.securityId());
            ReadOnlyKeyValueStore<String, byte[]> holdings = guard.service().streams().store(
                    StoreQueryParameters.fromNameAndType(StoreNames.HOLDING_STATE,
                            QueryableStoreTypes.keyValueStore()));
            StateCodec codec = guard.service().topics().stateCodec();
            lastExpected.forEach((holding, last) -> assertThat(codec.holding(holdings.get(holding)).state().usedTotal())
                    .as(holding).isEqualTo(last.usedAfter()));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldAnswerEveryExecutionReportExactlyOnceAcrossThreadFailure() throws Exception {
        // given orders with their fills, cancels and resent reports, and a failure injected in the middle of them
        Scenario scenario = Scenario.randomWithExecutions(8, 8, 300);
        int reports = scenario.executionCount();
        String scope = "eos-reports-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-eos-reports", scope), "reports-");
        settings.put("commit.interval.ms", "5000");
        settings.put("processing.exception.handler",
                "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler");
        FailOnce failOnce = new FailOnce((300 + reports) / 2);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, failOnce)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(scenario);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(300, Duration.ofSeconds(120));
            List<ReportResult> results = io.awaitValues(io.topics().executionResults(), reports,
                    Duration.ofSeconds(120));
            // then the failure happened inside an open transaction, and its results were aborted, not read
            assertThat(failOnce.failed).isTrue();
            assertThat(guard.service().replacedThreads()).isEqualTo(1);
            assertThat(io.awaitValues(io.topics().executionResults(), reports, Duration.ofSeconds(30),
                    "read_uncommitted")).as("results of the aborted attempt are in the log").hasSizeGreaterThan(reports);
            // and read_committed, each order decided once and each report answered once, as the replay does:
            // a resent report is a DUPLICATE, and no fill is counted twice
            BrokerIO.assertEachOrderDecidedOnce(decisions, 300);
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));
            List<Scenario.ResultOutcome> expected = scenario.expectedResults();
            assertThat(expected).extracting(Scenario.ResultOutcome::result).contains("DUPLICATE");
            assertThat(Scenario.sortedResults(results.stream().map(Scenario.ResultOutcome::of).toList()))
                    .containsExactlyElementsOf(Scenario.sortedResults(expected));
            assertThat(io.awaitValues(io.topics().complianceAlerts(), 0, Duration.ofSeconds(30)))
                    .hasSize((int) expected.stream().filter(r -> r.alertType() != null).count());
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
