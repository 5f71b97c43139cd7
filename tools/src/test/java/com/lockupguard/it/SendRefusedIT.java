package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DeadLetterReason;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records the broker refuses for good, which a replaced stream thread would send again, for ever: the guard must stop,
 * naming the topic and the broker's words, and lose nothing. Kafka 4.4 refuses a timestamp out of a topic's range with
 * an InvalidRecordException, an InvalidConfigurationException as Kafka has it: the guard took that for a changelog it
 * could not create. And Kafka Streams keeps a refused send and throws it from the next record's send, inside that
 * record's processing, then forgets it: the guard dead-lettered that innocent record as a processing failure, and
 * under at_least_once went on without the refused answer.
 */
@Timeout(300)
class SendRefusedIT {

    private static final int ORDERS = 60;

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void shouldStopNamingTheChangelogThatRefusesTheGuardsStateAndDeadLetterNoOrder(String guarantee)
            throws Exception {
        String scope = "changelog-refusal-" + UUID.randomUUID();
        String applicationId = "guard-changelog-refusal-" + guarantee.replace('_', '-');
        List<DeadLetterReason> deadLettered = new CopyOnWriteArrayList<>();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard whose changelogs take no record as large as any of its state's
            Map<String, String> settings = GuardInstance.settings(kafka, applicationId, scope);
            settings.put("processing.guarantee", guarantee);
            settings.put("topic.max.message.bytes", "200");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, counting(deadLettered))) {
                // when orders arrive, several to each holding
                new BrokerIO(settings).produce(Scenario.random(43, 2, 12));

                // then the guard stops, naming the changelog and the broker's refusal, and dead-letters nothing
                await().atMost(Duration.ofSeconds(120)).until(() -> guard.service().stopped().isPresent());
                assertThat(guard.service().stopped().get().reason())
                        .contains("Kafka refuses a record of the guard's state on its changelog " + applicationId + "-")
                        .contains("larger than");
                assertThat(deadLettered).isEmpty();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void shouldStopNamingTheTopicThatRefusesAnAnswerAndLoseNoDecision(String guarantee) throws Exception {
        String scope = "output-refusal-" + UUID.randomUUID();
        List<DeadLetterReason> deadLettered = new CopyOnWriteArrayList<>();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a running guard whose decision topics were altered, while it ran, to refuse records stamped more
            // than a day ago, which a decision of a back-dated order is (the topic watch only logs it)
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-output-refusal-"
                    + guarantee.replace('_', '-'), scope);
            settings.put("processing.guarantee", guarantee);
            GuardConfig config = new GuardConfig(settings);
            List<String> decisions = List.of(config.topicNames().approved(), config.topicNames().blocked());
            BrokerIO io = new BrokerIO(settings);
            try (Admin admin = Admin.create(config.adminProperties())) {
                try (GuardInstance guard = GuardInstance.start(settings, stateDir, counting(deadLettered))) {
                    // (their agreements taken and committed first: a guard refused before its first commit ever has
                    // no positions on its inputs, and its start refuses them as lost)
                    Scenario scenario = Scenario.random(44, 2, ORDERS);
                    io.produce(Scenario.of(scenario.lines().stream().filter(line -> line.contains("\"agreement\""))
                            .toList()));
                    await().atMost(Duration.ofSeconds(60)).until(() -> !admin.listConsumerGroupOffsets(config
                            .getString(GuardConfig.APPLICATION_ID_CONFIG)).partitionsToOffsetAndMetadata().get()
                            .isEmpty());
                    alter(admin, decisions, Duration.ofDays(1).toMillis());

                    // when orders of 2003 arrive one after another, so that the broker's refusal of one decision
                    // may come back before the next order is decided
                    io.produce(Scenario.of(scenario.lines().stream().filter(line -> !line.contains("\"agreement\""))
                            .toList()), 200, new AtomicInteger());

                    // then the guard stops, naming the topic and the broker's words, and dead-letters nothing
                    await().atMost(Duration.ofSeconds(90)).until(() -> guard.service().stopped().isPresent());
                    assertThat(guard.service().stopped().get().reason()).startsWith("Kafka refuses a record the "
                            + "guard writes on its topic orders-").contains("is out of range");
                    assertThat(deadLettered).isEmpty();
                }

                // and once the topics take them again, every order is decided: no refused decision was lost
                alter(admin, decisions, Long.MAX_VALUE);
                try (GuardInstance guard = GuardInstance.start(settings, stateDir, counting(deadLettered))) {
                    List<DecisionReader.DecisionRecord> decided = io.awaitDecisions(ORDERS, Duration.ofSeconds(120));
                    assertThat(decided.stream().map(d -> d.decision().getOrderId()).distinct()).hasSize(ORDERS);
                    if (guarantee.equals("exactly_once_v2")) {
                        assertThat(decided).hasSize(ORDERS);
                    }
                    assertThat(deadLettered).isEmpty();
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static DecisionObserver counting(List<DeadLetterReason> deadLettered) {
        return new DecisionObserver() {
            @Override
            public void deadLettered(DeadLetterReason reason) {
                deadLettered.add(reason);
            }
        };
    }

    private static void alter(Admin admin, List<String> topics, long beforeMaxMs) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
        for (String topic : topics) {
            alterations.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), new ArrayList<>(List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                            Long.toString(beforeMaxMs)), AlterConfigOp.OpType.SET))));
        }
        admin.incrementalAlterConfigs(alterations).all().get();
    }
}
