package com.lockupguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.contract.ContractJson;
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
    private static final ContractJson CONTRACTS = new ContractJson(JSON);

    /**
     * What two runs must agree on, one decision each: the decision as the replay writes its line, every field (its
     * quantity, kind, times, agreement, repeated and whole position too), and the fields the tests read from it.
     */
    record Outcome(String orderId, String investorId, String securityId, String decision, List<String> reasons,
            Long maxAllowedNow, Long soldToDate, Long reservedNow, String line) {

        static Outcome of(Decision decision) {
            return of(CONTRACTS.decision(decision));
        }

        static Outcome of(JsonNode line) {
            List<String> reasons = new ArrayList<>();
            line.get("reasons").forEach(r -> reasons.add(r.asText()));
            JsonNode position = line.get("position");
            return new Outcome(line.get("orderId").asText(), line.get("investorId").asText(),
                    line.get("securityId").asText(), line.get("decision").asText(), reasons,
                    line.get("maxAllowedNow").isNull() ? null : line.get("maxAllowedNow").asLong(),
                    position.isNull() ? null : position.get("soldToDate").asLong(),
                    position.isNull() ? null : position.get("reservedNow").asLong(), line.toString());
        }

        /** Shares used (sold or reserved) after the decision, or null without a position. */
        Long usedAfter() {
            return soldToDate == null ? null : soldToDate + reservedNow;
        }
    }

    /** The fields two runs must agree on, one result per execution report (RULES.md section 9). */
    record ResultOutcome(String executionId, String orderId, String investorId, String securityId, String result,
            Long covered, Long released, String alertType, Long alertQuantity, Boolean breachesAgreement) {

        static ResultOutcome of(ReportResult result) {
            ReportAlert alert = result.getAlert();
            return new ResultOutcome(result.getExecutionId(), result.getOrderId(), result.getInvestorId(),
                    result.getSecurityId(), result.getOutcome().name(), result.getCovered(), result.getReleased(),
                    alert == null ? null : alert.getType().name(), alert == null ? null : alert.getQuantity(),
                    alert == null ? null : alert.getBreachesAgreement());
        }

        static ResultOutcome of(JsonNode line) {
            JsonNode alert = line.get("alert");
            return new ResultOutcome(line.get("executionId").asText(), line.get("orderId").asText(),
                    line.get("investorId").asText(), line.get("securityId").asText(), line.get("result").asText(),
                    line.get("covered").isNull() ? null : line.get("covered").asLong(),
                    line.get("released").isNull() ? null : line.get("released").asLong(),
                    alert.isNull() ? null : alert.get("type").asText(),
                    alert.isNull() ? null : alert.get("quantity").asLong(),
                    alert.isNull() ? null : alert.get("breachesAgreement").asBoolean());
        }
    }

    /** The 2003 letter's agreement for dutchess/CBYI: registration effective 2003-07-10 after the close. */
    static final String LETTER_AGREEMENT = "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";

    /** A sale by dutchess of 150,000 CBYI, of the letter's first release of 200,000, at {@code at}. */
    static String letterSale(String orderId, String at) {
        return "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"" + orderId + "\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":150000}";
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
        return random(seed, holdings, orders, false);
    }

    /**
     * As {@link #random(long, int, int)}, with execution reports after the orders they refer to: full, partial and
     * several fills, cancels, overfills, fills of orders never sent, and retried reports (a transport resend);
     * some stamped a few minutes before their order, which the guard must take in append order anyway.
     */
    static Scenario randomWithExecutions(long seed, int holdings, int orders) {
        return random(seed, holdings, orders, true);
    }

    private static Scenario random(long seed, int holdings, int orders, boolean executions) {
        Random random = new Random(seed);
        Random reports = new Random(seed + 1);
        int executionIds = 0;
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
            if (executions) {
                executionIds = reportsFor(order, reports, executionIds, lines);
            }
        }
        return new Scenario(lines);
    }

    /** Reports for {@code order}, appended after it; returns the next free execution id number. */
    private static int reportsFor(ObjectNode order, Random random, int nextId, List<String> lines) {
        Instant at = Instant.parse(order.get("at").asText());
        long quantity = Math.max(1, order.get("quantity").asLong());
        int pick = random.nextInt(100);
        String orderId = pick < 5 ? "never-sent-" + nextId : order.get("orderId").asText();
        if (pick < 55) {
            nextId = report(lines, order, orderId, "FILL", pick < 45 ? quantity : quantity + 1 + random.nextInt(50),
                    at, random, nextId);
        } else if (pick < 75) {
            long first = 1 + random.nextLong(quantity);
            nextId = report(lines, order, orderId, "FILL", first, at, random, nextId);
            nextId = report(lines, order, orderId, "CANCEL", 0, at.plusSeconds(60), random, nextId);
        } else if (pick < 85) {
            nextId = report(lines, order, orderId, "FILL", Math.max(1, quantity / 2), at, random, nextId);
            nextId = report(lines, order, orderId, "FILL", quantity - quantity / 2 + (random.nextBoolean() ? 0 : 7),
                    at.plusSeconds(120), random, nextId);
        }
        if (random.nextInt(100) < 5 && lines.get(lines.size() - 1).contains("\"execution\"")) {
            lines.add(lines.get(lines.size() - 1)); // a transport resend: DUPLICATE
        }
        return nextId;
    }

    private static int report(List<String> lines, ObjectNode order, String orderId, String kind, long quantity,
            Instant orderAt, Random random, int id) {
        ObjectNode report = JSON.createObjectNode();
        report.put("type", "execution");
        // mostly after the order; sometimes stamped before it although appended after
        report.put("at", orderAt.plusSeconds(random.nextInt(100) < 10 ? -300 : 30 + random.nextInt(3600)).toString());
        report.put("executionId", "x-" + id);
        report.put("orderId", orderId);
        report.put("investorId", order.get("investorId").asText());
        report.put("securityId", order.get("securityId").asText());
        report.put("kind", kind);
        if (kind.equals("FILL")) {
            report.put("quantity", quantity);
        }
        lines.add(report.toString());
        return id + 1;
    }

    /** The first {@code count} lines, as a scenario of its own. */
    Scenario head(int count) {
        return new Scenario(lines.subList(0, count));
    }

    /** The lines after the first {@code count}. */
    Scenario tail(int count) {
        return new Scenario(lines.subList(count, lines.size()));
    }

    /** How many lines, from the first, are agreements. */
    int leadingAgreementLines() {
        int count = 0;
        while (count < lines.size() && lines.get(count).contains("\"agreement\"")) {
            count++;
        }
        return count;
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

    int executionCount() {
        return (int) entries().stream().filter(TimelineEntry.ExecutionLine.class::isInstance).count();
    }

    /** What the replay (topology test driver) decides for this timeline's orders, in input order. */
    List<Outcome> expected() {
        return replayLines().stream().filter(line -> !line.has("executionId")).map(Outcome::of).toList();
    }

    /** What the replay answers to this timeline's execution reports, in input order. */
    List<ResultOutcome> expectedResults() {
        return replayLines().stream().filter(line -> line.has("executionId")).map(ResultOutcome::of).toList();
    }

    private List<JsonNode> replayLines() {
        StringWriter out = new StringWriter();
        try {
            new Replay(null).run(new BufferedReader(new StringReader(String.join("\n", lines))), new PrintWriter(out),
                    new PrintWriter(new StringWriter()));
            List<JsonNode> replayed = new ArrayList<>();
            for (String line : out.toString().split("\n")) {
                if (!line.isBlank()) {
                    replayed.add(JSON.readTree(line));
                }
            }
            return replayed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Results in a canonical order: per holding in append order (a holding's records share a partition, so
     * any run keeps their order), holdings by key.
     */
    static List<ResultOutcome> sortedResults(List<ResultOutcome> results) {
        return results.stream().sorted(java.util.Comparator.comparing(r -> r.investorId() + "/" + r.securityId()))
                .collect(Collectors.toList());
    }

    /** Outcomes in a canonical order (by order id, then content), for comparing runs that interleave holdings. */
    static List<Outcome> sorted(List<Outcome> outcomes) {
        return outcomes.stream().sorted((a, b) -> {
            int byId = a.orderId().compareTo(b.orderId());
            return byId != 0 ? byId : a.toString().compareTo(b.toString());
        }).collect(Collectors.toList());
    }
}
