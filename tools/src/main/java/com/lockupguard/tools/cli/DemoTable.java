package com.lockupguard.tools.cli;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decisions and execution report results as rows of one fixed-width table in event time, and alerts, for people. */
final class DemoTable {

    private static final String FORMAT = "%-21s %-6s %-16s %10s  %-8s %-50s %9s %9s %10s%n";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT);

    private record Row(Instant at, String text) {
    }

    private final ZoneId zone;

    DemoTable(ZoneId zone) {
        this.zone = zone;
    }

    String header() {
        return String.format(FORMAT, "time", "order", "kind", "quantity", "outcome", "reasons / what the report did",
                "sold", "reserved", "available") + "-".repeat(151) + System.lineSeparator();
    }

    /** Every decision and result as a row, in the order of their event times (the timeline's order). */
    String rows(List<Decision> decisions, List<ReportResult> results) {
        return Stream.concat(decisions.stream().map(this::row), results.stream().map(this::row))
                .sorted(Comparator.comparing(Row::at)).map(Row::text).collect(Collectors.joining());
    }

    String alert(ComplianceAlert alert) {
        return String.format(Locale.ROOT, "  %s  %s %s: %s of %,d shares sold, %,d uncovered, %,d allowed now%s%n",
                TIME.format(alert.getReportedAt().atZone(zone)), alert.getType(), alert.getExecutionId(),
                "order " + alert.getOrderId(), alert.getReportedQuantity(), alert.getQuantity(), alert.getAllowedNow(),
                alert.getBreachesAgreement() ? "  ** BREACH OF THE AGREEMENT **" : "");
    }

    private Row row(Decision decision) {
        String reasons = decision.getReasons().isEmpty() ? "-"
                : decision.getReasons().stream().map(Enum::name).collect(Collectors.joining(", "));
        String text = String.format(Locale.ROOT, FORMAT, time(decision.getOrderAt()),
                String.valueOf(decision.getOrderId()), decision.getKind() == null ? "?" : decision.getKind().name(),
                decision.getQuantity() == null ? "?" : number(decision.getQuantity()), decision.getOutcome().name(),
                reasons + (decision.getRepeated() ? " (repeated)" : ""),
                decision.getPosition() == null ? "-" : number(decision.getPosition().getSoldToDate()),
                decision.getPosition() == null ? "-" : number(decision.getPosition().getReservedNow()),
                decision.getPosition() == null ? "-" : number(decision.getPosition().getAvailableNow()));
        return new Row(decision.getOrderAt(), text);
    }

    private Row row(ReportResult result) {
        ReportAlert alert = result.getAlert();
        String did = result.getCovered() != null ? "covered " + number(result.getCovered())
                : result.getReleased() != null ? "released " + number(result.getReleased()) : "-";
        if (alert != null) {
            did += ", ALERT " + alert.getType() + " " + number(alert.getQuantity()) + (alert.getBreachesAgreement()
                    ? " (breach)" : "");
        }
        String text = String.format(Locale.ROOT, FORMAT, time(result.getReportedAt()),
                String.valueOf(result.getOrderId()), "  " + (result.getKind() == null ? "?" : result.getKind().name()),
                result.getQuantity() == null ? "" : number(result.getQuantity()), result.getOutcome().name(), did,
                result.getPosition() == null ? "-" : number(result.getPosition().getSoldToDate()),
                result.getPosition() == null ? "-" : number(result.getPosition().getReservedNow()),
                result.getPosition() == null ? "-" : number(result.getPosition().getAvailableNow()));
        return new Row(result.getReportedAt(), text);
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
