package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams' changelogs asked for with more replicas than the cluster has brokers: Kafka refuses to create them,
 * and every stream thread failed and was replaced, for ever, the guard never ready and never saying why.
 */
@Timeout(240)
class ChangelogReplicationIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldRefuseToStartWithMoreChangelogReplicasThanBrokersAndSayItInConfigCheck() throws Exception {
        String scope = "replication-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a one-broker cluster, and a guard whose Kafka Streams is asked for three replicas
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-replicas", scope);
            settings.put(GuardConfig.REPLICATION_FACTOR_CONFIG, "3");

            // when it starts, then it refuses at once, saying how many brokers there are and what to set
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                    .hasMessageContaining("replication.factor=3: Kafka Streams would create the guard's changelogs "
                            + "with 3 replicas each, and the cluster has 1 broker")
                    .hasMessageContaining("Set replication.factor to at most 1");
            // and config --check says the same without starting
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: replication.factor=3");

            // and with as many replicas as brokers it starts
            settings.put(GuardConfig.REPLICATION_FACTOR_CONFIG, "1");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                assertThat(guard.service().isReady()).isTrue();
                // and its changelogs roll their segments at 64 MiB, so that the broker's compaction, which cleans
                // rolled segments only, keeps them near what the stores hold
                try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
                    Set<String> changelogs = admin.listTopics().names().get().stream()
                            .filter(topic -> topic.startsWith("guard-replicas-") && topic.endsWith("-changelog"))
                            .collect(Collectors.toSet());
                    assertThat(changelogs).contains("guard-replicas-holding-state-changelog",
                            "guard-replicas-seen-orders-changelog");
                    Map<ConfigResource, Config> configs = admin.describeConfigs(changelogs.stream()
                            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
                    configs.forEach((topic, config) -> {
                        assertThat(config.get("segment.bytes").value()).as("%s", topic.name()).isEqualTo("67108864");
                        assertThat(config.get("cleanup.policy").value()).as("%s", topic.name()).isEqualTo("compact");
                    });
                }
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWithATopicSettingTheBrokerRefusesOnChangelogsAndSayItInConfigCheck() throws Exception {
        String scope = "topic-settings-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard told a changelog setting of a value the broker refuses (seen: each stream thread failed
            // creating its changelogs and was replaced, for ever, the guard never ready)
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-topic-settings", scope);
            settings.put("topic.segment.bytes", "abc");

            // when it starts, then it refuses at once, naming the setting and the broker's words
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                    .hasMessageContaining("Kafka refuses the changelogs of the guard's state with the topic settings "
                            + "given (topic.segment.bytes=abc)")
                    .hasMessageContaining("segment.bytes");
            // and config --check says the same without starting
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: Kafka refuses the changelogs");
            // and nothing was created by the check
            try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
                assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.contains("settings-check"));
            }

            // and with a value the broker takes it starts
            settings.put("topic.segment.bytes", "33554432");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                assertThat(guard.service().isReady()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStartWhileOneOfItsThreeBrokersIsStoppedForAMoment() throws Exception {
        String scope = "replication-rolling-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(3)) {
            // given a guard on three brokers with changelogs of three replicas, which decided orders and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-rolling", scope);
            settings.put(GuardConfig.REPLICATION_FACTOR_CONFIG, "3");
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(Scenario.random(29, 4, 20));
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);
            }

            // when it starts again while one broker is stopped (a rolling restart of the brokers)
            kafka.stopBroker(kafka.brokerIds().stream().max(Integer::compare).orElseThrow());

            // then it starts and decides: the cluster still has three brokers, one of them fenced for a moment
            // (refused before, for "a cluster of 2 brokers", which stopped every instance of the crash soak whose
            // restart met a broker bounce)
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(Scenario.random(31, 4, 10));
                assertThat(io.awaitDecisions(30, Duration.ofSeconds(60))).hasSize(30);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
