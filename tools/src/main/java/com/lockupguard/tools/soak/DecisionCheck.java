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

/** Compares the decisions the guard wrote with the replay's decision lines: one per order line, equal. */
final class DecisionCheck {

    private static final int LOGGED = 5;

    private final ContractJson contracts = new ContractJson(new ObjectMapper());
    private final Consumer<String> log;

    /** @param log told the first few mismatches */
    DecisionCheck(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Each order id's decisions against its replay lines, one per order line (an id sent again has its first
     * decision again, marked repeated). Lost: a line without a decision; duplicated: a decision beyond the lines;
     * mismatched: a decision that is not one of its id's lines, field for field (outcome, reasons, maxAllowedNow,
     * ids, kind, quantity, times, agreement, repeated, and every field of the position it carries: a review's
     * mutations of a position or a quantity passed when only the first four were compared; a sole decision marked
     * repeated is a retry's answer, the first never committed), and every decision for an order id the replay never
     * decided. An id's decisions are compared with its lines as a multiset, not in order: they are read from two
     * topics, approved and blocked, and a first approval and its id's later block are in no order between them.
     */
    Tally decisions(Map<String, List<JsonNode>> expected, List<Decision> actual) {
        Map<String, List<Decision>> byId = byOrderId(actual);
        long lost = 0;
        long duplicated = 0;
        long mismatched = 0;
        for (Map.Entry<String, List<JsonNode>> entry : expected.entrySet()) {
            List<Decision> got = byId.getOrDefault(entry.getKey(), List.of());
            // as the replay writes its lines: the same writer, so the same fields in the same order
            List<String> unexpected = new ArrayList<>(got.stream().map(d -> contracts.decision(d).toString()).toList());
            List<String> missing = new ArrayList<>();
            for (JsonNode line : entry.getValue()) {
                if (!unexpected.remove(line.toString())) {
                    missing.add(line.toString());
                }
            }
            int paired = Math.min(entry.getValue().size(), got.size());
            lost += entry.getValue().size() - paired;
            duplicated += got.size() - paired;
            long different = paired - (entry.getValue().size() - missing.size());
            if (different > 0 && (mismatched += different) <= LOGGED) {
                log.accept(String.format(Locale.ROOT, "MISMATCH %s: expected %s, got %s", entry.getKey(),
                        String.join(" and ", missing), String.join(" and ", unexpected)));
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
