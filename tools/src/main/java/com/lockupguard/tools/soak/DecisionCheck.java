package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /** Lost: an order without decision; duplicated: a second one; mismatched: outcome, reasons or maxAllowedNow. */
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
                            .equals(String.valueOf(first.getMaxAllowedNow()));
            if (!same && ++mismatched <= LOGGED) {
                log.accept(String.format("MISMATCH %s: expected %s, got %s", entry.getKey(), want, first));
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
