package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Compares the decisions the guard wrote with the replay's decision lines: one per order id, equal. */
final class DecisionCheck {

    private static final int LOGGED = 5;

    private final ObjectMapper json = new ObjectMapper();
    private final Consumer<String> log;

    /** @param log told the first few mismatches */
    DecisionCheck(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Lost: an order without decision; duplicated: a second one; mismatched: outcome, reasons, maxAllowedNow or
     * repeated (a sole decision marked repeated is a retry's answer: the first was never committed), and every
     * decision for an order id the replay never decided.
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
            Decision first = got.get(0);
            boolean same = want.get("decision").asText().equals(first.getOutcome().name())
                    && want.get("reasons").toString().equals(reasons(first))
                    && String.valueOf(want.get("maxAllowedNow").isNull() ? null : want.get("maxAllowedNow").asLong())
                            .equals(String.valueOf(first.getMaxAllowedNow()))
                    && want.path("repeated").asBoolean(false) == first.getRepeated();
            if (!same && ++mismatched <= LOGGED) {
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

    private String reasons(Decision decision) {
        return json.valueToTree(decision.getReasons().stream().map(Enum::name).toList()).toString();
    }
}
