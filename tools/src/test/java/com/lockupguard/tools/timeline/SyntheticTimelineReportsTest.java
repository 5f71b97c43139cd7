package com.lockupguard.tools.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.tools.replay.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The soak's timeline with execution reports: every section 9 path, in the order a real desk would send them. */
class SyntheticTimelineReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 42;
    private static final int HOLDINGS = 50;
    private static final int ORDERS = 3_000;
    private static final Instant START = Instant.parse("2025-06-11T13:47:05.250Z");
    private static final Duration SPACING = Duration.ofMillis(10); // the soak's default rate: 100 orders a second

    private static List<JsonNode> lines;
    private static List<JsonNode> replayed;

    @BeforeAll
    static void generateAndReplay() throws IOException {
        List<String> timeline = new SyntheticTimeline(SEED, HOLDINGS).linesWithReports(START, ORDERS, SPACING);
        lines = new ArrayList<>();
        for (String line : timeline) {
            lines.add(JSON.readTree(line));
        }
        StringWriter out = new StringWriter();
        StringWriter errors = new StringWriter();
        Replay.Result result = new Replay(null).run(new BufferedReader(new StringReader(String.join("\n", timeline))),
                new PrintWriter(out), new PrintWriter(errors));
        assertThat(result.succeeded()).as(errors.toString()).isTrue();
        assertThat(errors.toString()).isEmpty();
        replayed = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            replayed.add(JSON.readTree(line));
        }
    }

    private static List<JsonNode> results() {
        return replayed.stream().filter(line -> line.has("result")).toList();
    }

    @Test
    void shouldGetEveryExecutionResultFromTheReplay() {
        // given the timeline of a fixed seed, replayed
        // when the results are counted
        Set<ExecutionResult> seen = EnumSet.noneOf(ExecutionResult.class);
        results().forEach(line -> seen.add(ExecutionResult.valueOf(line.get("result").asText())));
        // then each one a report can get occurs
        assertThat(seen).containsExactlyInAnyOrder(ExecutionResult.APPLIED, ExecutionResult.DUPLICATE,
                ExecutionResult.DUPLICATE_EXECUTION_ID, ExecutionResult.UNKNOWN_AGREEMENT, ExecutionResult.INVALID);
    }

    @Test
    void shouldRaiseEveryAlertTypeWithAndWithoutABreach() {
        // given the timeline of a fixed seed, replayed
        // when the alerts are counted
        Set<AlertType> types = EnumSet.noneOf(AlertType.class);
        Set<Boolean> breaches = new HashSet<>();
        results().stream().map(line -> line.get("alert")).filter(alert -> !alert.isNull()).forEach(alert -> {
            types.add(AlertType.valueOf(alert.get("type").asText()));
            breaches.add(alert.get("breachesAgreement").asBoolean());
        });
        // then every type occurs, and both a breach and a sale the agreement allowed
        assertThat(types).containsExactlyInAnyOrder(AlertType.UNAPPROVED_SALE, AlertType.LATE_FILL,
                AlertType.OVERFILL);
        assertThat(breaches).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void shouldFillSomeApprovalsLateInTheNextWindowOfAHoldingWhoseWindowEnds() {
        // given the orders' approvals and the reports in line order
        Map<String, Integer> cancelled = new HashMap<>();
        List<JsonNode> reports = lines.stream().filter(line -> line.get("type").asText().equals("execution")).toList();
        List<JsonNode> results = results();
        int lateInLaterWindow = 0;
        for (int i = 0; i < reports.size(); i++) {
            JsonNode report = reports.get(i);
            String order = report.path("investorId").asText() + "/" + report.path("orderId").asText();
            JsonNode alert = results.get(i).get("alert");
            // when a late fill's reservation had not been cancelled
            if (!alert.isNull() && alert.get("type").asText().equals("LATE_FILL") && !cancelled.containsKey(order)) {
                lateInLaterWindow++;
                // then it is on a holding whose window ended while the timeline ran
                int holding = Integer.parseInt(report.get("investorId").asText().substring("investor-".length()));
                assertThat(SyntheticTimeline.windowEnds(holding)).as("holding %d", holding).isTrue();
            }
            if (report.path("kind").asText().equals("CANCEL") && results.get(i).get("result").asText().equals("APPLIED")) {
                cancelled.put(order, i);
            }
        }
        assertThat(lateInLaterWindow).isGreaterThan(0);
    }

    @Test
    void shouldAppendEveryReportAfterItsOrder() {
        // given where each order line is
        Map<String, Integer> orderLine = new HashMap<>();
        int reportsOfSentOrders = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            if (line.get("type").asText().equals("order")) {
                orderLine.put(holdingOrder(line), i);
            } else if (line.get("type").asText().equals("execution") && line.has("orderId")
                    && !line.get("orderId").asText().matches("(unsent|unlisted)-\\d+")) {
                // when a report names an order that was sent
                reportsOfSentOrders++;
                // then that order is on an earlier line
                assertThat(orderLine.get(holdingOrder(line))).as("line %d: %s", i + 1, line).isNotNull()
                        .isLessThan(i);
            }
        }
        assertThat(reportsOfSentOrders).isGreaterThan(ORDERS / 2);
    }

    @Test
    void shouldStampReportsAtOrAfterTheirOrderExceptAFewSlightlyEarlier() {
        // given each order's time
        Map<String, Instant> orderAt = new HashMap<>();
        int reports = 0;
        int early = 0;
        for (JsonNode line : lines) {
            Instant at = Instant.parse(line.get("at").asText());
            if (line.get("type").asText().equals("order")) {
                orderAt.put(holdingOrder(line), at);
            } else if (line.get("type").asText().equals("execution") && orderAt.containsKey(holdingOrder(line))) {
                // when a report's time is compared with its order's
                reports++;
                Instant ordered = orderAt.get(holdingOrder(line));
                if (at.isBefore(ordered)) {
                    early++;
                    // then an earlier one is at most 300 ms earlier
                    assertThat(Duration.between(at, ordered)).isLessThanOrEqualTo(Duration.ofMillis(300));
                }
            }
        }
        // and a few are earlier, not many
        assertThat(early).isPositive().isLessThan(reports / 20);
    }

    @Test
    void shouldFillOrCancelMostApprovedSalesAndRaiseAlertsForAMinorityOfReports() {
        // given the approved sales and transfers, and the applied reports
        Set<String> approved = new HashSet<>();
        for (JsonNode decision : replayed) {
            if (decision.has("decision") && decision.get("decision").asText().equals("APPROVED")
                    && !decision.get("kind").asText().equals("PURCHASE")) {
                approved.add(decision.get("investorId").asText() + "/" + decision.get("orderId").asText());
            }
        }
        Set<String> reported = new HashSet<>();
        long alerts = 0;
        for (JsonNode result : results()) {
            reported.add(result.path("investorId").asText() + "/" + result.path("orderId").asText());
            if (!result.get("alert").isNull()) {
                alerts++;
            }
        }
        // when the reported approvals are counted
        long filledOrCancelled = approved.stream().filter(reported::contains).count();
        // then most approvals fill or cancel, and alerts are a minority
        assertThat(approved).hasSizeGreaterThan(ORDERS / 5);
        assertThat(filledOrCancelled).isGreaterThan(approved.size() * 85L / 100);
        assertThat(alerts).isPositive().isLessThan(results().size() / 10);
    }

    @Test
    void shouldLeaveTheOrdersAndOtherAgreementsAsTheTimelineWithoutReportsHasThem() {
        // given the timeline without reports
        List<String> plain = new SyntheticTimeline(SEED, HOLDINGS).lines(START, ORDERS, SPACING);
        // when the order and agreement lines of both are compared
        List<String> orders = lines.stream().filter(line -> line.get("type").asText().equals("order"))
                .map(JsonNode::toString).toList();
        List<String> agreements = lines.subList(0, HOLDINGS).stream().map(JsonNode::toString).toList();
        // then the orders are the same, and so is every agreement but those whose window ends
        assertThat(orders).isEqualTo(plain.subList(HOLDINGS, plain.size()));
        for (int h = 0; h < HOLDINGS; h++) {
            if (!SyntheticTimeline.windowEnds(h)) {
                assertThat(agreements.get(h)).isEqualTo(plain.get(h));
            }
        }
    }

    private static String holdingOrder(JsonNode line) {
        return line.path("investorId").asText() + "/" + line.path("securityId").asText() + "/"
                + line.path("orderId").asText();
    }
}
