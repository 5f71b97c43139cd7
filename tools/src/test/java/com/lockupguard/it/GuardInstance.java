package com.lockupguard.it;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.CloseOptions;

/** One guard instance under test, with its own state directory. */
final class GuardInstance implements AutoCloseable {

    private final GuardService service;
    private final Path stateDir;

    private GuardInstance(GuardService service, Path stateDir) {
        this.service = service;
        this.stateDir = stateDir;
    }

    /** Settings every test instance shares: fast commits and fail-over on a test cluster. */
    static Map<String, String> settings(TestKafka kafka, String applicationId, String registryScope) {
        Map<String, String> settings = new HashMap<>();
        settings.put(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + registryScope);
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, "4");
        settings.put(GuardConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        settings.put(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        settings.put("session.timeout.ms", "6000");
        settings.put("heartbeat.interval.ms", "1000");
        settings.put(GuardConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "20000");
        return settings;
    }

    /** {@code settings} with every topic of the guard named {@code prefix + <its default name>}. */
    static Map<String, String> withTopicPrefix(Map<String, String> settings, String prefix) {
        TopicNames defaults = TopicNames.defaults();
        settings.put(GuardConfig.TOPIC_AGREEMENTS_CONFIG, prefix + defaults.agreements());
        settings.put(GuardConfig.TOPIC_ORDERS_CONFIG, prefix + defaults.orders());
        settings.put(GuardConfig.TOPIC_APPROVED_CONFIG, prefix + defaults.approved());
        settings.put(GuardConfig.TOPIC_BLOCKED_CONFIG, prefix + defaults.blocked());
        settings.put(GuardConfig.TOPIC_DEAD_LETTERS_CONFIG, prefix + defaults.deadLetters());
        settings.put(GuardConfig.TOPIC_POSITIONS_CONFIG, prefix + defaults.positions());
        settings.put(GuardConfig.TOPIC_AGREEMENT_AUDIT_CONFIG, prefix + defaults.agreementAudit());
        settings.put(GuardConfig.TOPIC_EXECUTION_RESULTS_CONFIG, prefix + defaults.executionResults());
        settings.put(GuardConfig.TOPIC_COMPLIANCE_ALERTS_CONFIG, prefix + defaults.complianceAlerts());
        return settings;
    }

    static GuardInstance start(Map<String, String> settings, Path stateDir, DecisionObserver observer)
            throws Exception {
        Map<String, String> withState = new HashMap<>(settings);
        withState.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
        GuardService service = GuardService.create(new GuardConfig(withState), observer);
        GuardInstance instance = new GuardInstance(service, stateDir);
        try {
            service.start();
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        if (!service.awaitRunning(Duration.ofSeconds(90))) {
            instance.close();
            throw new IllegalStateException("guard did not reach RUNNING: " + service.state());
        }
        return instance;
    }

    GuardService service() {
        return service;
    }

    Path stateDir() {
        return stateDir;
    }

    /** Stops without leaving the group and without waiting, as a crashed instance would disappear. */
    void kill() {
        service.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation
                .REMAIN_IN_GROUP).withTimeout(Duration.ZERO));
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Override
    public void close() {
        service.close();
    }
}
