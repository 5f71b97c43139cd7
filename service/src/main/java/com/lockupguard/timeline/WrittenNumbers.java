package com.lockupguard.timeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;

/**
 * Numbers kept as written: raw values that are not number nodes, never converted, echoed and quoted as the line wrote
 * them. Two kinds:
 * <ul>
 * <li>a number longer than Jackson reads (its {@code maxNumberLength}, 1,000 characters), which Jackson refuses with
 * the whole line: such a line is read here ({@link #readTree}), and the number never converted (a BigInteger of a
 * million digits takes Jackson half a minute). A quantity of 1,001 digits is then, like one of 30 digits, not a
 * valid whole number. The line is read as strictly as any other: one JSON value, no key twice;
 * <li>a top-level field's number that is not an integer, which Jackson reads as the nearest double: {@code 1e400} as
 * Infinity (echoed as the string "Infinity"), {@code 1.00000000000000000001} as 1.0, {@code 2.5e1} as 25.0
 * ({@link #keepFractionsAsWritten}). Read as a double first, no exponent can make the line unreadable.
 * </ul>
 */
final class WrittenNumbers {

    private final ObjectMapper json;
    private final JsonFactory relaxed;
    private final int maxNumberLength;

    WrittenNumbers(ObjectMapper json) {
        this.json = json;
        StreamReadConstraints constraints = json.getFactory().streamReadConstraints();
        this.maxNumberLength = constraints.getMaxNumberLength();
        this.relaxed = json.getFactory().rebuild()
                .streamReadConstraints(constraints.rebuild().maxNumberLength(Integer.MAX_VALUE).build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** Whether {@code value} is a number kept as written. */
    static boolean isWritten(JsonNode value) {
        return value instanceof POJONode pojo && pojo.getPojo() instanceof RawValue;
    }

    /** Whether {@code value} is a number kept as written with no fraction nor exponent: an overlong integer. */
    static boolean isWrittenInteger(JsonNode value) {
        return isWritten(value) && ((RawValue) ((POJONode) value).getPojo()).rawValue().toString()
                .chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
    }

    /** Whether a field of {@code line}, an object, holds a number Jackson read as a double. */
    static boolean holdsAFraction(JsonNode line) {
        for (JsonNode value : line) {
            if (value.isFloatingPointNumber()) {
                return true;
            }
        }
        return false;
    }

    /** Puts each top-level field of {@code node} (the tree of {@code line}) Jackson read as a double as written. */
    void keepFractionsAsWritten(ObjectNode node, String line) throws IOException {
        try (JsonParser parser = relaxed.createParser(line)) {
            parser.nextToken(); // the object's start: the line was read as one already
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                if (parser.nextToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                    node.set(name, written(parser.getText()));
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    private JsonNode written(String number) {
        return json.getNodeFactory().pojoNode(new RawValue(number));
    }

    /** The tree of {@code line}, its overlong numbers raw; fails as Jackson would on anything else wrong with it. */
    JsonNode readTree(String line) throws IOException {
        try (JsonParser parser = relaxed.createParser(line)) {
            JsonNode root = value(parser, parser.nextToken());
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + parser.currentToken()
                        + ") found after value");
            }
            return root;
        }
    }

    private JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = json.createObjectNode();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                object.set(name, value(parser, parser.nextToken()));
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = json.createArrayNode();
            for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                array.add(value(parser, next));
            }
            return array;
        }
        if (token != null && token.isNumeric() && parser.getTextLength() > maxNumberLength) {
            return written(parser.getText());
        }
        return json.readTree(parser);
    }
}
