package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StateCodec;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade: the stores restored from the changelogs an older guard wrote (Avro values, open
 * reservations in a store of their own), then the next records: the guard answers exactly as the
 * old guard did (src/test/resources/upgrade/README.md says how the fixture was made).
 */
class UpgradeRestoreTest {

    static final Path FIXTURE = Path.of("service/src/test/resources/upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A decision's fields, its position included: a counter misread from the old stores would show there. */
    private static final String[] DECISION_KEYS = {"orderId", "decision", "reasons", "maxAllowedNow", "evaluatedAt",
        "agreementVersion", "termsHash", "repeated", "position"};
    /** A result's fields (the old guard's results were recorded without their positions). */
    private static final String[] RESULT_KEYS = {"executionId", "orderId", "result", "covered", "released", "alert"};

    @TempDir
    Path stateDir;

    private final String scope = "upgrade-" + UUID.randomUUID();
    private TopologyFixture guard;

    @AfterEach
    void stop() {
        if (guard != null) {
            guard.close();
        }
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldAnswerAsTheOldGuardDidAfterRestoringItsChangelogs() throws IOException {
        // given the registry the old guard wrote with, and its stores restored from its changelogs
        startOnTheOldGuardsChangelogs();
        // when the records after them come
        List<JsonNode> answers = new ArrayList<>();
        TimelineParser parser = new TimelineParser(JSON);
        int line = 0;
        for (String text : Files.readAllLines(FIXTURE.resolve("phase2.jsonl"))) {
            TimelineEntry entry = parser.parse(++line, text).orElseThrow();
            answers.addAll(pipe(entry));
        }
        // then every answer is the old guard's
        List<String> expected = Files.readAllLines(FIXTURE.resolve("phase2.expected.jsonl"));
        assertThat(answers).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = JSON.readTree(expected.get(i));
            String[] keys = want.has("executionId") ? RESULT_KEYS : DECISION_KEYS;
            assertThat(pick(answers.get(i), keys).toString()).as("answer %d", i + 1)
                    .isEqualTo(pick(want, keys).toString());
        }
        // and the orders whose reservations the old guard kept apart now keep them themselves
        KeyValueStore<String, byte[]> legacy = guard.driver.getKeyValueStore(StoreNames.RESERVATIONS);
        assertThat(legacy.get("dutchess/CBYI/e2")).as("filled in phase 2").isNull();
        assertThat(legacy.get("dutchess/CBYI/e6")).as("cancelled in phase 2").isNull();
        assertThat(legacy.get("fund2/ACME/a1")).as("filled in phase 2").isNull();
        StateCodec codec = guard.topics.stateCodec();
        KeyValueStore<String, byte[]> seenOrders = guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
        RememberedOrder e6 = codec.order(seenOrders.get("dutchess/CBYI/e6"), "e6");
        assertThat(e6.status()).isEqualTo(ReservationStatus.CANCELLED);
        assertThat(seenOrders.get("dutchess/CBYI/e6")[0]).as("written back compact").isEqualTo((byte) 1);
        assertThat(codec.order(seenOrders.get("dutchess/CBYI/e7"), "e7").reservation())
                .as("a new approval keeps its open reservation with it").isNotNull();
        assertThat(legacy.get("dutchess/CBYI/e7")).isNull();
    }

    @Test
    void shouldNeverForgetAnOpenReservationTheOldGuardKeptApart() throws IOException {
        // given the old guard's stores restored, with open reservations in the store of their own
        startOnTheOldGuardsChangelogs();
        List<String> open = keys(StoreNames.RESERVATIONS);
        assertThat(open).containsExactlyInAnyOrder("dutchess/CBYI/e2", "dutchess/CBYI/e6", "fund2/ACME/a1");
        // when the sweeper first meets the old ids, and again once the retention has passed since
        java.time.Duration retention = TopologyOptions.DEFAULT_ID_RETENTION;
        guard.driver.advanceWallClockTime(java.time.Duration.ofMinutes(1));
        guard.driver.advanceWallClockTime(retention.plusHours(2));
        // then the ids without an open reservation are forgotten, and those with one are all kept, with the
        // execution ids of their fills (a fill redelivered is not counted twice)
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactlyInAnyOrderElementsOf(open);
        StateCodec codec = guard.topics.stateCodec();
        KeyValueStore<String, byte[]> executions = guard.driver.getKeyValueStore(StoreNames.SEEN_EXECUTIONS);
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).isNotEmpty().allSatisfy(execution -> assertThat(
                open).contains(execution.substring(0, execution.lastIndexOf('/') + 1)
                        + codec.execution(executions.get(execution)).orderId()));
    }

    @Test
    void shouldRememberTheOldGuardsIdsForTheRetentionFromWhenTheSweeperFirstMeetsThem() throws IOException {
        // given the old guard's stores restored: its values do not say since when it remembered each id
        startOnTheOldGuardsChangelogs();
        List<String> orders = keys(StoreNames.SEEN_ORDERS);
        List<String> executions = keys(StoreNames.SEEN_EXECUTIONS);
        assertThat(executions).isNotEmpty();
        // when the sweeper first meets the old ids, and walks them again an hour before the retention has passed since
        java.time.Duration retention = TopologyOptions.DEFAULT_ID_RETENTION;
        guard.driver.advanceWallClockTime(java.time.Duration.ofMinutes(1));
        guard.driver.advanceWallClockTime(retention.minusHours(1));
        // then every one is still remembered: a retry of an old order or report is answered as a repeat
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactlyInAnyOrderElementsOf(orders);
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).containsExactlyInAnyOrderElementsOf(executions);
    }

    private List<String> keys(String store) {
        List<String> keys = new ArrayList<>();
        KeyValueStore<String, Object> kv = guard.driver.getKeyValueStore(store);
        try (var all = kv.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    /** A guard started on the registry the old guard wrote with, its stores restored from the old changelogs. */
    private void startOnTheOldGuardsChangelogs() throws IOException {
        JsonNode fixture = JSON.readTree(Files.readString(FIXTURE.resolve("changelogs-avro.json")));
        registerSchemasWithTheirIds(fixture.get("schemas"));
        guard = new TopologyFixture(stateDir, scope);
        restore(fixture.get("changelogs"));
    }

    /** Registers the old registry's schemas in id order, so that each gets the id the old values name. */
    private void registerSchemasWithTheirIds(JsonNode schemas) {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        for (int id = 1; schemas.has(Integer.toString(id)); id++) {
            Schema schema = new Schema.Parser().parse(schemas.get(Integer.toString(id)).asText());
            assertThat(registry.register("fixture-" + id, schema)).isEqualTo(id);
        }
    }

    /** What a restore does: each changelog record's bytes put into its store as they are, in order. */
    private void restore(JsonNode changelogs) {
        for (Iterator<Map.Entry<String, JsonNode>> stores = changelogs.fields(); stores.hasNext(); ) {
            Map.Entry<String, JsonNode> changelog = stores.next();
            KeyValueStore<String, Object> store = guard.driver.getKeyValueStore(changelog.getKey());
            for (JsonNode record : changelog.getValue()) {
                String key = record.get(0).asText();
                if (record.get(1).isNull()) {
                    store.delete(key);
                } else {
                    byte[] value = Base64.getDecoder().decode(record.get(1).asText());
                    store.put(key, changelog.getKey().equals(StoreNames.RELEASE_SCHEDULE)
                            ? new String(value, StandardCharsets.UTF_8) : value);
                }
            }
        }
    }

    private List<JsonNode> pipe(TimelineEntry entry) {
        List<JsonNode> answers = new ArrayList<>();
        if (entry instanceof TimelineEntry.AgreementLine agreement) {
            guard.agreements.pipeInput(key(agreement.agreement().getInvestorId(),
                    agreement.agreement().getSecurityId()), agreement.agreement(), agreement.at());
        } else if (entry instanceof TimelineEntry.OrderLine order) {
            guard.orders.pipeInput(key(order.order().getInvestorId(), order.order().getSecurityId()), order.order(),
                    order.at());
            guard.drainDecisions().forEach(decision -> answers.add(json(decision)));
        } else if (entry instanceof TimelineEntry.ExecutionLine execution) {
            guard.orders.pipeInput(key(execution.report().getInvestorId(), execution.report().getSecurityId()),
                    execution.report(), execution.at());
            guard.executionResults.readValuesToList().forEach(result -> answers.add(json(result)));
        } else {
            throw new AssertionError("a fixture line that does not parse: " + entry);
        }
        return answers;
    }

    private static String key(String investorId, String securityId) {
        return investorId + "/" + securityId;
    }

    /** The answer as the replay prints it: its keys here, numbers written as JSON numbers. */
    private static JsonNode json(Decision decision) {
        ObjectNode line = JSON.createObjectNode().put("orderId", decision.getOrderId())
                .put("decision", decision.getOutcome().name())
                .put("maxAllowedNow", decision.getMaxAllowedNow())
                .put("evaluatedAt", decision.getEvaluatedAt() == null ? null : decision.getEvaluatedAt().toString())
                .put("agreementVersion", decision.getAgreementVersion())
                .put("termsHash", decision.getTermsHash())
                .put("repeated", decision.getRepeated());
        decision.getReasons().forEach(reason -> line.withArray("reasons").add(reason.name()));
        line.withArray("reasons");
        line.set("position", new ContractJson(JSON).decision(decision).get("position"));
        return line;
    }

    private static JsonNode json(ReportResult result) {
        ObjectNode line = JSON.createObjectNode().put("executionId", result.getExecutionId())
                .put("orderId", result.getOrderId())
                .put("result", result.getOutcome().name())
                .put("covered", result.getCovered())
                .put("released", result.getReleased());
        if (result.getAlert() == null) {
            line.putNull("alert");
        } else {
            line.putObject("alert").put("type", result.getAlert().getType().name())
                    .put("quantity", result.getAlert().getQuantity())
                    .put("breachesAgreement", result.getAlert().getBreachesAgreement());
        }
        return line;
    }

    private static ObjectNode pick(JsonNode line, String... keys) {
        ObjectNode picked = JSON.createObjectNode();
        for (String key : keys) {
            picked.set(key, line.get(key));
        }
        return picked;
    }
}
