package com.lockupguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.tools.replay.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A timeline for the broker tests, and what the replay of that same timeline decides for it:
 * the broker must agree with the topology test driver.
 */
final class Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields two runs must agree on, one decision each. */
    record Outcome(String orderId, String investorId, String securityId, String decision, List<String> reasons,
            Long maxAllowedNow, Long soldToDate) {

        static Outcome of(Decision decision) {
            return new Outcome(decision.getOrderId(), decision.getInvestorId(), decision.getSecurityId(),
                    decision.getOutcome().name(), decision.getReasons().stream().map(Enum::name).toList(),
                    decision.getMaxAllowedNow(),
                    decision.getPosition() == null ? null : decision.getPosition().getSoldToDate());
        }

        static Outcome of(JsonNode line) {
            List<String> reasons = new ArrayList<>();
            line.get("reasons").forEach(r -> reasons.add(r.asText()));
            JsonNode position = line.get("position");
            return new Outcome(line.get("orderId").asText(), line.get("investorId").asText(),
                    line.get("securityId").asText(), line.get("decision").asText(), reasons,
                    line.get("maxAllowedNow").isNull() ? null : line.get("maxAllowedNow").asLong(),
                    position.isNull() ? null : position.get("soldToDate").asLong());
        }
    }

    private final List<String> lines;

    private Scenario(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    static Scenario of(List<String> lines) {
        return new Scenario(lines);
    }

    /**
     * {@code holdings} holdings, all agreements first, then {@code orders} orders with unique ids in time
     * order across about 15 months, so that every window, both tranche modes and Rule 144 are crossed.
     */
    static Scenario random(long seed, int holdings, int orders) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        LocalDate execution = LocalDate.parse("2003-04-28");
        ZoneId newYork = ZoneId.of("America/New_York");
        ZonedDateTime agreed = execution.atTime(9, 0).atZone(newYork);
        for (int h = 0; h < holdings; h++) {
            ObjectNode agreement = JSON.createObjectNode();
            agreement.put("type", "agreement");
            agreement.put("at", agreed.toOffsetDateTime().toString());
            agreement.put("investorId", "investor-" + h);
            agreement.put("securityId", "SEC");
            agreement.put("executionDate", execution.toString());
            agreement.put("trancheMode", random.nextBoolean() ? "NON_CUMULATIVE" : "CUMULATIVE");
            if (random.nextBoolean()) {
                agreement.put("effectiveAt", execution.plusDays(30 + random.nextInt(70)).atTime(16, 30).atZone(newYork)
                        .toOffsetDateTime().toString());
            }
            lines.add(agreement.toString());
        }
        // Kafka Streams interleaves the agreements and orders partitions of a task by record timestamp, so an
        // order stamped before its agreement may be taken first whenever both are buffered; the replay reads the
        // file in order. Orders start after the agreements so that a broker run and the replay must agree.
        Instant clock = agreed.toInstant();
        long stepSeconds = 450L * 24 * 3600 / Math.max(1, orders);
        for (int n = 0; n < orders; n++) {
            clock = clock.plusSeconds(1 + (long) (random.nextDouble() * 2 * stepSeconds));
            ObjectNode order = JSON.createObjectNode();
            order.put("type", "order");
            order.put("at", clock.toString());
            order.put("orderId", "o-" + n);
            order.put("investorId", "investor-" + random.nextInt(holdings));
            order.put("securityId", "SEC");
            int kind = random.nextInt(100);
            order.put("kind", kind < 70 ? "PUBLIC_SALE" : kind < 92 ? "PRIVATE_TRANSFER" : "PURCHASE");
            order.put("quantity", random.nextInt(100) < 3 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 20_000 : 200_000));
            lines.add(order.toString());
        }
        return new Scenario(lines);
    }

    /** The first {@code count} lines, as a scenario of its own. */
    Scenario head(int count) {
        return new Scenario(lines.subList(0, count));
    }

    /** The lines after the first {@code count}. */
    Scenario tail(int count) {
        return new Scenario(lines.subList(count, lines.size()));
    }

    int agreementLines() {
        return (int) lines.stream().filter(l -> l.contains("\"agreement\"")).count();
    }

    List<String> lines() {
        return lines;
    }

    List<TimelineEntry> entries() {
        return new TimelineReader(JSON).parse(lines);
    }

    int orderCount() {
        return (int) entries().stream().filter(TimelineEntry.OrderLine.class::isInstance).count();
    }

    /** What the replay (topology test driver) decides for this timeline, in input order. */
    List<Outcome> expected() {
        StringWriter out = new StringWriter();
        try {
            new Replay(null).run(new BufferedReader(new StringReader(String.join("\n", lines))), new PrintWriter(out),
                    new PrintWriter(new StringWriter()));
            List<Outcome> outcomes = new ArrayList<>();
            for (String line : out.toString().split("\n")) {
                if (!line.isBlank()) {
                    outcomes.add(Outcome.of(JSON.readTree(line)));
                }
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Outcomes in a canonical order (by order id, then content), for comparing runs that interleave holdings. */
    static List<Outcome> sorted(List<Outcome> outcomes) {
        return outcomes.stream().sorted((a, b) -> {
            int byId = a.orderId().compareTo(b.orderId());
            return byId != 0 ? byId : a.toString().compareTo(b.toString());
        }).collect(Collectors.toList());
    }
}
