package com.lockupguard.tools.embedded;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One KRaft node run with Kafka's own server classes: formatted once (what {@code kafka-storage
 * format} does), then started and stopped as often as a test or a soak wants.
 */
final class KafkaNode {

    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String BROKER_LISTENER = "PLAINTEXT";

    private final int nodeId;
    private final Properties properties;
    private final Path dataDir;
    private final Path metadataDir;
    private KafkaRaftServer server;

    KafkaNode(int nodeId, String roles, Integer brokerPort, Integer controllerPort, String quorumVoters, Path baseDir,
            Map<String, String> overrides) {
        this.nodeId = nodeId;
        this.dataDir = baseDir.resolve("node-" + nodeId + "-data");
        this.metadataDir = baseDir.resolve("node-" + nodeId + "-metadata");
        Properties p = new Properties();
        p.put("process.roles", roles);
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", quorumVoters);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        StringBuilder listeners = new StringBuilder();
        if (brokerPort != null) {
            listeners.append(BROKER_LISTENER).append("://127.0.0.1:").append(brokerPort);
            p.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", BROKER_LISTENER);
        }
        if (controllerPort != null) {
            if (listeners.length() > 0) {
                listeners.append(',');
            }
            listeners.append(CONTROLLER_LISTENER).append("://127.0.0.1:").append(controllerPort);
        }
        p.put("listeners", listeners.toString());
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", metadataDir.toString());
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        p.putAll(overrides);
        if (!roles.contains("controller")) {
            // cluster-wide topic defaults are the controller's to apply
            p.remove("num.partitions");
            p.remove("default.replication.factor");
        }
        this.properties = p;
    }

    int nodeId() {
        return nodeId;
    }

    void format(String clusterId) throws Exception {
        Set<String> directories = new HashSet<>(List.of(dataDir.toString(), metadataDir.toString()));
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), false,
                        java.nio.charset.StandardCharsets.UTF_8))
                .setNodeId(nodeId)
                .setClusterId(clusterId)
                .setDirectories(directories)
                .setMetadataLogDirectory(metadataDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setIgnoreFormatted(false)
                .run();
    }

    synchronized void start() {
        if (server != null) {
            return;
        }
        server = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
        server.startup();
    }

    synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    synchronized boolean isRunning() {
        return server != null;
    }
}
