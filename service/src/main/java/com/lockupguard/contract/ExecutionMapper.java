package com.lockupguard.contract;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.rules.Alert;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionRuling;
import java.time.Instant;

/** Avro {@link ExecutionReport} to the rules' {@link ExecutionRequest}; the rules' ruling to the report's result and alert. */
public final class ExecutionMapper {

    private static final SameNamedConstants<com.lockupguard.rules.ExecutionResult, com.lockupguard.avro.ExecutionResult>
            RESULTS_TO_AVRO = SameNamedConstants.of(com.lockupguard.rules.ExecutionResult.class,
                    com.lockupguard.avro.ExecutionResult.class);
    private static final SameNamedConstants<com.lockupguard.rules.AlertType, com.lockupguard.avro.AlertType>
            ALERT_TYPES_TO_AVRO = SameNamedConstants.of(com.lockupguard.rules.AlertType.class,
                    com.lockupguard.avro.AlertType.class);

    private ExecutionMapper() {
    }

    /** The report as the rules see it: an UNKNOWN or missing kind becomes null (an invalid report). */
    public static ExecutionRequest toRequest(ExecutionReport report) {
        ExecutionKind kind = report.getKind() == null ? null : ExecutionKind.fromName(report.getKind().name());
        return new ExecutionRequest(report.getExecutionId(), report.getOrderId(), report.getInvestorId(),
                report.getSecurityId(), kind, report.getQuantity());
    }

    /** The one answer to {@code report}, received with timestamp {@code reportedAt}. */
    public static ReportResult toResult(ExecutionReport report, Instant reportedAt, ExecutionRuling ruling) {
        Alert alert = ruling.alert();
        return ReportResult.newBuilder()
                .setExecutionId(report.getExecutionId())
                .setOrderId(report.getOrderId())
                .setInvestorId(report.getInvestorId())
                .setSecurityId(report.getSecurityId())
                .setKind(report.getKind())
                .setQuantity(report.getQuantity())
                .setReportedAt(reportedAt)
                .setOutcome(RESULTS_TO_AVRO.map(ruling.result()))
                .setCovered(ruling.covered())
                .setReleased(ruling.released())
                .setAlert(alert == null ? null : ReportAlert.newBuilder()
                        .setType(ALERT_TYPES_TO_AVRO.map(alert.type()))
                        .setQuantity(alert.quantity())
                        .setBreachesAgreement(alert.breachesAgreement())
                        .setAllowedNow(alert.allowedNow())
                        .build())
                .setEvaluatedAt(ruling.evaluatedAt())
                .setPosition(ruling.position() == null ? null : PositionMapper.toAvro(ruling.position()))
                .setAgreementVersion(ruling.position() == null ? null : ruling.position().agreementVersion())
                .setTermsHash(ruling.position() == null ? null : ruling.position().termsHash())
                .build();
    }

    /** The compliance alert of an applied fill that raised one. */
    public static ComplianceAlert toAlert(ExecutionRequest report, Instant reportedAt, ExecutionRuling ruling) {
        Alert alert = ruling.alert();
        return ComplianceAlert.newBuilder()
                .setExecutionId(report.executionId())
                .setOrderId(report.orderId())
                .setInvestorId(report.investorId())
                .setSecurityId(report.securityId())
                .setReportedQuantity(report.quantity())
                .setType(ALERT_TYPES_TO_AVRO.map(alert.type()))
                .setQuantity(alert.quantity())
                .setBreachesAgreement(alert.breachesAgreement())
                .setAllowedNow(alert.allowedNow())
                .setReservationKind(OrderMapper.toAvro(alert.allowedFor()))
                .setReportedAt(reportedAt)
                .setEvaluatedAt(ruling.evaluatedAt())
                .setPosition(PositionMapper.toAvro(ruling.position()))
                .setAgreementVersion(ruling.position().agreementVersion())
                .setTermsHash(ruling.position().termsHash())
                .build();
    }
}
