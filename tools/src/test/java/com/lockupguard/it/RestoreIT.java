package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore: an instance stops, its state directory is deleted, and it starts again. The stores
 * come back from their changelogs, and later decisions (and retries of earlier orders) are right.
 */
@Timeout(240)
class RestoreIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldRestoreStoresFromChangelogsAfterStateDirectoryIsLost() throws Exception {
        // given 8 holdings and 400 orders, split in two; the second part starts with a retry of an early order
        Scenario all = Scenario.random(11, 8, 400);
        int split = all.agreementLines() + 200;
        Scenario first = all.head(split);
        String retried = all.lines().get(all.agreementLines() + 5);
        List<String> secondLines = new ArrayList<>();
        secondLines.add(retried.replaceFirst("\"at\":\"[^\"]+\"", "\"at\":\"2004-12-31T00:00:00Z\""));
        secondLines.addAll(all.tail(split).lines());
        Scenario second = Scenario.of(secondLines);
        List<String> everything = new ArrayList<>(first.lines());
        everything.addAll(secondLines);
        Scenario whole = Scenario.of(everything);

        String scope = "restore-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-restore", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(first);
                assertThat(io.awaitDecisions(200, Duration.ofSeconds(60))).hasSize(200);
            }
            // when the instance's state directory is lost and it starts again
            try (java.util.stream.Stream<Path> files = Files.walk(stateDir)) {
                assertThat(files.anyMatch(p -> p.toString().contains("holding-state"))).isTrue();
            }
            GuardInstance.deleteRecursively(stateDir);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // then its stores came back from the changelogs
                assertThat(guard.service().restoredRecords()).isPositive();
                // and the rest of the timeline is decided as if nothing had happened
                io.produce(second);
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(401, Duration.ofSeconds(90));
                assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                        .containsExactlyElementsOf(Scenario.sorted(whole.expected()));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
