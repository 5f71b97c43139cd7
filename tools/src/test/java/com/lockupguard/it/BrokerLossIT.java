package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker loss: 3 brokers (replication 3, min.insync.replicas 2); one broker is stopped while
 * orders stream in, and brought back. Nothing is lost or decided twice.
 */
@Timeout(300)
class BrokerLossIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldLoseAndDuplicateNothingWhenBrokerStopsAndReturns() throws Exception {
        Scenario all = Scenario.random(31, 8, 600);
        int split = all.agreementLines() + 150;
        String scope = "broker-loss-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(3)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-broker-loss", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(all.head(split));
                assertThat(io.awaitDecisions(150, Duration.ofSeconds(60))).hasSize(150);

                // when a broker stops while orders stream in (100 a second), and comes back
                // (the stream holds after 200 lines until the broker is down: stopping one took over 3.5 s, the
                // whole rest of the stream, on a busy machine)
                BrokerIO.Streaming streaming = io.streamInBackground(all.tail(split), 100, 200);
                streaming.awaitSent(100);
                int victim = kafka.brokerIds().stream().sorted().skip(1).findFirst().orElseThrow();
                kafka.stopBroker(victim);
                int sentWhenStopped = streaming.sentSoFar();
                streaming.resume();
                await().atMost(Duration.ofSeconds(90)).until(() -> io.awaitDecisions(0, Duration.ZERO).size() >= 320
                        && streaming.sentSoFar() >= sentWhenStopped + 50);
                int sentWhileDown = streaming.sentSoFar() - sentWhenStopped;
                kafka.restartBroker(victim);
                streaming.join();
                assertThat(sentWhenStopped).as("orders still streaming when the broker stopped").isLessThan(450);
                assertThat(sentWhileDown).as("orders sent while the broker was down").isPositive();

                // then every order is decided exactly once, as the replay decides it
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(600, Duration.ofSeconds(120));
                BrokerIO.assertEachOrderDecidedOnce(decisions, 600);
                assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                        .containsExactlyElementsOf(Scenario.sorted(all.expected()));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
