package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.StoreNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on a broker: the changelog topics an older guard left (Avro values, open reservations
 * in a store of their own; service/src/test/resources/upgrade) are the only state a new guard has. It
 * restores them — a real restore, from the changelog topics into RocksDB — and answers the records
 * after them exactly as the older guard did.
 */
@Timeout(180)
class UpgradeRestoreIT {

    private static final Path FIXTURE = Path.of("service/src/test/resources/upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION_ID = "guard-upgrade";
    private static final int PARTITIONS = 4;

    @TempDir
    Path stateDir;

    @Test
    void shouldRestoreAnOlderGuardsChangelogsAndAnswerAsItWould() throws Exception {
        JsonNode fixture = JSON.readTree(Files.readString(FIXTURE.resolve("changelogs-avro.json")));
        String scope = "upgrade-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given the registry the older guard wrote with, and its changelog topics, and nothing else
            registerSchemasWithTheirIds(scope, fixture.get("schemas"));
            Map<String, String> settings = GuardInstance.settings(kafka, APPLICATION_ID, scope);
            // the fixture holds the older guard's changelogs, not the inputs it read nor its positions on them
            settings.put(GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
            BrokerIO io = new BrokerIO(settings);
            io.createTopics();
            long written = writeChangelogs(settings, fixture.get("changelogs"));
            // when a guard starts on an empty state directory
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                // then it restored every record of them
                assertThat(guard.service().restoredRecords()).isEqualTo(written);
                // and answers the next records exactly as the older guard did
                List<String> phase2 = Files.readAllLines(FIXTURE.resolve("phase2.jsonl"));
                io.produce(Scenario.of(phase2));
                List<JsonNode> expected = Files.readAllLines(FIXTURE.resolve("phase2.expected.jsonl")).stream()
                        .map(UpgradeRestoreIT::json).toList();
                List<JsonNode> expectedDecisions = expected.stream().filter(e -> !e.has("executionId")).toList();
                List<JsonNode> expectedResults = expected.stream().filter(e -> e.has("executionId")).toList();
                List<Decision> decisions = io.awaitDecisions(expectedDecisions.size(), Duration.ofSeconds(60))
                        .stream().map(DecisionReader.DecisionRecord::decision).toList();
                List<ReportResult> results = io.awaitValues(io.topics().executionResults(), expectedResults.size(),
                        Duration.ofSeconds(60));
                // a holding's answers keep their order; holdings on different partitions interleave freely
                assertThat(byHolding(decisions.stream().map(UpgradeRestoreIT::decision).toList()))
                        .isEqualTo(byHolding(expectedDecisions.stream().map(UpgradeRestoreIT::decision).toList()));
                assertThat(byHolding(results.stream().map(UpgradeRestoreIT::result).toList()))
                        .isEqualTo(byHolding(expectedResults.stream().map(UpgradeRestoreIT::result).toList()));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static void registerSchemasWithTheirIds(String scope, JsonNode schemas) {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        for (int id = 1; schemas.has(Integer.toString(id)); id++) {
            Schema schema = new Schema.Parser().parse(schemas.get(Integer.toString(id)).asText());
            assertThat(registry.register("fixture-" + id, schema)).isEqualTo(id);
        }
    }

    /**
     * Each store's changelog topic as Kafka Streams would have created it, holding the fixture's records, each on
     * the partition of its holding's task. Returns how many records were written.
     */
    private static long writeChangelogs(Map<String, String> settings, JsonNode changelogs) throws Exception {
        Properties client = new com.lockupguard.app.GuardConfig(settings).clientProperties();
        List<NewTopic> topics = new ArrayList<>();
        changelogs.fieldNames().forEachRemaining(store -> topics.add(new NewTopic(changelog(store), PARTITIONS,
                (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(topics).all().get();
        }
        long written = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                new ByteArraySerializer())) {
            for (Iterator<Map.Entry<String, JsonNode>> stores = changelogs.fields(); stores.hasNext(); ) {
                Map.Entry<String, JsonNode> store = stores.next();
                for (JsonNode record : store.getValue()) {
                    String key = record.get(0).asText();
                    byte[] value = record.get(1).isNull() ? null : Base64.getDecoder().decode(record.get(1).asText());
                    int partition = InputPartitions.expectedPartition(holdingOf(store.getKey(), key), PARTITIONS);
                    producer.send(new ProducerRecord<>(changelog(store.getKey()), partition, key, value)).get();
                    written++;
                }
            }
        }
        return written;
    }

    private static String changelog(String store) {
        return StoreNames.changelogTopic(APPLICATION_ID, store);
    }

    /** The holding a store key belongs to: the key itself, an id key's first two parts, a schedule key's last two. */
    private static String holdingOf(String store, String key) {
        String[] parts = key.split("/");
        return switch (store) {
            case StoreNames.HOLDING_STATE -> key;
            case StoreNames.RELEASE_SCHEDULE -> parts[1] + "/" + parts[2];
            default -> parts[0] + "/" + parts[1];
        };
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The fields of a decision the comparison holds, as text, keyed for grouping by the holding first. */
    private static Map.Entry<String, String> decision(JsonNode expected) {
        return Map.entry(expected.get("investorId").asText() + "/" + expected.get("securityId").asText(),
                String.join("|", expected.get("orderId").asText(), expected.get("decision").asText(),
                        expected.get("reasons").toString(), expected.get("maxAllowedNow").toString(),
                        expected.get("evaluatedAt").toString(), expected.get("agreementVersion").toString(),
                        expected.get("termsHash").toString(), expected.get("repeated").toString()));
    }

    private static Map.Entry<String, String> decision(Decision actual) {
        return decision(JSON.valueToTree(Map.of(
                "investorId", actual.getInvestorId(), "securityId", actual.getSecurityId(),
                "orderId", actual.getOrderId(), "decision", actual.getOutcome().name(),
                "reasons", actual.getReasons().stream().map(Enum::name).toList(),
                "maxAllowedNow", actual.getMaxAllowedNow() == null ? JSON.nullNode() : actual.getMaxAllowedNow(),
                "evaluatedAt", actual.getEvaluatedAt() == null ? JSON.nullNode() : actual.getEvaluatedAt().toString(),
                "agreementVersion", actual.getAgreementVersion() == null ? JSON.nullNode()
                        : actual.getAgreementVersion(),
                "termsHash", actual.getTermsHash() == null ? JSON.nullNode() : actual.getTermsHash(),
                "repeated", actual.getRepeated())));
    }

    private static Map.Entry<String, String> result(JsonNode expected) {
        return Map.entry(expected.get("investorId").asText() + "/" + expected.get("securityId").asText(),
                String.join("|", expected.get("executionId").asText(), expected.get("result").asText(),
                        expected.get("covered").toString(), expected.get("released").toString(),
                        expected.get("alert").toString()));
    }

    private static Map.Entry<String, String> result(ReportResult actual) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("investorId", actual.getInvestorId());
        line.put("securityId", actual.getSecurityId());
        line.put("executionId", actual.getExecutionId());
        line.put("result", actual.getOutcome().name());
        line.put("covered", actual.getCovered());
        line.put("released", actual.getReleased());
        Map<String, Object> alert = null;
        if (actual.getAlert() != null) {
            alert = new LinkedHashMap<>();
            alert.put("type", actual.getAlert().getType().name());
            alert.put("quantity", actual.getAlert().getQuantity());
            alert.put("breachesAgreement", actual.getAlert().getBreachesAgreement());
        }
        line.put("alert", alert);
        return result((JsonNode) JSON.valueToTree(line));
    }

    private static Map<String, List<String>> byHolding(List<Map.Entry<String, String>> answers) {
        Map<String, List<String>> byHolding = new LinkedHashMap<>();
        answers.forEach(answer -> byHolding.computeIfAbsent(answer.getKey(), k -> new ArrayList<>())
                .add(answer.getValue()));
        return new java.util.TreeMap<>(byHolding);
    }
}
