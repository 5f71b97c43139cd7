package com.lockupguard.tools.cli;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.timeline.OneLine;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decisions and execution report results as rows of one fixed-width table in event time, and alerts, for people. With
 * several holdings, each has its rows under a line naming it: a position is a holding's, and rows of two holdings in
 * one run of time read as one position jumping. An id is printed as {@link OneLine} writes it: one given with a line
 * break or an ANSI escape (a timeline's, or another producer's) neither breaks a row nor drives the terminal.
 */
final class DemoTable {

    /** The narrowest the outcome column is: APPROVED, BLOCKED and APPLIED fit; a longer result widens it. */
    private static final int OUTCOME_WIDTH = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT);

    private record Row(String holding, Instant at, String outcome, List<Object> cells) {
    }

    private final ZoneId zone;

    DemoTable(ZoneId zone) {
        this.zone = zone;
    }

    /** The header and every decision and result as a row, in the order of their event times (the timeline's). */
    String table(List<Decision> decisions, List<ReportResult> results) {
        List<Row> rows = Stream.concat(decisions.stream().map(this::row), results.stream().map(this::row))
                .sorted(Comparator.comparing(Row::at)).toList();
        int outcomeWidth = Math.max(OUTCOME_WIDTH, rows.stream().mapToInt(row -> row.outcome().length()).max()
                .orElse(0));
        String format = "%-21s %-6s %-16s %10s  %-" + outcomeWidth + "s %-50s %9s %9s %10s%n";
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, format, "time", "order", "kind",
                "quantity", "outcome", "reasons / what the report did", "sold", "reserved", "available"))
                .append("-".repeat(143 + outcomeWidth)).append(System.lineSeparator());
        Map<String, List<Row>> byHolding = new LinkedHashMap<>();
        rows.forEach(row -> byHolding.computeIfAbsent(row.holding(), holding -> new ArrayList<>()).add(row));
        byHolding.forEach((holding, itsRows) -> {
            if (byHolding.size() > 1) {
                table.append("holding ").append(holding).append(System.lineSeparator());
            }
            itsRows.forEach(row -> table.append(String.format(Locale.ROOT, format, row.cells().toArray())));
        });
        return table.toString();
    }

    /** The alerts, in the order of the sales they were raised for. */
    String alerts(List<ComplianceAlert> alerts) {
        return alerts.stream().sorted(Comparator.comparing(ComplianceAlert::getReportedAt)).map(this::alert)
                .collect(Collectors.joining());
    }

    private String alert(ComplianceAlert alert) {
        return String.format(Locale.ROOT, "  %s  %s %s: %s of %,d shares sold, %,d uncovered, %,d allowed now%s%n",
                TIME.format(alert.getReportedAt().atZone(zone)), alert.getType(), id(alert.getExecutionId()),
                "order " + id(alert.getOrderId()), alert.getReportedQuantity(), alert.getQuantity(),
                alert.getAllowedNow(),
                alert.getBreachesAgreement() ? "  ** BREACH OF THE AGREEMENT **" : "");
    }

    private Row row(Decision decision) {
        String reasons = decision.getReasons().isEmpty() ? "-"
                : decision.getReasons().stream().map(Enum::name).collect(Collectors.joining(", "));
        String outcome = decision.getOutcome().name();
        return new Row(holding(decision.getInvestorId(), decision.getSecurityId()), decision.getOrderAt(), outcome,
                List.of(time(decision.getOrderAt()), id(decision.getOrderId()),
                        decision.getKind() == null ? "?" : decision.getKind().name(),
                        decision.getQuantity() == null ? "?" : number(decision.getQuantity()), outcome,
                        reasons + (decision.getRepeated() ? " (repeated)" : ""),
                        column(decision.getPosition(), Position::getSoldToDate),
                        column(decision.getPosition(), Position::getReservedNow),
                        column(decision.getPosition(), Position::getAvailableNow)));
    }

    private Row row(ReportResult result) {
        ReportAlert alert = result.getAlert();
        String did = result.getCovered() != null ? "covered " + number(result.getCovered())
                : result.getReleased() != null ? "released " + number(result.getReleased()) : "-";
        if (alert != null) {
            did += ", ALERT " + alert.getType() + " " + number(alert.getQuantity()) + (alert.getBreachesAgreement()
                    ? " (breach)" : "");
        }
        String outcome = result.getOutcome().name();
        return new Row(holding(result.getInvestorId(), result.getSecurityId()), result.getReportedAt(), outcome,
                List.of(time(result.getReportedAt()), id(result.getOrderId()),
                        "  " + (result.getKind() == null ? "?" : result.getKind().name()),
                        result.getQuantity() == null ? "" : number(result.getQuantity()), outcome, did,
                        column(result.getPosition(), Position::getSoldToDate),
                        column(result.getPosition(), Position::getReservedNow),
                        column(result.getPosition(), Position::getAvailableNow)));
    }

    /** A column of the row's position: {@code field} of it, or "-" without one. */
    private static String column(Position position, ToLongFunction<Position> field) {
        return position == null ? "-" : number(field.applyAsLong(position));
    }

    private static String holding(CharSequence investor, CharSequence security) {
        return (investor == null ? "?" : id(investor)) + " / " + (security == null ? "?" : id(security));
    }

    private static String id(CharSequence id) {
        return OneLine.of(String.valueOf(id));
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
