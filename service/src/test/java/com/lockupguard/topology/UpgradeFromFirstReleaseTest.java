package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade from 0.1.0, the first release, whose stores held Avro values of its own schemas
 * (src/test/resources/schemas/released/0.1.0): it counted an approval as sold and kept no
 * reservation. This version reads them and decides the next orders as 0.1.0 would have.
 * (UpgradeRestoreTest restores the changelogs of a later guard, which kept reservations.)
 */
class UpgradeFromFirstReleaseTest {

    private static final Path SCHEMAS = Path.of("service/src/test/resources/schemas/released/0.1.0");
    private static final List<String> SCHEMA_FILES = List.of("OrderKind", "Outcome", "Phase", "Reason",
            "TrancheMode", "Agreement", "Position", "Decision", "ProposedOrder", "HoldingState", "SeenOrder");
    private static final String APPROVED_AT = "2003-07-11T09:45:00-04:00";

    @TempDir
    Path stateDir;

    private final String scope = "first-release-" + UUID.randomUUID();
    private TopologyFixture guard;

    @AfterEach
    void stop() {
        if (guard != null) {
            guard.close();
        }
    }

    @Test
    void shouldDecideOnAHoldingTheFirstReleaseStoredAsItWouldHave() throws IOException {
        // given 0.1.0's stores after it approved e2, a sale of 120,000 of the First Release's 200,000 on 11 July
        guard = new TopologyFixture(stateDir, scope);
        storeAsTheFirstReleaseDid();

        // when e2 is sent again, then 90,000 and 80,000 are asked for, and 200,000 in the first 30-day period
        Decision retry = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:50:00-04:00");
        Decision tooMany = guard.decide(order("e3", OrderKind.PUBLIC_SALE, 90_000), "2003-07-11T10:00:00-04:00");
        Decision theRest = guard.decide(order("e4", OrderKind.PUBLIC_SALE, 80_000), "2003-07-11T10:05:00-04:00");
        Decision nextPeriod = guard.decide(order("e5", OrderKind.PUBLIC_SALE, 200_000), "2003-08-11T10:00:00-04:00");

        // then the retry is 0.1.0's first decision, and the 120,000 count as sold: 80,000 are left
        assertThat(retry.getOutcome()).isEqualTo(Outcome.APPROVED);
        assertThat(retry.getRepeated()).isTrue();
        assertThat(retry.getMaxAllowedNow()).isEqualTo(200_000L);
        assertThat(tooMany.getOutcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(tooMany.getReasons()).containsExactly(Reason.FIRST_RELEASE_CAP);
        assertThat(tooMany.getMaxAllowedNow()).isEqualTo(80_000L);
        assertThat(theRest.getOutcome()).isEqualTo(Outcome.APPROVED);
        assertThat(theRest.getPosition().getSoldToDate()).as("0.1.0's approval, without a reservation")
                .isEqualTo(120_000L);
        assertThat(theRest.getPosition().getReservedNow()).isEqualTo(80_000L);
        // and the First Release was sold in the first window, all of it: nothing of it carries into the period
        assertThat(nextPeriod.getReasons()).containsExactly(Reason.PERIOD_CAP);
        assertThat(nextPeriod.getMaxAllowedNow()).isEqualTo(158_559L);
        // and a fill of e2, which 0.1.0 kept no reservation for, is counted again with an alert, as
        // docs/SCHEMA-REGISTRY.md warns
        ReportResult fill = guard.report(TopologyFixture.fill("x-e2", "e2", 120_000), "2003-08-11T10:10:00-04:00");
        assertThat(fill.getCovered()).isZero();
        assertThat(fill.getAlert().getType()).isEqualTo(AlertType.OVERFILL);
    }

    /** The holding and e2's memory as 0.1.0 wrote them: its schemas, registered, and Confluent's wire format. */
    private void storeAsTheFirstReleaseDid() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String name : SCHEMA_FILES) {
            parser.parse(SCHEMAS.resolve(name + ".avsc").toFile());
        }
        Schema holdingSchema = parser.getTypes().get("com.lockupguard.avro.HoldingState");
        Schema seenSchema = parser.getTypes().get("com.lockupguard.avro.SeenOrder");
        Schema agreementSchema = parser.getTypes().get("com.lockupguard.avro.Agreement");
        Schema decisionSchema = parser.getTypes().get("com.lockupguard.avro.Decision");
        Schema kindSchema = parser.getTypes().get("com.lockupguard.avro.OrderKind");
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        long approvedAt = TopologyFixture.at(APPROVED_AT).toEpochMilli();

        GenericRecord agreement = new GenericData.Record(agreementSchema);
        agreement.put("investorId", "dutchess");
        agreement.put("securityId", "CBYI");
        agreement.put("executionDate", (int) LocalDate.parse("2003-04-28").toEpochDay());
        agreement.put("timeZone", "America/New_York");
        agreement.put("totalShares", 675_675L);
        agreement.put("lockupDays", 90L);
        agreement.put("firstReleaseShares", 200_000L);
        agreement.put("firstReleaseDays", 30L);
        agreement.put("trancheShares", 158_559L);
        agreement.put("trancheDays", 30L);
        agreement.put("trancheMode", new GenericData.EnumSymbol(agreementSchema.getField("trancheMode").schema(),
                "NON_CUMULATIVE"));
        agreement.put("rule144HoldingMonths", 12L);
        agreement.put("effectiveAt", Instant.parse("2003-07-10T20:30:00Z").toEpochMilli());
        GenericRecord holding = new GenericData.Record(holdingSchema);
        holding.put("agreement", agreement);
        holding.put("soldTotal", 120_000L);
        holding.put("soldInFirstWindow", 120_000L);
        holding.put("carryUsed", 0L);
        holding.put("trancheUsedPeriod", -1L);
        holding.put("trancheUsed", 0L);
        holding.put("evaluationClock", approvedAt);

        GenericRecord decision = new GenericData.Record(decisionSchema);
        decision.put("orderId", "e2");
        decision.put("investorId", "dutchess");
        decision.put("securityId", "CBYI");
        decision.put("kind", new GenericData.EnumSymbol(kindSchema, "PUBLIC_SALE"));
        decision.put("quantity", 120_000L);
        decision.put("orderAt", approvedAt);
        decision.put("outcome", new GenericData.EnumSymbol(decisionSchema.getField("outcome").schema(), "APPROVED"));
        decision.put("reasons", List.of());
        decision.put("maxAllowedNow", 200_000L);
        decision.put("evaluatedAt", approvedAt);
        decision.put("position", null);
        GenericRecord seen = new GenericData.Record(seenSchema);
        seen.put("kind", new GenericData.EnumSymbol(kindSchema, "PUBLIC_SALE"));
        seen.put("quantity", 120_000L);
        seen.put("decision", decision);

        KeyValueStore<String, byte[]> holdings = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        holdings.put(HOLDING, wire(registry.register("first-release-holding-state", holdingSchema), holding));
        KeyValueStore<String, byte[]> orders = guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
        orders.put(StoreNames.idKey(HOLDING, "e2"), wire(registry.register("first-release-seen-order", seenSchema),
                seen));
    }

    private static byte[] wire(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
