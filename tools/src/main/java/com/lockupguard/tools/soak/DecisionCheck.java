package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import com.lockupguard.contract.ContractJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Compares the decisions the guard wrote with the replay's decision lines: one per order id, equal. */
final class DecisionCheck {

    private static final int LOGGED = 5;

    private final ContractJson contracts = new ContractJson(new ObjectMapper());
    private final Consumer<String> log;

    /** @param log told the first few mismatches */
    DecisionCheck(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Lost: an order without decision; duplicated: a second one; mismatched: a decision that is not the replay's
     * line, field for field (outcome, reasons, maxAllowedNow, ids, kind, quantity, times, agreement, repeated, and
     * every field of the position it carries: a review's mutations of a position or a quantity passed when only the
     * first four were compared; a sole decision marked repeated is a retry's answer, the first never committed), and
     * every decision for an order id the replay never decided.
     */
    Tally decisions(Map<String, JsonNode> expected, List<Decision> actual) {
        Map<String, List<Decision>> byId = byOrderId(actual);
        long lost = expected.keySet().stream().filter(id -> !byId.containsKey(id)).count();
        long duplicated = byId.values().stream().mapToLong(list -> list.size() - 1).sum();
        long mismatched = 0;
        for (Map.Entry<String, JsonNode> entry : expected.entrySet()) {
            List<Decision> got = byId.get(entry.getKey());
            if (got == null) {
                continue;
            }
            JsonNode want = entry.getValue();
            // as the replay writes its line: the same writer, so the same fields in the same order
            String first = contracts.decision(got.get(0)).toString();
            if (!want.toString().equals(first) && ++mismatched <= LOGGED) {
                log.accept(String.format(Locale.ROOT, "MISMATCH %s: expected %s, got %s", entry.getKey(), want, first));
            }
        }
        for (Map.Entry<String, List<Decision>> entry : byId.entrySet()) {
            if (!expected.containsKey(entry.getKey()) && (mismatched += entry.getValue().size()) <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "UNEXPECTED %s: the replay decided no such order; read %s", entry.getKey(),
                        entry.getValue()));
            }
        }
        return new Tally(actual.size(), lost, duplicated, mismatched);
    }

    static Map<String, List<Decision>> byOrderId(List<Decision> decisions) {
        Map<String, List<Decision>> byId = new HashMap<>();
        for (Decision decision : decisions) {
            byId.computeIfAbsent(decision.getOrderId(), id -> new ArrayList<>()).add(decision);
        }
        return byId;
    }

}
