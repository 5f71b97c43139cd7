package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream thread that fails under static membership is replaced under another {@code group.instance.id}; the
 * failed thread's member, which Kafka Streams closes without leaving the group, would hold every partition of the
 * group up for its whole session. The guard removes it once the thread has ended.
 */
@Timeout(180)
class StaticMemberReplacementIT {

    private static final Duration SESSION = Duration.ofSeconds(120);
    private static final Duration WITHIN = SESSION.dividedBy(2);

    @TempDir
    Path stateDir;

    @Test
    void shouldDecideAgainWithoutWaitingForTheFailedThreadsSession() throws Exception {
        String scope = "static-replacement-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard with a group.instance.id whose members' sessions last 120 s, and a failure injected at
            // the 100th of 300 decisions, which kills its stream thread
            Scenario scenario = Scenario.random(11, 8, 300);
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-static-replacement", scope);
            settings.put("group.instance.id", "guard-a");
            settings.put("session.timeout.ms", Long.toString(SESSION.toMillis()));
            settings.put("processing.exception.handler",
                    "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler");
            ExactlyOnceUnderFailureIT.FailOnce failOnce = new ExactlyOnceUnderFailureIT.FailOnce(100);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, failOnce)) {
                BrokerIO io = new BrokerIO(settings);

                // when the orders are sent
                io.produce(scenario);
                List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(300, WITHIN);

                // then the thread failed and was replaced, and every order was decided, once, well within the
                // failed thread's session: its member did not hold the group up, and is no longer in the group
                assertThat(failOnce.failed).isTrue();
                assertThat(guard.service().replacedThreads()).isEqualTo(1);
                assertThat(decisions).as("decided within %s", WITHIN).hasSize(300);
                BrokerIO.assertEachOrderDecidedOnce(decisions, 300);
                try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("guard-static-replacement"))
                            .all().get().get("guard-static-replacement");
                    assertThat(group.members()).extracting(member -> member.groupInstanceId().orElse(null))
                            .containsExactly("guard-a-2");
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
