package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.TopicPolicy;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that refuses records stamped more than a day ago ({@code log.message.timestamp.before.max.ms}, which
 * Kafka 4 lets a cluster set for every topic without its own value), and inputs that take the 2003 timeline, as
 * {@code produce} says to make them. The guard's answers carry the timestamps of the records they answer: an output
 * or changelog that refuses them would fail every transaction that holds one, and each replaced stream thread would
 * meet the same record again.
 */
@Timeout(180)
class TimestampBoundsIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldDecideOrdersStampedLongerAgoThanTheBrokerTakesByDefault() throws Exception {
        // given such a broker and inputs
        Scenario scenario = Scenario.random(49, 3, 30);
        String scope = "timestamp-bounds-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1, Map.of("log.message.timestamp.before.max.ms", "86400000"))) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-timestamp-bounds", scope);
            createInputs(new GuardConfig(settings), (topic, configs) -> configs.put(
                    TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Long.toString(Long.MAX_VALUE)));
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // when the guard, which created its outputs, meets the timeline's agreements and orders
                BrokerIO io = new BrokerIO(settings);
                io.produce(scenario);

                // then it decides every order, and no stream thread failed on one
                assertThat(io.awaitDecisions(scenario.orderCount(), Duration.ofSeconds(60)))
                        .hasSize(scenario.orderCount());
                assertThat(guard.service().replacedThreads()).as("stream threads replaced").isZero();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldTellItsObserverHowTheOrdersTopicStampsOrdersWhateverTheSettingSays() throws Exception {
        // given an orders topic made LogAppendTime by hand, and a guard whose setting says CreateTime (the tests'
        // GuardInstance settings): the setting only says how the guard would create it
        String scope = "orders-stamped-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-orders-stamped", scope);
            GuardConfig config = new GuardConfig(settings);
            createInputs(config, (topic, configs) -> {
                if (topic.equals(config.topicNames().orders())) {
                    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, GuardConfig.LOG_APPEND_TIME);
                }
            });
            AtomicReference<Boolean> told = new AtomicReference<>();
            DecisionObserver observer = new DecisionObserver() {
                @Override
                public void ordersStampedOnArrival(boolean onArrival) {
                    told.set(onArrival);
                }
            };

            // when it starts
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, observer)) {
                // then its observer (the metrics, whose latency counts an order's age as waiting only then) was told
                // the topic's stamping, not the setting's (seen: a CreateTime topic under the default setting put
                // replayed history in the latency's top bucket, and paged as slow decisions)
                assertThat(told.get()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Creates the guard's inputs, 4 partitions each, as the guard would, with what {@code adjust} changes. */
    private static void createInputs(GuardConfig config, BiConsumer<String, Map<String, String>> adjust)
            throws Exception {
        try (Admin admin = Admin.create(config.adminProperties())) {
            TopicPolicy policy = TopicPolicy.of(config);
            List<NewTopic> inputs = config.topicNames().inputs().stream().map(topic -> {
                Map<String, String> configs = new HashMap<>(policy.creationConfigs(topic));
                adjust.accept(topic, configs);
                return new NewTopic(topic, 4, (short) 1).configs(configs);
            }).toList();
            admin.createTopics(inputs).all().get();
        }
    }
}
