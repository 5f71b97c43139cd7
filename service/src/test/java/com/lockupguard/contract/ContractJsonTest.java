package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
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
}
