package com.lockupguard.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.OrderKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why an order or execution line is one the rules answer INVALID_ORDER or INVALID (check 1 of RULES.md sections 4
 * and 9), in its writer's terms: each field that is missing or wrong, with the value written. The answer itself
 * carries only the reason code; these say what to fix.
 */
final class LineProblems {

    private LineProblems() {
    }

    static List<String> ofOrder(JsonNode line, String atProblem) {
        List<String> problems = new ArrayList<>();
        time(line, atProblem, problems);
        for (String id : List.of("orderId", "investorId", "securityId")) {
            id(line, id, problems);
        }
        kind(line, OrderKind::fromName, OrderKind.values(), problems);
        quantity(line, Long.MAX_VALUE, problems);
        return List.copyOf(problems);
    }

    static List<String> ofExecution(JsonNode line, String atProblem) {
        List<String> problems = new ArrayList<>();
        time(line, atProblem, problems);
        for (String id : List.of("executionId", "orderId", "investorId", "securityId")) {
            id(line, id, problems);
        }
        if (kind(line, ExecutionKind::fromName, ExecutionKind.values(), problems) == ExecutionKind.FILL) {
            quantity(line, ExecutionRequest.MAX_FILL_QUANTITY, problems);
        }
        return List.copyOf(problems);
    }

    /** The kind written, when it is one of {@code kinds}; otherwise null, and the problem said. */
    private static <K extends Enum<K>> K kind(JsonNode line, Function<String, K> fromName, K[] kinds,
            List<String> problems) {
        JsonNode value = line.get("kind");
        K kind = value != null && value.isTextual() ? fromName.apply(value.textValue()) : null;
        if (absent(value)) {
            problems.add("kind is missing");
        } else if (kind == null) {
            problems.add("kind " + ShownText.json(value) + " is not one of " + names(kinds));
        }
        return kind;
    }

    private static void time(JsonNode line, String atProblem, List<String> problems) {
        if (atProblem != null) {
            problems.add(atProblem);
        } else if (absent(line.get("at"))) {
            problems.add("at is missing");
        }
    }

    private static void id(JsonNode line, String field, List<String> problems) {
        JsonNode value = line.get(field);
        if (absent(value)) {
            problems.add(field + " is missing");
        } else if (!value.isTextual()) {
            problems.add(field + " " + ShownText.json(value) + " is not a string");
        } else if (!HoldingKey.isValidId(value.textValue())) {
            problems.add(field + " " + ShownText.json(value) + " is not 1 to " + HoldingKey.MAX_ID_CODE_POINTS
                    + " characters without '" + HoldingKey.SEPARATOR + "'");
        }
    }

    private static void quantity(JsonNode line, long most, List<String> problems) {
        JsonNode value = line.get("quantity");
        if (absent(value)) {
            problems.add("quantity is missing");
        } else if (WrittenNumbers.isWrittenInteger(value)) {
            problems.add("quantity " + ShownText.json(value) + (ShownText.json(value).startsWith("-")
                    ? " is not positive" : " is more than a 64-bit count holds"));
        } else if (!value.isIntegralNumber()) {
            problems.add("quantity " + ShownText.json(value) + " is not a JSON integer");
        } else if (!value.canConvertToLong()) {
            problems.add("quantity " + ShownText.json(value) + (value.bigIntegerValue().signum() < 0
                    ? " is not positive" : " is more than a 64-bit count holds"));
        } else if (value.longValue() <= 0 || value.longValue() > most) {
            problems.add("quantity " + value.longValue()
                    + (most == Long.MAX_VALUE ? " is not positive" : " is not from 1 to " + most));
        }
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull();
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
    }
}
