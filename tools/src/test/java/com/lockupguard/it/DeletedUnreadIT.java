package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders deleted by the broker while the guard was stopped, before it read them: Kafka Streams read on from the first
 * record kept, and those orders got no decision, without a word.
 */
@Timeout(240)
class DeletedUnreadIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldSayWhichOrdersWereDeletedBeforeTheGuardReadThem() throws Exception {
        String scope = "deleted-unread-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that decided 20 orders and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-deleted-unread", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                io.produce(Scenario.random(31, 4, 20));
                assertThat(io.awaitDecisions(20, Duration.ofSeconds(60))).hasSize(20);
            }
            // and 20 orders sent while it was stopped, deleted (as a retention would) before it ran again
            io.produce(Scenario.random(32, 4, 20), 10_000, new java.util.concurrent.atomic.AtomicInteger());
            String orders = new GuardConfig(settings).topicNames().orders();
            try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
                Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
                for (int p = 0; p < admin.describeTopics(java.util.List.of(orders)).allTopicNames().get().get(orders)
                        .partitions().size(); p++) {
                    asked.put(new TopicPartition(orders, p), OffsetSpec.latest());
                }
                Map<TopicPartition, RecordsToDelete> deleted = new HashMap<>();
                admin.listOffsets(asked).all().get().forEach((partition, end) -> deleted.put(partition,
                        RecordsToDelete.beforeOffset(end.offset())));
                admin.deleteRecords(deleted).all().get();
            }

            // when config --check looks, then it names the offsets lost, and says run would log it as an error
            StringWriter out = new StringWriter();
            ConfigCheck.run(settings, out);
            assertThat(out.toString()).contains("# topics: `run` would log an error: input records lost: " + orders
                    + "-").contains("were deleted before the guard read them");

            // and the guard starts, deciding what comes next (what is gone cannot be brought back by refusing)
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                assertThat(guard.service().isReady()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
