package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.topology.DeadLetterReason;
import com.lockupguard.tools.replay.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay of a soak's timeline, which the guard's output must equal: each order line's decision line (an
 * order id sent again has its first decision again, marked repeated), each execution report's result line (in
 * line order), and each holding's final position — the position after its last decision or applied report.
 */
final class ReplayedTimeline {

    /**
     * The position a holding was left in, and the answer that carried it: the decision of {@code orderId}, or
     * (when that is null) the result of the {@code occurrence}-th report with {@code report}'s id.
     */
    record FinalPosition(Position position, String orderId, ReportId report, int occurrence) {
    }

    /** The results whose reports the guard dead-letters besides, and the reason it gives. */
    private static final Map<String, String> DEAD_LETTERED_RESULTS = Map.of(
            ExecutionResult.INVALID.name(), DeadLetterReason.INVALID_EXECUTION.name(),
            ExecutionResult.DUPLICATE_EXECUTION_ID.name(), DeadLetterReason.DUPLICATE_EXECUTION_ID.name(),
            ExecutionResult.UNKNOWN_AGREEMENT.name(), DeadLetterReason.UNKNOWN_AGREEMENT.name());

    private final Map<String, List<JsonNode>> decisions = new HashMap<>();
    private final List<JsonNode> results = new ArrayList<>();
    private final Map<String, FinalPosition> finalPositions = new HashMap<>();
    private final Map<ReportId, Integer> occurrences = new HashMap<>();
    private int unanswered;

    private ReplayedTimeline() {
    }

    static ReplayedTimeline of(List<String> timeline) throws IOException {
        ReplayedTimeline replayed = new ReplayedTimeline();
        StringWriter output = new StringWriter();
        Replay.Result ran = new Replay(null, null, replayed.new Positions()).run(
                new BufferedReader(new StringReader(String.join("\n", timeline))), new PrintWriter(output),
                new PrintWriter(new StringWriter()));
        replayed.unanswered = ran.unanswered(); // (an agreement it rejects, produce never sends)
        ObjectMapper json = new ObjectMapper();
        for (String line : output.toString().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode answer = json.readTree(line);
            if (answer.has("result")) {
                replayed.results.add(answer);
            } else {
                replayed.decisions.computeIfAbsent(answer.get("orderId").asText(), id -> new ArrayList<>())
                        .add(answer);
            }
        }
        return replayed;
    }

    /**
     * The records the guard dead-letters for this timeline, as the replay found them: each order and report it
     * dead-lettered instead of answering, and each report answered INVALID, DUPLICATE_EXECUTION_ID or
     * UNKNOWN_AGREEMENT, which is dead-lettered besides (RULES.md section 9). Not an agreement it did not apply:
     * {@code produce} refuses to send one.
     */
    long deadLettered() {
        return unanswered + deadLetters().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The dead letters of {@link #deadLettered()} the replay can name, counted by letter: each report's that is
     * answered and dead-lettered besides, keyed by its holding as it names it, with its execution id as received.
     */
    Map<DeadLetterCheck.Letter, Long> deadLetters() {
        Map<DeadLetterCheck.Letter, Long> letters = new HashMap<>();
        for (JsonNode result : results) {
            String reason = DEAD_LETTERED_RESULTS.get(result.get("result").asText());
            if (reason != null) {
                ReportId report = ReportCheck.idOf(result);
                letters.merge(new DeadLetterCheck.Letter(report.holding(), report.executionId(), reason), 1L,
                        Long::sum);
            }
        }
        return letters;
    }

    /** The records the replay dead-letters instead of answering: it cannot name their letters. */
    long unanswered() {
        return unanswered;
    }

    /** The decision lines, by order id, each id's in line order: more than one for an order id sent again. */
    Map<String, List<JsonNode>> decisions() {
        return decisions;
    }

    /** How many decision lines there are: one per order line. */
    long decisionCount() {
        return decisions.values().stream().mapToLong(List::size).sum();
    }

    /** How many decision lines answer a retry: an order id's first decision again, marked repeated. */
    long repeatedCount() {
        return decisions.values().stream().flatMap(List::stream).filter(line -> line.path("repeated").asBoolean())
                .count();
    }

    /** The result lines, one per report line, in line order. */
    List<JsonNode> results() {
        return results;
    }

    /** How many result lines have each result, and how many alerts of each type there are: "APPLIED=…, …". */
    String resultCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode result : results) {
            counts.merge(result.get("result").asText(), 1, Integer::sum);
            if (!result.get("alert").isNull()) {
                counts.merge("alert " + result.get("alert").get("type").asText(), 1, Integer::sum);
            }
        }
        return counts.toString();
    }

    /** By holding key, for every holding with a decision or applied report that carried a position. */
    Map<String, FinalPosition> finalPositions() {
        return finalPositions;
    }

    /** Keeps the last position each holding's answers carried. */
    private final class Positions implements Replay.Answers {
        @Override
        public void decided(TimelineEntry.OrderLine line, Decision decision) {
            ProposedOrder order = line.order();
            // a retry's answer is the first decision again, with the position after it, not the holding's now
            if (decision.getPosition() != null && !decision.getRepeated()) {
                finalPositions.put(HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId()),
                        new FinalPosition(decision.getPosition(), decision.getOrderId(), null, 0));
            }
        }

        @Override
        public void reported(TimelineEntry.ExecutionLine line, ReportResult result) {
            ExecutionReport report = line.report();
            ReportId id = ReportId.of(report.getInvestorId(), report.getSecurityId(), report.getExecutionId());
            int occurrence = occurrences.merge(id, 1, Integer::sum) - 1;
            if (result.getPosition() != null) {
                finalPositions.put(id.holding(), new FinalPosition(result.getPosition(), null, id, occurrence));
            }
        }
    }
}
