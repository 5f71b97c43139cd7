package com.lockupguard.tools.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft Kafka cluster inside this JVM, on loopback, in a temporary directory removed on
 * close. One broker runs as a single combined broker+controller node; more brokers run beside
 * a separate controller (combined multi-node clusters were seen to hang on broker shutdown).
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    private static final int CONTROLLER_ID = 3000;

    private final Path baseDir;
    private final Map<Integer, KafkaNode> brokers = new LinkedHashMap<>();
    private final KafkaNode controller;
    private final Map<Integer, Integer> brokerPorts = new HashMap<>();

    private EmbeddedKafkaCluster(Path baseDir, int brokerCount, int firstPort, Map<String, String> overrides) {
        this.baseDir = baseDir;
        ClusterPorts ports = ClusterPorts.of(brokerCount, firstPort, FreePorts::next);
        int controllerPort = ports.controller();
        Map<String, String> settings = new HashMap<>(defaults(brokerCount));
        settings.putAll(overrides);
        if (brokerCount == 1) {
            int brokerPort = ports.brokers().get(0);
            String voters = "1@127.0.0.1:" + controllerPort;
            brokerPorts.put(1, brokerPort);
            brokers.put(1, new KafkaNode(1, "broker,controller", brokerPort, controllerPort, voters, baseDir,
                    settings));
            controller = null;
        } else {
            String voters = CONTROLLER_ID + "@127.0.0.1:" + controllerPort;
            controller = new KafkaNode(CONTROLLER_ID, "controller", null, controllerPort, voters, baseDir, settings);
            for (int id = 1; id <= brokerCount; id++) {
                int brokerPort = ports.brokers().get(id - 1);
                brokerPorts.put(id, brokerPort);
                brokers.put(id, new KafkaNode(id, "broker", brokerPort, null, voters, baseDir, settings));
            }
        }
    }

    /** Server settings sized for a laptop: replication as the cluster allows, fast failure detection. */
    private static Map<String, String> defaults(int brokerCount) {
        String replication = Integer.toString(Math.min(3, brokerCount));
        String minInsync = Integer.toString(Math.max(1, Math.min(2, brokerCount - 1)));
        Map<String, String> defaults = new HashMap<>();
        defaults.put("offsets.topic.replication.factor", replication);
        defaults.put("offsets.topic.num.partitions", "5");
        defaults.put("transaction.state.log.replication.factor", replication);
        defaults.put("transaction.state.log.min.isr", minInsync);
        defaults.put("transaction.state.log.num.partitions", "5");
        defaults.put("default.replication.factor", replication);
        defaults.put("min.insync.replicas", minInsync);
        defaults.put("num.partitions", "1");
        defaults.put("broker.session.timeout.ms", "1500");
        defaults.put("broker.heartbeat.interval.ms", "300");
        defaults.put("num.network.threads", "2");
        defaults.put("num.io.threads", "4");
        return defaults;
    }

    /**
     * Formats and starts a cluster of {@code brokerCount} brokers.
     *
     * @param overrides broker settings applied to every node
     */
    public static EmbeddedKafkaCluster start(int brokerCount, Map<String, String> overrides) throws Exception {
        return start(brokerCount, FreePorts.ANY, overrides);
    }

    /**
     * Formats and starts a cluster of {@code brokerCount} brokers, the first on {@code firstPort} of 127.0.0.1 and
     * the next ones on the ports after it ({@link FreePorts#ANY}: each on any free port). A port in use is refused
     * before anything starts.
     *
     * @param overrides broker settings applied to every node
     */
    public static EmbeddedKafkaCluster start(int brokerCount, int firstPort, Map<String, String> overrides)
            throws Exception {
        if (brokerCount < 1) {
            throw new IllegalArgumentException("a cluster needs at least one broker");
        }
        if (firstPort != FreePorts.ANY) {
            FreePorts.requireFree(FreePorts.LOOPBACK, firstPort, brokerCount);
        }
        Path baseDir = Files.createTempDirectory("lockup-guard-kafka-");
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(baseDir, brokerCount, firstPort, overrides);
        try {
            cluster.formatAndStart();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void formatAndStart() throws Exception {
        long started = System.nanoTime();
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaNode> all = new ArrayList<>(brokers.values());
        if (controller != null) {
            all.add(0, controller);
        }
        for (KafkaNode node : all) {
            node.format(clusterId);
        }
        if (controller != null) {
            controller.start();
        }
        // brokers wait for the controller quorum in startup(): start them side by side; a broker that cannot start
        // fails the cluster's start at once, with its reason, rather than being waited for
        List<Thread> starters = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (KafkaNode broker : brokers.values()) {
            Thread starter = new Thread(broker::start, "start-broker-" + broker.nodeId());
            starter.setUncaughtExceptionHandler((thread, failure) -> failures.add(failure));
            starters.add(starter);
            starter.start();
        }
        for (Thread starter : starters) {
            starter.join();
        }
        if (!failures.isEmpty()) {
            IllegalStateException failed = new IllegalStateException("a broker did not start", failures.get(0));
            failures.stream().skip(1).forEach(failed::addSuppressed);
            throw failed;
        }
        awaitBrokers(brokers.size(), Duration.ofSeconds(60));
        LOG.info("Kafka cluster of {} broker(s) up in {} ms at {}", brokers.size(),
                (System.nanoTime() - started) / 1_000_000, bootstrapServers());
    }

    /** Waits until {@code count} brokers are registered and serving metadata. */
    public void awaitBrokers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(adminConfig())) {
                int seen = admin.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS).size();
                if (seen >= count) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("fewer than " + count + " brokers came up in " + timeout, last);
    }

    public Properties adminConfig() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** The running brokers' addresses, comma-separated. */
    public String bootstrapServers() {
        return brokers.entrySet().stream()
                .filter(e -> e.getValue().isRunning())
                .map(e -> "127.0.0.1:" + brokerPorts.get(e.getKey()))
                .collect(Collectors.joining(","));
    }

    /** Every broker's address, running or not: what a client should be configured with. */
    public String allBootstrapServers() {
        return brokerPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public List<Integer> brokerIds() {
        return List.copyOf(brokers.keySet());
    }

    /** Stops one broker cleanly (its data stays), as for a rolling restart or a broker loss. */
    public void stopBroker(int id) {
        node(id).stop();
    }

    /** Starts a stopped broker again on the same port and data. */
    public void startBroker(int id) {
        node(id).start();
    }

    private KafkaNode node(int id) {
        KafkaNode node = brokers.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no broker " + id + " in " + brokers.keySet());
        }
        return node;
    }

    @Override
    public void close() {
        for (KafkaNode broker : brokers.values()) {
            try {
                broker.stop();
            } catch (RuntimeException e) {
                LOG.warn("broker {} did not stop cleanly", broker.nodeId(), e);
            }
        }
        if (controller != null) {
            try {
                controller.stop();
            } catch (RuntimeException e) {
                LOG.warn("controller did not stop cleanly", e);
            }
        }
        deleteRecursively(baseDir);
    }

    private static void deleteRecursively(Path root) {
        try {
            Utils.delete(root.toFile());
        } catch (IOException e) {
            LOG.warn("could not delete {}", root, e);
        }
    }
}
