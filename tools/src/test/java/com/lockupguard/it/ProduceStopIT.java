package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.cli.CommandProcess;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code produce} in a JVM of its own, stopped by SIGTERM (as Ctrl-C stops it) while it sends: the lines it had
 * handed to its producer are on the broker, and it says the line it stopped after, so that an operator knows which
 * lines to send again.
 */
@Timeout(240)
class ProduceStopIT {

    private static final int ORDERS = 200_000;
    private static final String ORDERS_TOPIC = "stopped-orders";

    @TempDir
    Path dir;

    @Test
    void shouldSayTheLineItStoppedAfterWhenStoppedBySigtermWhileSendingAndHaveSentExactlyTheLinesUpToIt()
            throws Exception {
        String scope = "produce-stop-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1);
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                        .host("127.0.0.1").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()))) {
            // given a timeline of 200,000 orders, one per line, and `produce` sending it a record per request (a
            // batch holds one record), so that it is still sending when the signal comes
            Path log = dir.resolve("produce.log");
            Process produce = produceSending(kafka, registry, "produce-stop", scope, Map.of(), log);
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .failFast(() -> !produce.isAlive()).until(() -> written(admin) > 0);

                // when it is sent SIGTERM while it sends
                produce.destroy();
                assertThat(produce.waitFor(60, TimeUnit.SECONDS)).isTrue();

                // then its JVM ended as a signal ends it, having said how many orders it sent and after which line it
                // stopped; and the topic holds exactly those: the lines up to that one, none lost, none after it
                String said = Files.readString(log);
                assertThat(produce.exitValue()).as("exit code of a JVM ended by SIGTERM:%n%s", said).isEqualTo(143);
                Matcher sent = Pattern.compile("sent 0 agreements to agreements, (\\d+) orders and 0 execution "
                        + "reports to " + ORDERS_TOPIC).matcher(said);
                Matcher stopped = Pattern.compile("cannot produce .*orders.jsonl: stopped by a signal after line "
                        + "(\\d+): the lines after it were not sent").matcher(said);
                assertThat(sent.find()).as(said).isTrue();
                assertThat(stopped.find()).as(said).isTrue();
                long lastLine = Long.parseLong(stopped.group(1));
                assertThat(Long.parseLong(sent.group(1))).isEqualTo(lastLine);
                assertThat(lastLine).isPositive().isLessThan(ORDERS);
                assertThat(written(admin)).isEqualTo(lastLine);
            } finally {
                produce.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldSayTheLastLineHandedToTheProducerWhenTheBrokersAreLostWhileSending() throws Exception {
        String scope = "produce-lost-" + UUID.randomUUID();
        TestKafka kafka = TestKafka.start(1);
        boolean closed = false;
        try (SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                .host("127.0.0.1").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()))) {
            // given `produce` sending 200,000 orders a record per request, giving up on the brokers within seconds
            Path log = dir.resolve("produce.log");
            Process produce = produceSending(kafka, registry, "produce-lost", scope, Map.of(
                    "producer.max.block.ms", "3000", "producer.request.timeout.ms", "2000",
                    "producer.delivery.timeout.ms", "4000"), log);
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .failFast(() -> !produce.isAlive()).until(() -> written(admin) > 0);

                // when the broker goes away while it sends
                kafka.close();
                closed = true;
                assertThat(produce.waitFor(90, TimeUnit.SECONDS)).isTrue();

                // then it fails with the usage exit code, naming the last line it handed to the producer and the
                // line up to which every line had its answer, no later than that one
                String said = Files.readString(log);
                assertThat(produce.exitValue()).as(said).isEqualTo(2);
                Matcher stopped = Pattern.compile("cannot produce .*orders.jsonl: .*; sending stopped after line "
                        + "(\\d+) was handed to the producer, and the lines after it were not sent: every line up to "
                        + "line (\\d+) had its answer \\(written, or named above as refused or not "
                        + "acknowledged\\)").matcher(said);
                assertThat(stopped.find()).as(said).isTrue();
                assertThat(Long.parseLong(stopped.group(2))).isPositive()
                        .isLessThanOrEqualTo(Long.parseLong(stopped.group(1)));
            } finally {
                produce.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            if (!closed) {
                kafka.close();
            }
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /**
     * {@code produce}, in a JVM of its own logging to {@code log}, sending {@link #ORDERS} orders a record per request
     * (a batch holds one record), so that it is still sending for a while; with {@code settings} besides.
     */
    private Process produceSending(TestKafka kafka, SchemaRegistryServer registry, String applicationId, String scope,
            Map<String, String> settings, Path log) throws Exception {
        Path timeline = OneHoldingOrders.write(dir.resolve("orders.jsonl"), ORDERS);
        Map<String, String> all = GuardInstance.settings(kafka, applicationId, scope);
        all.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        all.put(GuardConfig.TOPIC_ORDERS_CONFIG, ORDERS_TOPIC);
        all.put("producer.batch.size", "1");
        all.putAll(settings);
        List<String> arguments = new ArrayList<>(List.of("produce"));
        all.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        arguments.add(timeline.toString());
        return CommandProcess.start(dir, log, arguments.toArray(String[]::new));
    }

    /** How many records the orders topic holds: its producer is not transactional, so each offset is one. */
    private static long written(Admin admin) throws Exception {
        if (!admin.listTopics().names().get().contains(ORDERS_TOPIC)) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> ends = admin.describeTopics(List.of(ORDERS_TOPIC)).allTopicNames().get()
                .get(ORDERS_TOPIC).partitions().stream()
                .collect(Collectors.toMap(partition -> new TopicPartition(ORDERS_TOPIC, partition.partition()),
                        partition -> OffsetSpec.latest()));
        return admin.listOffsets(ends).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }
}
