package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> logged = new ArrayList<>();
    private final ReportCheck check = new ReportCheck(logged::add);

    /** A replay result line on {@code investor}'s holding of SEC. */
    private static JsonNode line(String investor, String executionId, String result, Long covered,
            String alertType, long alertQuantity) {
        var line = JSON.createObjectNode().put("executionId", executionId).put("orderId", "o-1")
                .put("investorId", investor).put("securityId", "SEC").put("result", result);
        if (covered == null) {
            line.putNull("covered");
        } else {
            line.put("covered", covered);
        }
        line.putNull("released");
        if (alertType == null) {
            line.putNull("alert");
        } else {
            line.putObject("alert").put("type", alertType).put("quantity", alertQuantity)
                    .put("breachesAgreement", false);
        }
        return line;
    }

    private static ReportResult result(JsonNode line) {
        JsonNode alert = line.get("alert");
        return ReportResult.newBuilder().setExecutionId(line.get("executionId").asText())
                .setOrderId(line.get("orderId").asText()).setInvestorId(line.get("investorId").asText())
                .setSecurityId("SEC").setReportedAt(Instant.EPOCH)
                .setOutcome(ExecutionResult.valueOf(line.get("result").asText()))
                .setCovered(line.get("covered").isNull() ? null : line.get("covered").asLong())
                .setAlert(alert.isNull() ? null : new ReportAlert(AlertType.valueOf(alert.get("type").asText()),
                        alert.get("quantity").asLong(), false, 0L))
                .build();
    }

    private static ComplianceAlert alert(JsonNode line) {
        ComplianceAlert alert = new ComplianceAlert();
        alert.setExecutionId(line.get("executionId").asText());
        alert.setOrderId(line.get("orderId").asText());
        alert.setInvestorId(line.get("investorId").asText());
        alert.setSecurityId("SEC");
        alert.setType(AlertType.valueOf(line.get("alert").get("type").asText()));
        alert.setQuantity(line.get("alert").get("quantity").asLong());
        alert.setBreachesAgreement(false);
        return alert;
    }

    @Test
    void shouldFindNothingWhenEveryReportIsAnsweredOnceAsTheReplayAnswersIt() {
        // given a fill, its retry and an overfill on two holdings
        List<JsonNode> expected = List.of(line("i-1", "x-1", "APPLIED", 10L, null, 0),
                line("i-1", "x-1", "DUPLICATE", null, null, 0), line("i-2", "x-2", "APPLIED", 0L, "OVERFILL", 5));
        // when the guard wrote the same
        Tally results = check.results(expected, expected.stream().map(ReportCheckTest::result).toList());
        Tally alerts = check.alerts(expected, List.of(alert(expected.get(2))));
        // then
        assertThat(results).isEqualTo(new Tally(3, 0, 0, 0));
        assertThat(alerts).isEqualTo(new Tally(1, 0, 0, 0));
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountAReportWithoutResultAsLostAndASecondResultAsDuplicated() {
        // given two reports
        List<JsonNode> expected = List.of(line("i-1", "x-1", "APPLIED", 10L, null, 0),
                line("i-1", "x-2", "APPLIED", 3L, null, 0));
        // when the first was answered twice and the second never
        Tally results = check.results(expected, List.of(result(expected.get(0)), result(expected.get(0))));
        // then
        assertThat(results).isEqualTo(new Tally(2, 1, 1, 0));
        assertThat(logged).hasSize(2);
    }

    @Test
    void shouldPairTheResultsOfReportsSharingAnIdInAppendOrder() {
        // given a report and its retry
        List<JsonNode> expected = List.of(line("i-1", "x-1", "APPLIED", 10L, null, 0),
                line("i-1", "x-1", "DUPLICATE", null, null, 0));
        // when the guard's results came in the other order
        Tally results = check.results(expected, List.of(result(expected.get(1)), result(expected.get(0))));
        // then both differ from the replay's at their place
        assertThat(results).isEqualTo(new Tally(2, 0, 0, 2));
    }

    @Test
    void shouldCountAResultThatDiffersInCoveredOrAlertAsMismatched() {
        // given a late fill the replay answered with an alert
        JsonNode want = line("i-1", "x-1", "APPLIED", 0L, "LATE_FILL", 7);
        // when the guard covered it instead, and its alert says another quantity
        Tally results = check.results(List.of(want), List.of(result(line("i-1", "x-1", "APPLIED", 7L, null, 0))));
        Tally alerts = check.alerts(List.of(want), List.of(alert(line("i-1", "x-1", "APPLIED", 0L, "LATE_FILL", 6))));
        // then
        assertThat(results).isEqualTo(new Tally(1, 0, 0, 1));
        assertThat(alerts).isEqualTo(new Tally(1, 0, 0, 1));
    }

    @Test
    void shouldCountAResultOrAlertThatDiffersInItsOrderReleasedSharesBreachOrAlertQuantityAsMismatched() {
        // given a late fill, a cancel that released 5 shares, an overfill and an unapproved sale, as replayed
        JsonNode late = line("i-1", "x-1", "APPLIED", 0L, "LATE_FILL", 7);
        var cancel = (com.fasterxml.jackson.databind.node.ObjectNode) line("i-1", "x-2", "APPLIED", null, null, 0);
        cancel.put("released", 5);
        JsonNode overfill = line("i-1", "x-3", "APPLIED", 0L, "OVERFILL", 3);
        JsonNode unapproved = line("i-1", "x-4", "APPLIED", 0L, "UNAPPROVED_SALE", 9);
        List<JsonNode> expected = List.of(late, cancel, overfill, unapproved);
        // when the guard's answers name another order, release 4, call the overfill a breach, alert on 8 shares
        ReportResult lateResult = result(late);
        lateResult.setOrderId("o-2");
        ReportResult cancelResult = result(cancel);
        cancelResult.setReleased(4L);
        ReportResult overfillResult = result(overfill);
        overfillResult.getAlert().setBreachesAgreement(true);
        ReportResult unapprovedResult = result(unapproved);
        unapprovedResult.getAlert().setQuantity(8);
        ComplianceAlert lateAlert = alert(late);
        lateAlert.setOrderId("o-2");
        ComplianceAlert overfillAlert = alert(overfill);
        overfillAlert.setBreachesAgreement(true);
        Tally results = check.results(expected, List.of(lateResult, cancelResult, overfillResult, unapprovedResult));
        Tally alerts = check.alerts(expected, List.of(lateAlert, overfillAlert, alert(unapproved)));
        // then each differing answer is a mismatch
        assertThat(results).isEqualTo(new Tally(4, 0, 0, 4));
        assertThat(alerts).isEqualTo(new Tally(3, 0, 0, 2));
    }

    @Test
    void shouldCountAnAlertTheReplayDidNotRaiseAsMismatchedAndOneItRaisedButNotReadAsLost() {
        // given one fill the replay alerted on and one it did not
        List<JsonNode> expected = List.of(line("i-1", "x-1", "APPLIED", 0L, "UNAPPROVED_SALE", 4),
                line("i-2", "x-9", "APPLIED", 4L, null, 0));
        // when the only alert read is for the other one
        Tally alerts = check.alerts(expected, List.of(alert(line("i-2", "x-9", "APPLIED", 0L, "OVERFILL", 1))));
        // then
        assertThat(alerts).isEqualTo(new Tally(1, 1, 0, 1));
    }
}
