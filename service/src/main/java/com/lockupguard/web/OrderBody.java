package com.lockupguard.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.JacksonMessages;
import com.lockupguard.contract.JacksonPlace;
import com.lockupguard.contract.UnicodeText;
import com.lockupguard.rules.HoldingKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * An order as the API takes it: {@code orderId} (generated when missing), {@code investorId},
 * {@code securityId}, {@code kind}, {@code quantity}. JSON that cannot be read, a field of
 * the wrong JSON type, or an id that breaks the id rule (1 to 256 characters, no '/') is a 400 naming the field; a
 * well-typed order the rules find invalid otherwise (quantity 0, an unknown kind) is still an order and gets its
 * INVALID_ORDER decision. An id is refused here because an invalid order's decision repeats it as sent: an id of
 * nearly a megabyte, sent again and again, would fill the decisions kept for the dashboard with copies of it. A
 * string that is not Unicode text ({@link UnicodeText}) is a 400 too: Kafka cannot carry it as written. So are a body
 * whose bytes are not UTF-8, a field given twice and anything after the object: each would be read as some other
 * order than the one its sender meant (bytes replaced by U+FFFD, two orders then one id; the last of two
 * quantities).
 */
final class OrderBody {

    private static final String BYTE_ORDER_MARK = "\uFEFF";
    /** The fields an order has. */
    private static final List<String> FIELDS = List.of("orderId", "investorId", "securityId", "kind", "quantity");

    private OrderBody() {
    }

    /**
     * The body's bytes as text, refused (a 400 naming the byte) where they are not UTF-8, which JSON is; a leading
     * byte-order mark, which some editors and Windows tools write, is left out, as JSON's RFC 8259 allows.
     */
    static String text(byte[] body) {
        ByteBuffer bytes = ByteBuffer.wrap(body);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
            return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            // read leniently, two ids that differ only in such a byte would be one, the second order taken as a retry
            throw ApiException.badRequest(null, "the body is not UTF-8: byte " + (bytes.position() + 1) + " of "
                    + body.length + " is 0x" + Integer.toHexString(body[bytes.position()] & 0xff));
        }
    }

    /**
     * {@code where}'s column counted as an editor counts it, an emoji one character: Jackson counts the two halves of
     * a character outside the Basic Multilingual Plane.
     */
    private static long column(String body, JsonLocation where) {
        int at = JacksonPlace.index(body, where.getLineNr(), where.getColumnNr());
        return at < 0 ? where.getColumnNr()
                : body.codePointCount(JacksonPlace.index(body, where.getLineNr(), 1), at) + 1;
    }

    static ProposedOrder parse(ObjectMapper json, String body) {
        JsonNode node;
        try {
            node = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JsonProcessingException e) {
            // a limit Jackson keeps (nesting, a number's or a name's length) is reported without a location
            JsonLocation where = e.getLocation();
            throw ApiException.badRequest(null, "invalid JSON" + (where == null ? "" : " at line " + where.getLineNr()
                    + ", column " + column(body, where)) + ": " + JacksonMessages.reason(e));
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object with orderId, investorId, securityId, "
                    + "kind and quantity");
        }
        node.fieldNames().forEachRemaining(OrderBody::known);
        if (node.has("orderId") && node.get("orderId").isNull()) {
            // taken for one left out, each resend would get an id of its own: another order each time
            throw ApiException.badRequest("orderId", "orderId is null: give the order's id, or leave the field out to "
                    + "have one generated");
        }
        String orderId = optionalText(node, "orderId");
        return ProposedOrder.newBuilder()
                .setOrderId(orderId == null ? UUID.randomUUID().toString() : id("orderId", orderId))
                .setInvestorId(id("investorId", requiredText(node, "investorId")))
                .setSecurityId(id("securityId", requiredText(node, "securityId")))
                .setKind(kind(requiredText(node, "kind")))
                .setQuantity(quantity(node))
                .build();
    }

    /**
     * Refuses a field the API does not take: a misspelt {@code orderID} would otherwise leave the order without
     * its id, a new one would be generated, and the resend after a timeout would be a second order.
     */
    private static void known(String field) {
        if (!FIELDS.contains(field)) {
            throw ApiException.badRequest(field, "the API takes no field '" + JacksonMessages.visible(field)
                    + "': an order has " + String.join(", ", FIELDS) + " (an execution report goes to the orders "
                    + "topic, not to the API)");
        }
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field, field + " must be a string, was " + value);
        }
        int loneSurrogate = UnicodeText.loneSurrogateIndex(value.textValue());
        if (loneSurrogate >= 0) {
            // Kafka would carry it as '?': the order decided, and answered, under an id its sender never used
            throw ApiException.badRequest(field, field + " is not Unicode text: it holds "
                    + UnicodeText.loneSurrogateAt(value.textValue(), loneSurrogate));
        }
        return value.textValue();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null) {
            throw ApiException.badRequest(field, field + " is required");
        }
        return value;
    }

    /**
     * {@code value}, or a 400 naming {@code field} where it breaks the id rule: the API's one answer to an id, in a
     * body or in a path.
     */
    static String id(String field, String value) {
        if (!HoldingKey.isValidId(value)) {
            throw ApiException.badRequest(field, field + " must be 1 to " + HoldingKey.MAX_ID_CODE_POINTS
                    + " characters without '" + HoldingKey.SEPARATOR + "'"
                    + (value.isEmpty() || value.indexOf(HoldingKey.SEPARATOR) >= 0 ? ""
                            : ", was " + value.codePointCount(0, value.length()) + " characters"));
        }
        return value;
    }

    private static OrderKind kind(String name) {
        com.lockupguard.rules.OrderKind kind = com.lockupguard.rules.OrderKind.fromName(name);
        return kind == null ? OrderKind.UNKNOWN : OrderKind.valueOf(kind.name());
    }

    private static long quantity(JsonNode node) {
        JsonNode value = node.get("quantity");
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("quantity", "quantity is required");
        }
        if (!value.isIntegralNumber()) {
            // a number is not quoted back: the parser has read 1e3 as 1000.0, which the caller did not write
            throw ApiException.badRequest("quantity", "quantity must be a whole number of shares, written as an "
                    + "integer (1000, not 1000.0 or 1e3)" + (value.isNumber() ? "" : ", was " + value));
        }
        if (!value.canConvertToLong()) {
            throw ApiException.badRequest("quantity", value.bigIntegerValue().signum() < 0
                    ? "quantity " + value + " is less than a quantity can be written as, " + Long.MIN_VALUE
                    : "quantity " + value + " is more than the most shares an order can have, " + Long.MAX_VALUE);
        }
        return value.longValue();
    }
}
