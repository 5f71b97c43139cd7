package com.lockupguard.it;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real KRaft cluster for integration tests (Kafka's own KafkaClusterTestKit): N brokers and a
 * separate controller, production features only, fast broker failure detection.
 */
final class TestKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final int brokers;

    private TestKafka(KafkaClusterTestKit cluster, int brokers) {
        this.cluster = cluster;
        this.brokers = brokers;
    }

    static TestKafka start(int brokers) throws Exception {
        return start(brokers, Map.of());
    }

    /** A cluster with {@code overrides} on top of the test settings (broker settings, as in server.properties). */
    static TestKafka start(int brokers, Map<String, String> overrides) throws Exception {
        int replication = Math.min(3, brokers);
        int minInsync = brokers >= 3 ? 2 : 1;
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setCombined(false)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build());
        Map<String, Object> settings = Map.ofEntries(
                // the test kit turns unstable features on by default: run what production runs
                Map.entry("unstable.api.versions.enable", "false"),
                Map.entry("unstable.feature.versions.enable", "false"),
                Map.entry("offsets.topic.replication.factor", Integer.toString(replication)),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", Integer.toString(replication)),
                Map.entry("transaction.state.log.min.isr", Integer.toString(minInsync)),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("default.replication.factor", Integer.toString(replication)),
                Map.entry("min.insync.replicas", Integer.toString(minInsync)),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("group.min.session.timeout.ms", "1000"),
                Map.entry("broker.session.timeout.ms", "1500"),
                Map.entry("broker.heartbeat.interval.ms", "300"),
                Map.entry("auto.create.topics.enable", "false"));
        settings.forEach(builder::setConfigProp);
        overrides.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new TestKafka(cluster, brokers);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    int brokerCount() {
        return brokers;
    }

    /** Stops a broker cleanly; its data stays. */
    void stopBroker(int id) {
        var broker = cluster.brokers().get(id);
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts a stopped broker again on the same port and data, and waits until all brokers are ready. */
    void restartBroker(int id) throws Exception {
        cluster.restartBroker(id, Map.of());
        cluster.waitForReadyBrokers();
    }

    java.util.Set<Integer> brokerIds() {
        return cluster.brokers().keySet();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
