package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangelogReplicationTest {

    private final FakeAdmin cluster = new FakeAdmin();

    private static GuardConfig config(String replicationFactor) {
        Map<String, String> settings = new HashMap<>(Map.of("application.id", "guard-x",
                "bootstrap.servers", "broker:9092"));
        if (replicationFactor != null) {
            settings.put("replication.factor", replicationFactor);
        }
        return new GuardConfig(settings);
    }

    @Test
    void shouldRefuseMoreChangelogReplicasThanTheClusterHasBrokers() throws Exception {
        // given a cluster of one broker, and Kafka Streams asked for changelogs of five replicas
        cluster.brokers = 1;

        // when the start looks, then it refuses, saying how many brokers there are and what to set
        assertThat(ChangelogReplication.refusal(cluster.admin(), config("5"), Duration.ofSeconds(1)))
                .hasValue("replication.factor=5: Kafka Streams would create the guard's changelogs with 5 replicas "
                        + "each, and the cluster has 1 broker, so it refuses them and every stream thread would fail, "
                        + "and be replaced, for ever. Set replication.factor to at most 1 (or -1, the broker's "
                        + "default.replication.factor).");
    }

    @Test
    void shouldSayTheStartWouldStopCreatingTheGuardsTopicsWithMoreReplicasThanBrokers() throws Exception {
        // given a cluster of one broker, and the guard's topics asked for three replicas, two of them missing
        cluster.brokers = 1;
        GuardConfig config = new GuardConfig(Map.of("topics.replication.factor", "3"));

        // when config --check looks, then it says what the start would stop on (seen in a review: it passed)
        assertThat(ChangelogReplication.topicsRefusal(cluster.admin(), config, java.util.List.of("orders", "approved"),
                Duration.ofSeconds(1))).hasValue("topics.replication.factor=3: the start would create orders, "
                        + "approved with 3 replicas each, and the cluster has 1 broker, so it refuses them. Set "
                        + "topics.replication.factor to at most 1 (or -1, the broker's default.replication.factor)");
        // and not where every topic exists, the start creates none, or there are brokers enough
        assertThat(ChangelogReplication.topicsRefusal(cluster.admin(), config, java.util.List.of(),
                Duration.ofSeconds(1))).isEmpty();
        assertThat(ChangelogReplication.topicsRefusal(cluster.admin(), new GuardConfig(Map.of(
                "topics.replication.factor", "3", "topics.create", "false")), java.util.List.of("orders"),
                Duration.ofSeconds(1))).isEmpty();
        cluster.brokers = 3;
        assertThat(ChangelogReplication.topicsRefusal(cluster.admin(), config, java.util.List.of("orders"),
                Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldStartWithTheBrokersDefaultOrAsManyReplicasAsBrokers() throws Exception {
        // given a cluster of three brokers
        cluster.brokers = 3;

        // when / then the broker's default (unset, -1), one replica, or three are taken
        for (String replicationFactor : new String[] {null, "-1", "1", "3"}) {
            assertThat(ChangelogReplication.refusal(cluster.admin(), config(replicationFactor),
                    Duration.ofSeconds(1))).as(String.valueOf(replicationFactor)).isEmpty();
        }
        assertThat(ChangelogReplication.refusal(cluster.admin(), config("4"), Duration.ofSeconds(1)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("the cluster has 3 brokers"));
    }

    @Test
    void shouldCountABrokerStoppedForAMomentAmongTheClustersBrokers() throws Exception {
        // given a cluster of three brokers, one of them stopped for a moment (a rolling restart)
        cluster.brokers = 3;
        cluster.fencedBrokers = 1;

        // when a guard whose changelogs have three replicas starts, then it is not refused for a cluster of two
        assertThat(ChangelogReplication.refusal(cluster.admin(), config("3"), Duration.ofSeconds(1))).isEmpty();
        assertThat(ChangelogReplication.refusal(cluster.admin(), config("4"), Duration.ofSeconds(1)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("the cluster has 3 brokers"));
    }

    @Test
    void shouldCountTheBrokersUpWhereTheClusterCannotSayWhichAreStopped() throws Exception {
        // given brokers before Kafka 4.0, which refuse to be asked for fenced brokers, three of them, one stopped
        cluster.brokers = 3;
        cluster.fencedBrokers = 1;
        cluster.fencedBrokersUnsupported = true;

        // when / then the two up are counted, as before
        assertThat(ChangelogReplication.refusal(cluster.admin(), config("3"), Duration.ofSeconds(1)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("the cluster has 2 brokers"));
    }
}
