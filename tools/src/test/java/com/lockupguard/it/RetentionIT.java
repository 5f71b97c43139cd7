package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.timeline.ExportsUnderDeletion;
import com.lockupguard.timeline.RecordedInputs;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.InputPartitions;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records stamped 2003 on a broker that deletes old segments within a second: on topics the
 * guard created, no order is deleted before the guard reads it and no decision afterwards. A
 * broker's default 7-day retention deletes such records as soon as their segment rolls (records
 * that old roll a segment on every append), whether the guard has read them or not.
 */
@Timeout(240)
class RetentionIT {

    private static final int CHUNKS = 6;

    private static TestKafka kafka;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() throws Exception {
        // the broker looks for expired segments from the start and every 200 ms, and deletes them at once
        kafka = TestKafka.start(1, Map.of(
                "log.retention.check.interval.ms", "200",
                "log.roll.ms", "500",
                "log.segment.delete.delay.ms", "0",
                "log.initial.task.delay.ms", "0",
                "log.retention.ms", "604800000"));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldDecideEveryHistoricalOrderOnceAndKeepEveryDecision() throws Exception {
        // given a guard that creates its topics, and 20 holdings' 2003 timeline sent in chunks while it runs
        Scenario scenario = Scenario.random(2003, 20, 600);
        String scope = "retention-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-retention", scope);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            int chunk = (scenario.lines().size() + CHUNKS - 1) / CHUNKS;
            // when each chunk goes out after the broker has had time to roll and delete what came before
            for (int sent = 0; sent < scenario.lines().size(); sent += chunk) {
                io.produce(scenario.tail(sent).head(Math.min(chunk, scenario.lines().size() - sent)));
                Thread.sleep(1_000);
            }
            List<DecisionReader.DecisionRecord> decided = io.awaitDecisions(scenario.orderCount(),
                    Duration.ofSeconds(90));
            // then every order was decided once, as the replay decides it
            BrokerIO.assertEachOrderDecidedOnce(decided, scenario.orderCount());
            assertThat(Scenario.sorted(BrokerIO.outcomes(decided)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));
            // and, after many more retention checks, every decision can still be read from the beginning
            Thread.sleep(3_000);
            List<DecisionReader.DecisionRecord> kept = io.awaitDecisions(scenario.orderCount(), Duration.ofSeconds(30));
            assertThat(kept).hasSameSizeAs(decided);
            // and every agreement version is in the audit
            assertThat(io.awaitValues(io.topics().agreementAudit(), scenario.agreementLines(), Duration.ofSeconds(30)))
                    .hasSize(scenario.agreementLines())
                    .allSatisfy(audit -> assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.APPLIED));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartOnPreCreatedTopicsThatLoseRecordsAndSaySoInConfigCheck() throws Exception {
        // given topics created beforehand with the broker's defaults: 7 days, delete, orders on CreateTime
        String scope = "precreated-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka, "guard-precreated", scope),
                "precreated-");
        GuardConfig config = new GuardConfig(settings);
        createTopics(config.topicNames().all(), Map.of(
                config.topicNames().orders(), Map.of("message.timestamp.type", "CreateTime"),
                config.topicNames().agreements(), Map.of("cleanup.policy", "compact")));
        try {
            // when a guard starts, then it refuses, naming each topic, its setting and the fix
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                    .hasMessageContaining("topic 'precreated-orders' has retention.ms=604800000")
                    .hasMessageContaining("--entity-name precreated-orders --alter --add-config retention.ms=-1")
                    .hasMessageContaining("topic 'precreated-orders-approved' has retention.ms=604800000")
                    .hasMessageContaining("topic 'precreated-agreement-audit'")
                    .hasMessageContaining("topics.retention.check=warn");
            // and config --check reports the same without starting
            StringWriter out = new StringWriter();
            int exit = ConfigCheck.run(settings, out);
            assertThat(exit).isEqualTo(1);
            int problems = config.topicNames().auditTrail().size() + 1; // and orders
            assertThat(out.toString()).contains("# topics: " + problems + " problem(s); `run` would refuse to start",
                    "topic 'precreated-orders-dlq' has retention.ms=604800000");
            // and the operator may start it anyway, with a warning
            settings.put(GuardConfig.TOPICS_RETENTION_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                assertThat(guard.service().isReady()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldReportARetentionShortenedWhileItRunsAndKeepDeciding() throws Exception {
        // given a running guard that checks its topics every second, and found nothing wrong at start
        String scope = "shortened-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka, "guard-shortened",
                scope), "shortened-");
        settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "1000");
        GuardConfig config = new GuardConfig(settings);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            assertThat(guard.service().topicProblems()).isZero();

            // when a cluster policy caps the execution results' retention at a week
            try (Admin admin = Admin.create(config.adminProperties())) {
                AlterConfigOp week = new AlterConfigOp(new ConfigEntry("retention.ms", "604800000"),
                        AlterConfigOp.OpType.SET);
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                        config.topicNames().executionResults()), List.of(week))).all().get();
            }

            // then the guard counts it within a few checks, and keeps deciding
            await().atMost(Duration.ofSeconds(30)).until(() -> guard.service().topicProblems() == 1);
            assertThat(guard.service().isReady()).isTrue();
            Scenario scenario = Scenario.random(71, 2, 10);
            BrokerIO io = new BrokerIO(settings);
            io.produce(scenario);
            assertThat(io.awaitDecisions(10, Duration.ofSeconds(60))).hasSize(10);
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldExportEveryOrderKeptWhenTheFirstAreDeletedWhileTheExportReadsThem() throws Exception {
        // given 60,000 orders on a one-partition orders topic
        String scope = "export-deleted-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka, "guard-export",
                scope), "export-deleted-");
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, "1");
        GuardConfig config = new GuardConfig(settings);
        String orders = config.topicNames().orders();
        BrokerIO io = new BrokerIO(settings);
        io.createTopics();
        int count = 60_000;
        Properties producing = config.producerProperties();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producing, new StringSerializer(),
                io.topics().orders().valueSerde().serializer())) {
            for (int n = 0; n < count; n++) {
                producer.send(new ProducerRecord<>(orders, "inv/SEC", ProposedOrder.newBuilder()
                        .setOrderId(String.format(Locale.ROOT, "o-%05d", n)).setInvestorId("inv").setSecurityId("SEC")
                        .setKind(OrderKind.PUBLIC_SALE).setQuantity(1L).build()));
            }
            producer.flush();
        }
        try (Admin admin = Admin.create(config.adminProperties())) {
            // when the export reads them, and the first 50,000 are deleted after its first poll of them (the consumer
            // has fetched fewer than that: at most max.partition.fetch.bytes, 1 MiB)
            List<String> ids = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            RecordedInputs.Counts counts = ExportsUnderDeletion.read(config, orders, 2, () -> {
                try {
                    admin.deleteRecords(Map.of(new TopicPartition(orders, 0), RecordsToDelete.beforeOffset(50_000)))
                            .all().get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, new RecordedInputs.Sink() {
                @Override
                public void line(String line) {
                    ids.add(line.replaceAll(".*\"orderId\":\"([^\"]*)\".*", "$1"));
                }

                @Override
                public void skipped(String where, String why) {
                    warnings.add(where + ": left out: " + why);
                }

                @Override
                public void warning(String where, String what) {
                    warnings.add(where + ": " + what);
                }
            });

            // then every order still kept is in the timeline, after those read before the deletion, each once (the
            // consumer went on from the end of the partition: none of the 10,000 kept was exported)
            List<String> kept = IntStream.range(50_000, count).mapToObj(n -> String.format(Locale.ROOT, "o-%05d", n))
                    .toList();
            assertThat(ids).doesNotHaveDuplicates().endsWith(kept.toArray(String[]::new));
            assertThat(ids.size()).isLessThan(count).isEqualTo(counts.orders());
            // and the offsets it had not read when they were deleted are named and counted: with those exported,
            // every one of the 60,000
            assertThat(warnings).singleElement().asString().matches(orders + "-0@\\d+: left out: offsets \\d+ to "
                    + "49999 were deleted \\(the topic's retention, or a deletion of records\\) before the export "
                    + "read them: their records are not in the timeline");
            long lostFrom = Long.parseLong(warnings.get(0).replaceAll(".*@(\\d+):.*", "$1"));
            assertThat(ids.size() - kept.size()).isEqualTo(lostFrom);
            assertThat(counts.deletedUnread()).isEqualTo(50_000 - lostFrom);
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldNameTheOrdersDeletedBeforeTheExportStartedAndCountThem() throws Exception {
        // given 30 orders of one holding on an orders topic of 3 partitions, the first 10 of which were deleted (as
        // the retention deletes them) before the export starts
        String scope = "export-before-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka,
                "guard-export-before", scope), "export-before-");
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, "3");
        GuardConfig config = new GuardConfig(settings);
        String orders = config.topicNames().orders();
        int partition = InputPartitions.expectedPartition("inv/SEC", 3);
        BrokerIO io = new BrokerIO(settings);
        io.createTopics();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config.producerProperties(),
                new StringSerializer(), io.topics().orders().valueSerde().serializer())) {
            for (int n = 0; n < 30; n++) {
                producer.send(new ProducerRecord<>(orders, "inv/SEC", ProposedOrder.newBuilder()
                        .setOrderId(String.format(Locale.ROOT, "o-%05d", n)).setInvestorId("inv").setSecurityId("SEC")
                        .setKind(OrderKind.PUBLIC_SALE).setQuantity(1L).build()));
            }
            producer.flush();
        }
        try (Admin admin = Admin.create(config.adminProperties())) {
            admin.deleteRecords(Map.of(new TopicPartition(orders, partition), RecordsToDelete.beforeOffset(10)))
                    .all().get();

            // when
            List<String> ids = new ArrayList<>();
            List<String> said = new ArrayList<>();
            RecordedInputs.Counts counts = new RecordedInputs(config, Duration.ofSeconds(30), List.of(), null)
                    .read(new RecordedInputs.Sink() {
                        @Override
                        public void line(String line) {
                            ids.add(line.replaceAll(".*\"orderId\":\"([^\"]*)\".*", "$1"));
                        }

                        @Override
                        public void skipped(String where, String why) {
                            said.add(where + ": left out: " + why);
                        }

                        @Override
                        public void warning(String where, String what) {
                            said.add(where + ": " + what);
                        }
                    });

            // then the 20 kept are exported, and the 10 deleted are named and counted, where the export started from
            // the first kept without a word
            assertThat(ids).containsExactlyElementsOf(IntStream.range(10, 30)
                    .mapToObj(n -> String.format(Locale.ROOT, "o-%05d", n)).toList());
            assertThat(said).containsExactly(orders + "-" + partition + "@0: left out: offsets 0 to 9 were deleted "
                    + "(the topic's retention, or a deletion of records) before the export started: their records "
                    + "are not in the timeline, and its replay cannot decide what came after them as the guard did");
            assertThat(counts.deletedUnread()).isEqualTo(10);
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWithoutItsTopicsWhenTopicsCreateIsOffAndCreateNone() throws Exception {
        // given none of the guard's topics on the cluster, and topics.create=false: an operator manages them (a
        // misspelt name must not become a new, empty topic the guard waits on)
        String scope = "absent-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka, "guard-absent", scope),
                "absent-");
        settings.put(GuardConfig.TOPICS_CREATE_CONFIG, "false");
        try {
            // when a guard starts, then it refuses, naming the missing topics and the setting
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                    .hasMessageContaining("absent-orders").hasMessageContaining("absent-orders-approved")
                    .hasMessageContaining("topics.create=false");
            // and it created none of them
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .noneMatch(topic -> topic.startsWith("absent-"));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldSendNothingATopicWouldDeleteAndReportEveryRecordTheBrokerRefuses() throws Exception {
        // given an orders topic that deletes after 7 days, and one that refuses records older than a day
        String scope = "produce-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(GuardInstance.settings(kafka, "guard-produce", scope),
                "produce-");
        settings.put(GuardConfig.TOPICS_CREATE_CONFIG, "false");
        GuardConfig config = new GuardConfig(settings);
        createTopics(List.of(config.topicNames().agreements(), config.topicNames().orders()), Map.of(
                config.topicNames().orders(), Map.of("message.timestamp.type", "CreateTime"),
                config.topicNames().agreements(), Map.of("cleanup.policy", "compact")));
        Map<String, String> refusing = GuardInstance.withTopicPrefix(new java.util.HashMap<>(settings), "refusing-");
        GuardConfig refusingConfig = new GuardConfig(refusing);
        createTopics(List.of(refusingConfig.topicNames().agreements(), refusingConfig.topicNames().orders()), Map.of(
                refusingConfig.topicNames().orders(), Map.of("message.timestamp.type", "CreateTime",
                        "retention.ms", "-1", "message.timestamp.before.max.ms", "86400000"),
                refusingConfig.topicNames().agreements(), Map.of("cleanup.policy", "compact")));
        List<String> letter = Files.readAllLines(Path.of("examples/letter-2003.jsonl"));
        List<Integer> orderLines = new java.util.ArrayList<>();
        for (int i = 0; i < letter.size(); i++) {
            if (letter.get(i).contains("\"type\":\"order\"")) {
                orderLines.add(i + 1);
            }
        }
        try {
            // when the letter's 2003 timeline is produced to the first
            StringWriter err = new StringWriter();
            int exit = GuardCommand.run(List.of("produce"), settings, new StringWriter(), err,
                    "examples/letter-2003.jsonl");
            // then nothing is sent, and the reason is said once per topic, with the fix
            assertThat(exit).isEqualTo(LockupGuardCli.EXIT_REFUSED);
            assertThat(err.toString()).containsOnlyOnce("record(s) for topic 'produce-orders'")
                    .contains(orderLines.size() + " record(s) for topic 'produce-orders' (first at line "
                            + orderLines.get(0) + ")", "retention.ms=-1", "nothing was sent");
            // when it is produced, anyway, to the second
            err = new StringWriter();
            StringWriter out = new StringWriter();
            try (CapturedLogs logs = CapturedLogs.of(TimelineProducer.class)) {
                exit = GuardCommand.run(List.of("produce"), refusing, out, err, "--allow-expiring-records",
                        "examples/letter-2003.jsonl");
                // (said once, by the command: the producer's log said each again, on the same stderr)
                assertThat(logs.messages()).noneMatch(message -> message.contains("rejected by the broker"));
            }
            // then every order line the broker refused is reported with its number, and none is counted as sent
            assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
            assertThat(out.toString()).contains(", 0 orders and 0 execution reports to refusing-orders; "
                    + orderLines.size() + " record(s) refused or not acknowledged, named above");
            for (int line : orderLines) {
                assertThat(err.toString()).contains("line " + line + ": rejected by the broker (topic refusing-orders)");
            }
            assertThat(err.toString()).contains("InvalidTimestampException");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Creates topics as an operator would, 4 partitions each, with the broker's defaults unless given. */
    private static void createTopics(List<String> topics, Map<String, Map<String, String>> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, 4, (short) 1)
                    .configs(configs.getOrDefault(topic, Map.of()))).toList()).all().get();
        }
    }
}
