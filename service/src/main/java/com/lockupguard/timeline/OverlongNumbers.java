package com.lockupguard.timeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;

/**
 * Reads a line that holds a number longer than Jackson reads (its {@code maxNumberLength}, 1,000 characters), which
 * Jackson refuses as a whole. Such a number is kept as written, a raw value that is not a number node, and never
 * converted (a BigInteger of a million digits takes Jackson half a minute): a quantity of 1,001 digits is then, like
 * one of 30 digits, not a valid whole number, and is echoed as written. The line is read as strictly as any other:
 * one JSON value, no key twice.
 */
final class OverlongNumbers {

    private final ObjectMapper json;
    /** What reads each value that is not an overlong number (the parser's, less its checks of a whole line). */
    private final ObjectReader values;
    private final JsonFactory relaxed;
    private final int maxNumberLength;

    OverlongNumbers(ObjectMapper json, ObjectReader values) {
        this.json = json;
        this.values = values;
        StreamReadConstraints constraints = json.getFactory().streamReadConstraints();
        this.maxNumberLength = constraints.getMaxNumberLength();
        this.relaxed = json.getFactory().rebuild()
                .streamReadConstraints(constraints.rebuild().maxNumberLength(Integer.MAX_VALUE).build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** Whether {@code value} is a number too long to be read as one. */
    static boolean isOverlong(JsonNode value) {
        return value instanceof POJONode pojo && pojo.getPojo() instanceof RawValue;
    }

    /** Whether {@code value}, a number too long to be read, is written as an integer: no fraction, no exponent. */
    static boolean isOverlongInteger(JsonNode value) {
        return isOverlong(value) && ((RawValue) ((POJONode) value).getPojo()).rawValue().toString()
                .chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
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
            return json.getNodeFactory().pojoNode(new RawValue(parser.getText()));
        }
        return values.readTree(parser);
    }
}
