package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionRuling;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.rules.Ruling;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** What the guard writes to execution-results and compliance-alerts: each field from the ruling's field of that name. */
class ExecutionMapperTest {

    private static final Instant IN_FIRST_WINDOW = Instant.parse("2003-07-11T14:00:00Z");

    @Test
    void shouldWriteAnOverfillsResultAndAlertFieldByField() {
        // given the letter's holding in its first window (200,000 shares), a sale of 100,000 approved on it
        LockupRules rules = new LockupRules();
        HoldingState letter = HoldingState.fresh(AgreementTerms.letter(new HoldingKey("dutchess", "CBYI"),
                LocalDate.parse("2003-04-28"), Instant.parse("2003-07-10T20:30:00Z")));
        OrderRequest order = new OrderRequest("e9", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 100_000L);
        Ruling approved = rules.decide(order, IN_FIRST_WINDOW, letter, null);
        // and its fill of 150,000: 100,000 covered, 50,000 over
        ExecutionReport report = ExecutionReport.newBuilder().setExecutionId("x9").setOrderId("e9")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(com.lockupguard.avro.ExecutionKind.FILL)
                .setQuantity(150_000L).build();
        ExecutionRequest request = ExecutionMapper.toRequest(report);
        ExecutionRuling ruling = rules.applyExecution(request, IN_FIRST_WINDOW, approved.stateAfter(), null,
                new PriorOrder(OrderKind.PUBLIC_SALE, 100_000, com.lockupguard.rules.Outcome.APPROVED,
                        ReservationStatus.OPEN), approved.opened());
        assertThat(request.kind()).isEqualTo(ExecutionKind.FILL);
        assertThat(ruling.alert()).as("an overfill, every number distinct").isNotNull();
        assertThat(ruling.alert().quantity()).isNotEqualTo(ruling.alert().allowedNow());
        // when its result and alert are written
        ReportResult result = ExecutionMapper.toResult(report, IN_FIRST_WINDOW, ruling);
        ComplianceAlert alert = ExecutionMapper.toAlert(request, IN_FIRST_WINDOW, ruling);
        // then each field is the ruling's or the report's of its name
        assertThat(result.getCovered()).isEqualTo(ruling.covered()).isEqualTo(100_000L);
        assertThat(result.getReleased()).isEqualTo(ruling.released());
        assertThat(result.getAlert().getType()).isEqualTo(AlertType.OVERFILL);
        assertThat(result.getAlert().getQuantity()).isEqualTo(50_000);
        assertThat(result.getAlert().getAllowedNow()).isEqualTo(ruling.alert().allowedNow());
        assertThat(result.getAlert().getBreachesAgreement()).isEqualTo(ruling.alert().breachesAgreement());
        assertThat(alert.getReportedQuantity()).isEqualTo(150_000);
        assertThat(alert.getQuantity()).isEqualTo(50_000);
        assertThat(alert.getAllowedNow()).isEqualTo(ruling.alert().allowedNow());
    }

    @Test
    void shouldTakeAReportWithoutAKindOrOfAnUnknownKindAsOneWithNone() {
        // given a report that gives no kind, and one of a kind this guard does not know
        ExecutionReport noKind = ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("e1")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(null).setQuantity(5L).build();
        ExecutionReport unknown = ExecutionReport.newBuilder(noKind)
                .setKind(com.lockupguard.avro.ExecutionKind.UNKNOWN).build();
        ExecutionReport fill = ExecutionReport.newBuilder(noKind).setKind(com.lockupguard.avro.ExecutionKind.FILL)
                .build();
        // when / then the first two are invalid reports (RULES.md section 9, check 1), the fill is one
        assertThat(ExecutionMapper.toRequest(noKind).kind()).isNull();
        assertThat(ExecutionMapper.toRequest(unknown).kind()).isNull();
        assertThat(ExecutionMapper.toRequest(fill).kind()).isEqualTo(ExecutionKind.FILL);
        assertThat(ExecutionMapper.toRequest(fill).isWellFormed()).isTrue();
    }
}
