package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.serde.GeneratedClassTrust;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoTableTest {

    private final DemoTable table = new DemoTable(ZoneId.of("America/New_York"));

    @BeforeAll
    static void trustTheGeneratedClasses() {
        // a builder's defaults (the decision's reasons) are made through Avro's class lookup, which trusts the
        // generated classes once a serde of the guard's has installed that: here none is made first
        GeneratedClassTrust.install();
    }

    private static Decision decision(String orderId, String investor, String security, String at) {
        return Decision.newBuilder().setOrderId(orderId).setInvestorId(investor).setSecurityId(security)
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(1_000L).setOrderAt(Instant.parse(at))
                .setOutcome(Outcome.APPROVED).build();
    }

    private static ReportResult result(String orderId, ExecutionResult outcome, String at) {
        return ReportResult.newBuilder().setExecutionId("x-" + orderId).setOrderId(orderId).setInvestorId("dutchess")
                .setSecurityId("CBYI").setQuantity(1_000L).setReportedAt(Instant.parse(at)).setOutcome(outcome).build();
    }

    private static ComplianceAlert alert(String executionId, String at) {
        Instant reported = Instant.parse(at);
        return ComplianceAlert.newBuilder().setExecutionId(executionId).setOrderId("z9").setInvestorId("dutchess")
                .setSecurityId("CBYI").setReportedQuantity(20_000L).setType(AlertType.UNAPPROVED_SALE)
                .setQuantity(20_000L).setBreachesAgreement(true).setAllowedNow(0L)
                .setReservationKind(OrderKind.PUBLIC_SALE).setReportedAt(reported).setEvaluatedAt(reported)
                .setPosition(Position.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI").setAsOf(reported)
                        .setPhase(Phase.FIRST).setRegistered(true).setTotalShares(675_675L).setSoldToDate(0L)
                        .setContractCapacity(0L).setReleasedToDate(0L).setAvailableNow(0L).setFirstReleaseAt(reported)
                        .setSecondReleaseAt(reported).setRule144Date(java.time.LocalDate.parse("2004-04-28")).build())
                .setAgreementVersion(1L).setTermsHash("h").build();
    }

    @Test
    void shouldPrintTheRowsOfOneHoldingInTimeWithoutNamingIt() {
        // given the decisions of one holding, read out of time order (two topics, six partitions)
        List<Decision> decisions = List.of(decision("e2", "dutchess", "CBYI", "2003-07-11T13:45:00Z"),
                decision("e1", "dutchess", "CBYI", "2003-05-15T14:00:00Z"));

        // when they are tabled
        List<String> lines = table.table(decisions, List.of()).lines().toList();

        // then the header, its rule as the README shows it, and the rows in event time
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).isEqualTo("-".repeat(151));
        assertThat(lines.get(2)).startsWith("2003-05-15 10:00 EDT  e1");
        assertThat(lines.get(3)).startsWith("2003-07-11 09:45 EDT  e2");
    }

    @Test
    void shouldPutEachHoldingsRowsUnderItsNameWhenThereAreSeveral() {
        // given two holdings whose rows interleave in time
        List<Decision> decisions = List.of(decision("a1", "dutchess", "CBYI", "2003-07-11T13:45:00Z"),
                decision("b1", "fund-b", "CBYX", "2003-07-11T14:00:00Z"),
                decision("a2", "dutchess", "CBYI", "2003-07-11T15:00:00Z"));

        // when they are tabled
        List<String> lines = table.table(decisions, List.of()).lines().toList();

        // then each holding's rows come together, in time, under a line naming it: a position is a holding's
        assertThat(lines.subList(2, lines.size())).satisfiesExactly(
                line -> assertThat(line).isEqualTo("holding dutchess / CBYI"),
                line -> assertThat(line).contains(" a1 "),
                line -> assertThat(line).contains(" a2 "),
                line -> assertThat(line).isEqualTo("holding fund-b / CBYX"),
                line -> assertThat(line).contains(" b1 "));
    }

    @Test
    void shouldWidenTheOutcomeColumnForAResultLongerThanItSoThatTheColumnsStayAligned() {
        // given a result whose outcome is longer than the column's eight characters
        List<ReportResult> results = List.of(result("e2", ExecutionResult.APPLIED, "2003-07-11T14:30:00Z"),
                result("e2", ExecutionResult.DUPLICATE_EXECUTION_ID, "2003-07-11T14:40:00Z"));

        // when they are tabled
        List<String> lines = table.table(List.of(), results).lines().toList();

        // then the next column starts at the same place in the header and in every row
        int header = lines.get(0).indexOf("reasons / what the report did");
        assertThat(lines.get(2).indexOf("-", lines.get(2).indexOf("APPLIED"))).isEqualTo(header);
        assertThat(lines.get(3).indexOf("-", lines.get(3).indexOf("DUPLICATE_EXECUTION_ID"))).isEqualTo(header);
        assertThat(lines.get(1)).hasSize(151 + "DUPLICATE_EXECUTION_ID".length() - 8); // the rule grows with it
    }

    @Test
    void shouldListTheAlertsInTheOrderOfTheSalesTheyWereRaisedFor() {
        // given alerts read out of time order
        List<ComplianceAlert> alerts = List.of(alert("late", "2003-09-09T14:00:00Z"),
                alert("early", "2003-06-01T14:00:00Z"));

        // when / then the earlier sale's comes first
        assertThat(table.alerts(alerts).lines().toList()).satisfiesExactly(
                line -> assertThat(line).startsWith("  2003-06-01 10:00 EDT  UNAPPROVED_SALE early:"),
                line -> assertThat(line).startsWith("  2003-09-09 10:00 EDT  UNAPPROVED_SALE late:"));
    }

    @Test
    void shouldPrintIdsWithControlCharactersOnOneLineAndWithoutTheirEscapes() {
        // given a decision and an alert whose ids hold a line break and an ANSI escape (a terminal's colours)
        Decision decision = decision("e1\n2003-01-01 fake row", "dutch\u001b[31mess", "CBYI", "2003-05-15T14:00:00Z");
        ComplianceAlert alert = alert("x\u001b]0;title\u0007", "2003-06-01T14:00:00Z");

        // when they are tabled
        String rows = table.table(List.of(decision), List.of());
        String alerts = table.alerts(List.of(alert));

        // then each stays on its line, its control characters written as the commands' messages write them
        assertThat(rows.lines()).hasSize(3);
        assertThat(rows).contains("e1\\n2003-01-01 fake row").doesNotContain("\u001b");
        assertThat(alerts.lines()).singleElement().asString().contains("UNAPPROVED_SALE x?]0;title?:")
                .doesNotContain("\u001b").doesNotContain("\u0007");
    }

    @Test
    void shouldNameAHoldingWhoseIdsHoldControlCharactersOnOneLine() {
        // given two holdings, one of whose investor ids holds a carriage return
        List<Decision> decisions = List.of(decision("a1", "dutchess", "CBYI", "2003-07-11T13:45:00Z"),
                decision("b1", "fund\rb", "CBYX", "2003-07-11T14:00:00Z"));

        // when / then its name is one line, the carriage return written as a line break is
        assertThat(table.table(decisions, List.of()).lines()).contains("holding fund\\nb / CBYX");
    }
}
