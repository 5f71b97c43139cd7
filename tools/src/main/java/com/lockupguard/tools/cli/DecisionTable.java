package com.lockupguard.tools.cli;

import com.lockupguard.avro.Decision;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/** Decisions as rows of a fixed-width table, for people. */
final class DecisionTable {

    private static final String FORMAT = "%-21s %-6s %-16s %10s  %-8s %-30s %13s%n";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT);

    private final ZoneId zone;

    DecisionTable(ZoneId zone) {
        this.zone = zone;
    }

    String header() {
        return String.format(FORMAT, "time", "order", "kind", "quantity", "outcome", "reasons", "available now")
                + "-".repeat(112) + System.lineSeparator();
    }

    String row(long timestamp, Decision decision) {
        String reasons = decision.getReasons().isEmpty() ? "-"
                : decision.getReasons().stream().map(Enum::name).collect(Collectors.joining(", "));
        String available = decision.getPosition() == null ? "-"
                : String.format(Locale.ROOT, "%,d", decision.getPosition().getAvailableNow());
        return String.format(Locale.ROOT, FORMAT,
                TIME.format(Instant.ofEpochMilli(timestamp).atZone(zone)),
                String.valueOf(decision.getOrderId()),
                decision.getKind() == null ? "?" : decision.getKind().name(),
                decision.getQuantity() == null ? "?" : String.format(Locale.ROOT, "%,d", decision.getQuantity()),
                decision.getOutcome().name(),
                reasons,
                available);
    }
}
