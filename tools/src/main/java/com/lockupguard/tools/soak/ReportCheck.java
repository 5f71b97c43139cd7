package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Compares what the guard wrote for the execution reports — their results on execution-results, their alerts
 * on compliance-alerts — with the replay's result lines. Both sides are grouped by {@link ReportId}, each group
 * in append order (a holding's records are on one partition, so the guard's are in the order the reports were
 * appended), and compared one by one: the n-th result for an id with the n-th result line for it.
 */
final class ReportCheck {

    private static final int LOGGED = 5;

    private final Consumer<String> log;

    /** @param log told the first few differences of each kind */
    ReportCheck(Consumer<String> log) {
        this.log = log;
    }

    /** Every result line against the results read: one each, with equal outcome, covered, released and alert. */
    Tally results(List<JsonNode> expected, List<ReportResult> actual) {
        return compare("result", group(expected, ReportCheck::idOf), group(actual, ReportCheck::idOf), actual.size(),
                ReportCheck::sameResult);
    }

    /** Every result line with an alert against the alerts read: one each, with equal type, quantity and breach. */
    Tally alerts(List<JsonNode> expected, List<ComplianceAlert> actual) {
        List<JsonNode> alerting = expected.stream().filter(line -> !line.get("alert").isNull()).toList();
        return compare("alert", group(alerting, ReportCheck::idOf), group(actual, ReportCheck::idOf), actual.size(),
                ReportCheck::sameAlert);
    }

    /** {@code records} by report id, each list in the order given. */
    static <T> Map<ReportId, List<T>> group(List<T> records, Function<T, ReportId> id) {
        Map<ReportId, List<T>> grouped = new LinkedHashMap<>();
        for (T record : records) {
            grouped.computeIfAbsent(id.apply(record), key -> new ArrayList<>()).add(record);
        }
        return grouped;
    }

    private <A> Tally compare(String what, Map<ReportId, List<JsonNode>> expected, Map<ReportId, List<A>> actual,
            long read, BiPredicate<JsonNode, A> same) {
        long lost = 0;
        long duplicated = 0;
        long mismatched = 0;
        for (Map.Entry<ReportId, List<JsonNode>> entry : expected.entrySet()) {
            List<JsonNode> want = entry.getValue();
            List<A> got = actual.getOrDefault(entry.getKey(), List.of());
            int paired = Math.min(want.size(), got.size());
            for (int i = 0; i < paired; i++) {
                if (!same.test(want.get(i), got.get(i)) && ++mismatched <= LOGGED) {
                    log.accept(String.format(Locale.ROOT,
                            "%s MISMATCH %s #%d: expected %s, got %s", what, entry.getKey(), i + 1,
                            want.get(i), got.get(i)));
                }
            }
            if (want.size() > paired && (lost += want.size() - paired) <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "%s LOST %s: expected %d, read %d; expected %s", what, entry.getKey(),
                        want.size(), got.size(), want));
            }
            if (got.size() > paired && (duplicated += got.size() - paired) <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "%s DUPLICATED %s: expected %d, read %d: %s", what, entry.getKey(),
                        want.size(), got.size(), got));
            }
        }
        for (Map.Entry<ReportId, List<A>> entry : actual.entrySet()) {
            if (!expected.containsKey(entry.getKey()) && (mismatched += entry.getValue().size()) <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "%s UNEXPECTED %s: the replay has none; read %s", what, entry.getKey(),
                        entry.getValue()));
            }
        }
        return new Tally(read, lost, duplicated, mismatched);
    }

    private static boolean sameResult(JsonNode want, ReportResult got) {
        ReportAlert alert = got.getAlert();
        JsonNode wantAlert = want.get("alert");
        return want.get("result").asText().equals(got.getOutcome().name())
                && Objects.equals(text(want.get("orderId")), got.getOrderId())
                && Objects.equals(number(want.get("covered")), got.getCovered())
                && Objects.equals(number(want.get("released")), got.getReleased())
                && (wantAlert.isNull() ? alert == null : alert != null
                        && wantAlert.get("type").asText().equals(alert.getType().name())
                        && wantAlert.get("quantity").asLong() == alert.getQuantity()
                        && wantAlert.get("breachesAgreement").asBoolean() == alert.getBreachesAgreement());
    }

    private static boolean sameAlert(JsonNode want, ComplianceAlert got) {
        JsonNode alert = want.get("alert");
        return Objects.equals(text(want.get("orderId")), got.getOrderId())
                && alert.get("type").asText().equals(got.getType().name())
                && alert.get("quantity").asLong() == got.getQuantity()
                && alert.get("breachesAgreement").asBoolean() == got.getBreachesAgreement();
    }

    static ReportId idOf(JsonNode line) {
        return ReportId.of(text(line.get("investorId")), text(line.get("securityId")), text(line.get("executionId")));
    }

    static ReportId idOf(ReportResult result) {
        return ReportId.of(result.getInvestorId(), result.getSecurityId(), result.getExecutionId());
    }

    static ReportId idOf(ComplianceAlert alert) {
        return ReportId.of(alert.getInvestorId(), alert.getSecurityId(), alert.getExecutionId());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Long number(JsonNode node) {
        return node == null || node.isNull() ? null : node.asLong();
    }
}
