package com.lockupguard.tools.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Reason;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The trading desk behind a synthetic timeline: it learns the guard's decision on every order it is handed
 * (from a {@link ReplayOracle} fed every line in append order), plans the order's execution reports with a
 * {@link ReportPlanner}, and appends each report once its time has come: always after its order, on the same
 * holding, so on the same partition. Not thread-safe.
 */
public final class ExecutionDesk implements AutoCloseable {

    /** A planned report; {@code sequence} keeps reports due at the same instant in the order they were planned. */
    private record Planned(Instant due, long sequence, String line) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ReportPlanner planner;
    private final ReplayOracle oracle = new ReplayOracle();
    private final PriorityQueue<Planned> planned = new PriorityQueue<>(
            Comparator.comparing(Planned::due).thenComparingLong(Planned::sequence));
    private long sequence;
    private long reports;

    /**
     * @param windowEnd when the current window of some holdings ends (see {@link ReportPlanner}), or null
     * @param windowEndsFor whether an investor's holding is one of them
     */
    ExecutionDesk(long seed, Instant windowEnd, Predicate<String> windowEndsFor) {
        this.planner = new ReportPlanner(new Random(seed ^ 0x6465736bL), windowEnd, windowEndsFor);
    }

    /** Lines appended to the timeline that the desk did not write (the agreements), in order. */
    public void appended(List<String> lines) {
        for (String line : lines) {
            oracle.accept(line);
            try {
                JsonNode at = json.readTree(line).get("at");
                if (at != null && at.isTextual()) {
                    planner.agreementsUpTo(Instant.parse(at.asText()));
                }
            } catch (JsonProcessingException | DateTimeException e) {
                // a line the oracle answers as the replay does; its time bounds no report
            }
        }
    }

    /**
     * The lines to append at {@code now}: the reports due by then, in due order, then {@code orders}, whose own
     * reports are planned as they are appended. An order id sent again gets no reports, whether answered with its
     * first decision marked repeated (a retry) or blocked {@code DUPLICATE_ORDER_ID} (a reuse with other content):
     * the desk trades an order id once, on its first decision. (An invalid order's id is not remembered: sent again,
     * it is a new order.)
     */
    public List<String> batch(Instant now, List<String> orders) {
        List<String> lines = new ArrayList<>();
        while (!planned.isEmpty() && !planned.peek().due().isAfter(now)) {
            lines.add(emit(planned.poll()));
        }
        for (String order : orders) {
            Optional<Decision> decision = oracle.accept(order);
            lines.add(order);
            decision.filter(d -> !d.getRepeated() && !d.getReasons().contains(Reason.DUPLICATE_ORDER_ID))
                    .ifPresent(d -> plan(order, d));
        }
        return lines;
    }

    /** Every report still planned, in due order: the end of a timeline. */
    public List<String> rest() {
        List<String> lines = new ArrayList<>(planned.size());
        while (!planned.isEmpty()) {
            lines.add(emit(planned.poll()));
        }
        return lines;
    }

    /** Whether no report is waiting for its time. */
    public boolean idle() {
        return planned.isEmpty();
    }

    /** The reports appended so far. */
    public long reports() {
        return reports;
    }

    private void plan(String orderLine, Decision decision) {
        JsonNode order;
        try {
            order = json.readTree(orderLine);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        for (ReportPlanner.Report report : planner.plan(order, decision)) {
            planned.add(new Planned(report.due(), sequence++, report.line().toString()));
        }
    }

    private String emit(Planned report) {
        oracle.accept(report.line());
        reports++;
        return report.line();
    }

    @Override
    public void close() {
        oracle.close();
    }
}
