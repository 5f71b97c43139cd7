package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON forms the HTTP API answers with and the replay writes: each field from the record's field of that name. */
class ContractJsonTest {

    private final ContractJson contracts = new ContractJson(new ObjectMapper());

    private static Position position() {
        return Position.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setAsOf(Instant.parse("2003-07-21T14:00:00Z")).setPhase(Phase.FIRST).setPeriod(null)
                .setRegistered(true).setTotalShares(675_675).setSoldToDate(230_000).setReservedNow(0)
                .setContractCapacity(0).setReleasedToDate(200_000).setAvailableNow(0)
                .setNextReleaseAt(Instant.parse("2003-08-09T04:00:00Z")).setAvailableAtNextRelease(8_559L)
                .setFirstReleaseAt(Instant.parse("2003-07-10T20:30:00Z"))
                .setSecondReleaseAt(Instant.parse("2003-08-09T04:00:00Z"))
                .setRule144Date(LocalDate.parse("2004-04-28")).setAgreementVersion(1L).setTermsHash("ab12").build();
    }

    @Test
    void shouldWriteAnExecutionReportsResultWithItsAlertFieldByField() {
        // given an applied fill, part covered by its approval, part not: every number different
        ReportResult result = ReportResult.newBuilder().setExecutionId("x9").setOrderId("e9").setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(30_000L)
                .setReportedAt(Instant.parse("2003-07-21T14:00:00Z")).setOutcome(ExecutionResult.APPLIED)
                .setCovered(20_000L).setReleased(5_000L)
                .setAlert(ReportAlert.newBuilder().setType(AlertType.OVERFILL).setQuantity(10_000)
                        .setBreachesAgreement(true).setAllowedNow(4_000).build())
                .setEvaluatedAt(Instant.parse("2003-07-21T14:00:01Z")).setPosition(position())
                .setAgreementVersion(1L).setTermsHash("ab12").build();
        // when
        JsonNode json = contracts.report(result);
        // then
        assertThat(json.get("quantity").asLong()).isEqualTo(30_000);
        assertThat(json.get("covered").asLong()).isEqualTo(20_000);
        assertThat(json.get("released").asLong()).isEqualTo(5_000);
        assertThat(json.get("alert").get("type").asText()).isEqualTo("OVERFILL");
        assertThat(json.get("alert").get("quantity").asLong()).isEqualTo(10_000);
        assertThat(json.get("alert").get("allowedNow").asLong()).isEqualTo(4_000);
        assertThat(json.get("alert").get("breachesAgreement").asBoolean()).isTrue();
        assertThat(json.get("reportedAt").asText()).isEqualTo("2003-07-21T14:00:00Z");
        assertThat(json.get("evaluatedAt").asText()).isEqualTo("2003-07-21T14:00:01Z");
    }

    @Test
    void shouldWriteAComplianceAlertFieldByField() {
        // given an alert whose reported, uncovered and allowed quantities all differ
        ComplianceAlert alert = ComplianceAlert.newBuilder().setExecutionId("x9").setOrderId("e9")
                .setInvestorId("dutchess").setSecurityId("CBYI").setReportedQuantity(30_000).setType(AlertType.OVERFILL)
                .setQuantity(10_000).setBreachesAgreement(false).setAllowedNow(12_000)
                .setReservationKind(OrderKind.PUBLIC_SALE).setReportedAt(Instant.parse("2003-07-21T14:00:00Z"))
                .setEvaluatedAt(Instant.parse("2003-07-21T14:00:01Z")).setPosition(position()).setAgreementVersion(1)
                .setTermsHash("ab12").build();
        // when
        JsonNode json = contracts.alert(alert);
        // then
        assertThat(json.get("reportedQuantity").asLong()).isEqualTo(30_000);
        assertThat(json.get("quantity").asLong()).isEqualTo(10_000);
        assertThat(json.get("allowedNow").asLong()).isEqualTo(12_000);
        assertThat(json.get("breachesAgreement").asBoolean()).isFalse();
        assertThat(json.get("reportedAt").asText()).isEqualTo("2003-07-21T14:00:00Z");
        assertThat(json.get("evaluatedAt").asText()).isEqualTo("2003-07-21T14:00:01Z");
    }

    @Test
    void shouldWriteADecisionWithTheOrdersInstantAndWhetherItIsARepeat() {
        // given a retry's repeated decision, evaluated later than its order was stamped
        Decision decision = Decision.newBuilder().setOrderId("e4").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(90_000L).setOrderAt(Instant.parse("2003-07-20T15:00:00Z"))
                .setOutcome(Outcome.BLOCKED).setReasons(List.of(Reason.FIRST_RELEASE_CAP)).setMaxAllowedNow(80_000L)
                .setEvaluatedAt(Instant.parse("2003-07-20T15:00:02Z")).setPosition(position()).setAgreementVersion(1L)
                .setTermsHash("ab12").setRepeated(true).build();
        // when
        JsonNode json = contracts.decision(decision);
        // then
        assertThat(json.get("at").asText()).isEqualTo("2003-07-20T15:00:00Z");
        assertThat(json.get("evaluatedAt").asText()).isEqualTo("2003-07-20T15:00:02Z");
        assertThat(json.get("repeated").asBoolean()).isTrue();
        assertThat(json.get("maxAllowedNow").asLong()).isEqualTo(80_000);
        assertThat(json.get("position").get("soldToDate").asLong()).isEqualTo(230_000);
    }

    private static final String POSITION = "{\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
            + "\"asOf\":\"2003-07-21T14:00:00Z\",\"phase\":\"FIRST\",\"period\":null,\"registered\":true,"
            + "\"totalShares\":675675,\"soldToDate\":230000,\"reservedNow\":0,\"contractCapacity\":0,"
            + "\"releasedToDate\":200000,\"availableNow\":0,\"nextReleaseAt\":\"2003-08-09T04:00:00Z\","
            + "\"availableAtNextRelease\":8559,\"firstReleaseAt\":\"2003-07-10T20:30:00Z\","
            + "\"secondReleaseAt\":\"2003-08-09T04:00:00Z\",\"rule144Date\":\"2004-04-28\",\"agreementVersion\":1,"
            + "\"termsHash\":\"ab12\"}";

    private static Decision.Builder invalidOrder() {
        return Decision.newBuilder().setOrderId("e5").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(null).setQuantity(null).setOrderAt(Instant.parse("2003-07-20T15:00:00Z"))
                .setOutcome(Outcome.BLOCKED).setReasons(List.of(Reason.INVALID_ORDER)).setMaxAllowedNow(0L)
                .setEvaluatedAt(null).setPosition(null).setAgreementVersion(null).setTermsHash(null)
                .setRepeated(false);
    }

    @Test
    void shouldWriteADecisionsFieldsInTheContractsOrderWithItsPosition() {
        // given an approval of a period, its position in full
        Decision decision = Decision.newBuilder().setOrderId("e4").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PRIVATE_TRANSFER).setQuantity(90_000L)
                .setOrderAt(Instant.parse("2003-07-20T15:00:00Z")).setOutcome(Outcome.BLOCKED)
                .setReasons(List.of(Reason.PERIOD_CAP, Reason.TOTAL_CAP)).setMaxAllowedNow(80_000L)
                .setEvaluatedAt(Instant.parse("2003-07-20T15:00:02.5Z")).setPosition(position())
                .setAgreementVersion(1L).setTermsHash("ab12").setRepeated(false).build();
        // when
        JsonNode json = contracts.decision(decision);
        // then the order's ids, the decision, its reasons and maxAllowedNow come first (RULES.md section 6)
        assertThat(json.toString()).isEqualTo("{\"orderId\":\"e4\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                + "\"decision\":\"BLOCKED\",\"reasons\":[\"PERIOD_CAP\",\"TOTAL_CAP\"],\"maxAllowedNow\":80000,"
                + "\"kind\":\"PRIVATE_TRANSFER\",\"quantity\":90000,\"at\":\"2003-07-20T15:00:00Z\","
                + "\"evaluatedAt\":\"2003-07-20T15:00:02.500Z\",\"agreementVersion\":1,\"termsHash\":\"ab12\","
                + "\"repeated\":false,\"position\":" + POSITION + "}");
    }

    @Test
    void shouldWriteTheFieldsADecisionWithoutAHoldingLeavesOutAsNull() {
        // given an INVALID_ORDER decision: no kind, no quantity, no evaluation time, no position
        // when
        JsonNode json = contracts.decision(invalidOrder().build());
        // then each is null, none is dropped
        assertThat(json.toString()).isEqualTo("{\"orderId\":\"e5\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"decision\":\"BLOCKED\",\"reasons\":[\"INVALID_ORDER\"],"
                + "\"maxAllowedNow\":0,\"kind\":null,\"quantity\":null,\"at\":\"2003-07-20T15:00:00Z\","
                + "\"evaluatedAt\":null,\"agreementVersion\":null,\"termsHash\":null,\"repeated\":false,"
                + "\"position\":null}");
    }

    @Test
    void shouldEchoTheOrderAsWrittenInPlaceOfTheDecisionsOwnFields() throws Exception {
        // given an INVALID_ORDER whose order id was a number, its securityId left out, its kind unknown and its
        // quantity a fraction
        ContractJson.AsWritten asWritten = new ContractJson.AsWritten(IntNode.valueOf(7), TextNode.valueOf("dutchess"),
                null, TextNode.valueOf("SELL"), DecimalNode.valueOf(new BigDecimal("1.5")));
        StringWriter written = new StringWriter();
        // when
        try (JsonGenerator out = new ObjectMapper().createGenerator(written)) {
            contracts.writeDecision(out, invalidOrder().setOrderId(null).setSecurityId(null).build(), asWritten);
        }
        // then the fields are those written, not the decision's nulls
        assertThat(written.toString()).startsWith("{\"orderId\":7,\"investorId\":\"dutchess\",\"securityId\":null,"
                + "\"decision\":\"BLOCKED\",\"reasons\":[\"INVALID_ORDER\"],\"maxAllowedNow\":0,\"kind\":\"SELL\","
                + "\"quantity\":1.5,\"at\":");
        assertThat(new ObjectMapper().readTree(written.toString()).get("position")).isEqualTo(NullNode.getInstance());
    }

    @Test
    void shouldCloseEachDecisionAndItsPositionSoThatTheNextLineIsADecisionOfItsOwn() throws Exception {
        // given two decisions, the first with a position, written one after the other as the replay writes them
        Decision withPosition = invalidOrder().setReasons(List.of(Reason.LOCKUP_ACTIVE)).setPosition(position())
                .build();
        Decision withoutPosition = invalidOrder().build();
        StringWriter written = new StringWriter();
        // when
        try (JsonGenerator out = new ObjectMapper().createGenerator(written)) {
            contracts.writeDecision(out, withPosition, null);
            contracts.writeDecision(out, withoutPosition, null);
        }
        // then each is a JSON object of its own, the position inside the first
        List<JsonNode> lines = new ObjectMapper().readerFor(JsonNode.class).<JsonNode>readValues(written.toString())
                .readAll();
        assertThat(lines).extracting(JsonNode::toString).containsExactly(contracts.decision(withPosition).toString(),
                contracts.decision(withoutPosition).toString());
    }

    @Test
    void shouldWriteAPositionsFieldsAndItsNullsInTheContractsOrder() {
        // given the fixture's position, and one of a period with no release ahead and no agreement version
        Position ended = Position.newBuilder(position()).setPhase(Phase.PERIOD).setPeriod(3L).setNextReleaseAt(null)
                .setAvailableAtNextRelease(null).setAgreementVersion(null).build();
        // when
        JsonNode json = contracts.position(position());
        JsonNode periodJson = contracts.position(ended);
        // then
        assertThat(json.toString()).isEqualTo(POSITION);
        assertThat(periodJson.get("phase").asText()).isEqualTo("PERIOD");
        assertThat(periodJson.get("period").asLong()).isEqualTo(3);
        assertThat(periodJson.get("nextReleaseAt").isNull()).isTrue();
        assertThat(periodJson.get("availableAtNextRelease").isNull()).isTrue();
        assertThat(periodJson.get("agreementVersion").isNull()).isTrue();
    }

    @Test
    void shouldWriteTheResultOfAnInvalidReportWithItsMissingFieldsAsNull() {
        // given a report without a kind, answered INVALID: no alert, no evaluation, no position
        ReportResult result = ReportResult.newBuilder().setExecutionId("x9").setOrderId("e9").setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(null).setQuantity(null)
                .setReportedAt(Instant.parse("2003-07-21T14:00:00Z")).setOutcome(ExecutionResult.INVALID)
                .setCovered(null).setReleased(null).setAlert(null).setEvaluatedAt(null).setPosition(null)
                .setAgreementVersion(null).setTermsHash(null).build();
        // when
        JsonNode json = contracts.report(result);
        // then
        assertThat(json.toString()).isEqualTo("{\"executionId\":\"x9\",\"orderId\":\"e9\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"kind\":null,\"quantity\":null,\"result\":\"INVALID\",\"covered\":null,"
                + "\"released\":null,\"alert\":null,\"reportedAt\":\"2003-07-21T14:00:00Z\",\"evaluatedAt\":null,"
                + "\"agreementVersion\":null,\"termsHash\":null,\"position\":null}");
    }

    @Test
    void shouldWriteTheKindVersionAndPositionOfAnAppliedReportAndAnAlert() {
        // given an applied cancel, and an alert, each with the fixture's position
        ReportResult result = ReportResult.newBuilder().setExecutionId("x9").setOrderId("e9").setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(ExecutionKind.CANCEL).setQuantity(null)
                .setReportedAt(Instant.parse("2003-07-21T14:00:00Z")).setOutcome(ExecutionResult.APPLIED)
                .setCovered(null).setReleased(5_000L).setAlert(null)
                .setEvaluatedAt(Instant.parse("2003-07-21T14:00:01Z")).setPosition(position())
                .setAgreementVersion(3L).setTermsHash("ab12").build();
        ComplianceAlert alert = ComplianceAlert.newBuilder().setExecutionId("x9").setOrderId("e9")
                .setInvestorId("dutchess").setSecurityId("CBYI").setReportedQuantity(30_000)
                .setType(AlertType.LATE_FILL).setQuantity(10_000).setBreachesAgreement(true).setAllowedNow(0)
                .setReservationKind(OrderKind.PRIVATE_TRANSFER).setReportedAt(Instant.parse("2003-07-21T14:00:00Z"))
                .setEvaluatedAt(Instant.parse("2003-07-21T14:00:01Z")).setPosition(position()).setAgreementVersion(2)
                .setTermsHash("ab12").build();
        // when
        JsonNode json = contracts.report(result);
        JsonNode alertJson = contracts.alert(alert);
        // then
        assertThat(json.get("kind").asText()).isEqualTo("CANCEL");
        assertThat(json.get("agreementVersion").asLong()).isEqualTo(3);
        assertThat(json.get("alert").isNull()).isTrue();
        assertThat(json.get("position").toString()).isEqualTo(POSITION);
        assertThat(alertJson.get("type").asText()).isEqualTo("LATE_FILL");
        assertThat(alertJson.get("reservationKind").asText()).isEqualTo("PRIVATE_TRANSFER");
        assertThat(alertJson.get("agreementVersion").asLong()).isEqualTo(2);
        assertThat(alertJson.get("position").toString()).isEqualTo(POSITION);
    }

    @Test
    void shouldWriteAnOpenReservationWithWhatIsLeftOfIt() {
        // given a reservation of 90,000 shares of period 2, 30,000 of them filled
        OpenReservation reservation = OpenReservation.newBuilder().setKind(OrderKind.PUBLIC_SALE)
                .setPhase(Phase.PERIOD).setPeriod(2L).setFromTranche(60_000).setFromCarry(30_000).setQuantity(90_000)
                .setTaken(30_000).setOpenedAt(Instant.parse("2003-10-27T14:00:00Z")).build();
        // when
        JsonNode json = contracts.reservation("e7", reservation);
        // then
        assertThat(json.toString()).isEqualTo("{\"orderId\":\"e7\",\"kind\":\"PUBLIC_SALE\",\"phase\":\"PERIOD\","
                + "\"period\":2,\"quantity\":90000,\"taken\":30000,\"rest\":60000,\"fromTranche\":60000,"
                + "\"fromCarry\":30000,\"openedAt\":\"2003-10-27T14:00:00Z\"}");
    }
}
