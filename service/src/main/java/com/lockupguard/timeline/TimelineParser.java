package com.lockupguard.timeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.contract.ExecutionMapper;
import com.lockupguard.contract.IsoInstant;
import com.lockupguard.contract.JacksonMessages;
import com.lockupguard.contract.JacksonPlace;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.contract.UnicodeText;
import com.lockupguard.rules.LetterDefaults;
import com.lockupguard.rules.SupportedTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses timeline lines (one JSON object each) into records the topology takes. An order or
 * execution line always becomes a record: a missing, mistyped or unknown field becomes null or
 * UNKNOWN, which the topology answers with INVALID_ORDER or INVALID (a missing or unreadable
 * {@code at} leaves the line without a time; an unreadable one is also named, so that a producer never takes it for a
 * missing one). An agreement line that cannot be written as an {@code Agreement} record —
 * a required field missing, a field of the wrong JSON type or out of range for a long, a date or
 * instant that does not parse, an execution date outside 1970 to 9999, an unknown trancheMode —
 * is rejected here, with the reason RULES.md section 1 gives; every other rule is left to the
 * topology.
 */
public final class TimelineParser {

    /** Told of what a line holds that the parser ignores (an unknown field); the line's entry is the same. */
    @FunctionalInterface
    public interface Warnings {
        void warn(int lineNumber, String message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TimelineParser.class);
    /** The warnings of a caller that does not report them itself: logged. */
    static final Warnings LOGGED = (lineNumber, message) -> LOG.warn("line {}: {}", lineNumber, message);

    /** One JSON value per line, no key twice: {@code {..}{..}} or a second {@code quantity} is an unreadable line. */
    private final ObjectReader json;
    private final WrittenNumbers writtenNumbers;
    private final Warnings warnings;

    public TimelineParser(ObjectMapper json) {
        this(json, LOGGED);
    }

    public TimelineParser(ObjectMapper json, Warnings warnings) {
        this.warnings = warnings;
        // a duplicate key is caught as the tree is built, at no cost (STRICT_DUPLICATE_DETECTION would hash every key)
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        this.writtenNumbers = new WrittenNumbers(json);
    }

    /** A place as {@link JacksonMessages} says it when it is not on the text's first line. */
    private static final Pattern JACKSON_PLACE = Pattern.compile("at (?:line (\\d{1,9}), )?column (\\d{1,9})");
    /** A CR, then blanks, then an object: where a file whose lines end in CR alone reads as one line. */
    private static final Pattern CR_BEFORE_AN_OBJECT = Pattern.compile("\r[ \t]*\\{");

    /** Why Jackson could not read a line, without the names of its own classes and settings it adds to some. */
    private static String whyNot(JsonProcessingException e) {
        String reason = JacksonMessages.reason(e);
        if (reason.startsWith("Trailing token")) {
            return "more after the object (a line holds one JSON object)";
        }
        int setting = reason.indexOf(": not allowed when `");
        if (setting >= 0) {
            return reason.substring(0, setting).replace(" for `ObjectNode`", "") + " (a field may appear once)";
        }
        return reason;
    }

    /**
     * {@code reason} with each place Jackson names ("at line 3, column 11", "at column 11") named by its column in
     * the timeline's line, counted in characters as an editor counts them: a CR inside a line, whitespace to JSON, is a
     * line break to Jackson, whose "line 3" contradicted the message's own line number; and Jackson counts a character
     * outside the Basic Multilingual Plane (an emoji) as two. Only a place said after "at" is read as one, not the
     * same words in a name the line holds ({@code "line 1, column 5"} as a key given twice).
     */
    static String inLineColumns(String reason, String line) {
        Matcher place = JACKSON_PLACE.matcher(reason);
        StringBuilder said = new StringBuilder();
        while (place.find()) {
            int jacksonColumn = Integer.parseInt(place.group(2));
            int index = JacksonPlace.index(line, place.group(1) == null ? 1 : Integer.parseInt(place.group(1)),
                    jacksonColumn);
            long column = index >= 0 ? line.codePointCount(0, index) + 1 : jacksonColumn;
            place.appendReplacement(said, "at column " + column);
        }
        place.appendTail(said);
        return said.toString();
    }

    /**
     * Why an unreadable line may be many: a CR before another object, as in a file whose lines end in CR alone (old
     * Mac line endings): {@code replay} and {@code produce}, as any reader that ends lines at LF, read it as one.
     */
    private static String lineEndingsHint(String line) {
        return CR_BEFORE_AN_OBJECT.matcher(line).find() ? "; it holds a CR without LF before another object: a "
                + "file whose lines end in CR alone is read as one line, so end its lines with LF or CRLF" : "";
    }

    /** " at column N": where in {@code line} Jackson stopped reading it, or nothing where it names no place. */
    private static String where(JsonProcessingException e, String line) {
        JsonLocation stopped = e.getLocation();
        if (stopped == null || stopped.getLineNr() < 1 || stopped.getColumnNr() < 1) {
            return "";
        }
        return " " + inLineColumns("at line " + stopped.getLineNr() + ", column " + stopped.getColumnNr(), line);
    }

    /** The entry for a line, or empty for a blank line. */
    public Optional<TimelineEntry> parse(int lineNumber, String line) {
        if (isBlank(line)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = readTree(line);
        } catch (StreamConstraintsException e) {
            // JSON all the same: a string of 20 million characters, a name of 50,000, more than 1,000 levels deep
            return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "beyond what a timeline line may hold"
                    + where(e, line) + ": " + inLineColumns(whyNot(e), line)));
        } catch (JsonProcessingException e) {
            return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "not valid JSON" + where(e, line) + ": "
                    + inLineColumns(whyNot(e), line) + lineEndingsHint(line)));
        }
        if (node == null || !node.isObject()) {
            return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "not a JSON object"));
        }
        if (WrittenNumbers.holdsAFraction(node)) {
            // a quantity of 1e400 or 2.5e1 is echoed and quoted so, not as Infinity or 25.0
            keepFractionsAsWritten((ObjectNode) node, line);
        }
        // a lone surrogate reaches a string through a JSON escape or a line not read through TimelineInput
        if (line.contains("\\u") || UnicodeText.loneSurrogateIndex(line) >= 0) {
            String notText = notUnicodeText(node, null);
            if (notText != null) {
                return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "not Unicode text: " + notText));
            }
        }
        JsonNode type = node.get("type");
        String typeName = type != null && type.isTextual() ? type.textValue() : null;
        if ("agreement".equals(typeName)) {
            warnOfUnknown(lineNumber, node, KnownFields.AGREEMENT);
            return Optional.of(agreement(lineNumber, node));
        }
        if ("order".equals(typeName)) {
            warnOfUnknown(lineNumber, node, KnownFields.ORDER);
            return Optional.of(order(lineNumber, node));
        }
        if ("execution".equals(typeName)) {
            warnOfUnknown(lineNumber, node, KnownFields.EXECUTION);
            return Optional.of(execution(lineNumber, node));
        }
        return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "no known type (\"agreement\", \"order\" "
                + "or \"execution\"): " + (type == null ? "type is missing" : "type is " + ShownText.json(type))));
    }

    /** The first string of {@code node}, a field's name or a value, that is not Unicode text, described; or null. */
    private static String notUnicodeText(JsonNode node, String field) {
        if (node.isTextual()) {
            int at = UnicodeText.loneSurrogateIndex(node.textValue());
            return at < 0 ? null : (field == null ? "a value" : field) + " holds "
                    + UnicodeText.loneSurrogateAt(node.textValue(), at);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                int at = UnicodeText.loneSurrogateIndex(member.getKey());
                if (at >= 0) {
                    return "a field's name holds " + UnicodeText.loneSurrogateAt(member.getKey(), at);
                }
                String inValue = notUnicodeText(member.getValue(), field == null ? member.getKey() : field);
                if (inValue != null) {
                    return inValue;
                }
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String inElement = notUnicodeText(element, field);
                if (inElement != null) {
                    return inElement;
                }
            }
        }
        return null;
    }

    private void warnOfUnknown(int lineNumber, JsonNode node, KnownFields known) {
        String unknown = known.unknownIn(node);
        if (unknown != null) {
            warnings.warn(lineNumber, unknown);
        }
    }

    private JsonNode readTree(String line) throws JsonProcessingException {
        try {
            return json.readTree(line);
        } catch (StreamConstraintsException tooLong) {
            try {
                return writtenNumbers.readTree(line);
            } catch (JsonProcessingException e) {
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a String has no I/O
            }
        }
    }

    private void keepFractionsAsWritten(ObjectNode node, String line) {
        try {
            writtenNumbers.keepFractionsAsWritten(node, line);
        } catch (IOException e) {
            throw new UncheckedIOException("a line read once already cannot fail to read again", e);
        }
    }

    private static TimelineEntry order(int lineNumber, JsonNode node) {
        ProposedOrder order = ProposedOrder.newBuilder()
                .setOrderId(text(node.get("orderId")))
                .setInvestorId(text(node.get("investorId")))
                .setSecurityId(text(node.get("securityId")))
                .setKind(kind(node.get("kind")))
                .setQuantity(wholeNumber(node.get("quantity")))
                .build();
        TimelineEntry.OrderEcho echo = new TimelineEntry.OrderEcho(field(node, "orderId"), field(node, "investorId"),
                field(node, "securityId"), field(node, "kind"), field(node, "quantity"));
        Stamp stamp = stamp(node);
        // the rules' own check first: a well-formed line, the usual one, costs no more than that
        boolean wellFormed = stamp.at() != null && OrderMapper.toRequest(order).isWellFormed();
        return new TimelineEntry.OrderLine(lineNumber, stamp.at(), stamp.problem(), order, echo,
                wellFormed ? List.of() : LineProblems.ofOrder(node, stamp.problem()));
    }

    private static TimelineEntry execution(int lineNumber, JsonNode node) {
        ExecutionReport report = ExecutionReport.newBuilder()
                .setExecutionId(text(node.get("executionId")))
                .setOrderId(text(node.get("orderId")))
                .setInvestorId(text(node.get("investorId")))
                .setSecurityId(text(node.get("securityId")))
                .setKind(executionKind(node.get("kind")))
                .setQuantity(wholeNumber(node.get("quantity")))
                .build();
        TimelineEntry.ExecutionEcho echo = new TimelineEntry.ExecutionEcho(field(node, "executionId"),
                field(node, "orderId"), field(node, "investorId"), field(node, "securityId"));
        Stamp stamp = stamp(node);
        boolean wellFormed = stamp.at() != null && ExecutionMapper.toRequest(report).isWellFormed();
        return new TimelineEntry.ExecutionLine(lineNumber, stamp.at(), stamp.problem(), report, echo,
                wellFormed ? List.of() : LineProblems.ofExecution(node, stamp.problem()));
    }

    private static TimelineEntry agreement(int lineNumber, JsonNode node) {
        try {
            Agreement.Builder agreement = Agreement.newBuilder()
                    .setInvestorId(requiredText(node, "investorId"))
                    .setSecurityId(requiredText(node, "securityId"))
                    .setExecutionDate(date(node, "executionDate"))
                    .setTimeZone(optionalText(node, "timeZone", LetterDefaults.TIME_ZONE))
                    .setTotalShares(optionalLong(node, "totalShares", LetterDefaults.TOTAL_SHARES))
                    .setLockupDays(optionalLong(node, "lockupDays", LetterDefaults.LOCKUP_DAYS))
                    .setFirstReleaseShares(optionalLong(node, "firstReleaseShares", LetterDefaults.FIRST_RELEASE_SHARES))
                    .setFirstReleaseDays(optionalLong(node, "firstReleaseDays", LetterDefaults.FIRST_RELEASE_DAYS))
                    .setTrancheShares(optionalLong(node, "trancheShares", LetterDefaults.TRANCHE_SHARES))
                    .setTrancheDays(optionalLong(node, "trancheDays", LetterDefaults.TRANCHE_DAYS))
                    .setTrancheMode(trancheMode(node))
                    .setRule144HoldingMonths(optionalLong(node, "rule144HoldingMonths",
                            LetterDefaults.RULE_144_HOLDING_MONTHS))
                    .setEffectiveAt(optionalInstant(node, "effectiveAt"));
            Stamp stamp = stamp(node);
            return new TimelineEntry.AgreementLine(lineNumber, stamp.at(), stamp.problem(), agreement.build());
        } catch (MalformedField e) {
            return new TimelineEntry.MalformedAgreementLine(lineNumber, e.getMessage());
        }
    }

    /** A line's {@code at}: the instant, or null with the reason it could not be read, or neither when left out. */
    private record Stamp(Instant at, String problem) {
        static final Stamp MISSING = new Stamp(null, null);
    }

    /**
     * Whether {@code line} holds only what JSON counts as whitespace, or nothing: a line of other blanks (a form feed,
     * U+2028, an ideographic space) is a line written, not valid JSON, and said so rather than passed over.
     */
    private static boolean isBlank(String line) {
        return line.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r' || c == '\n');
    }

    private static Stamp stamp(JsonNode node) {
        JsonNode value = node.get("at");
        if (absent(value)) {
            return Stamp.MISSING;
        }
        Optional<Instant> at = instant(value);
        if (at.isEmpty()) {
            return new Stamp(null, "at " + ShownText.json(value) + " is not an ISO-8601 instant with an offset");
        }
        if (!SupportedTime.contains(at.get())) {
            return new Stamp(null, outsideTheYears("at", value, at.get()));
        }
        return new Stamp(at.get(), null);
    }

    /** Why instant {@code at}, written {@code value} in field {@code name}, is refused: out of the years supported. */
    private static String outsideTheYears(String name, JsonNode value, Instant at) {
        // the years are UTC's: 9999-12-31T23:00:00-05:00 is in the year 10000 there
        String utc = at.toString();
        String is = value.asText().equals(utc) ? " is" : " is " + utc + " in UTC,";
        return name + " " + ShownText.json(value) + is + " outside the years 1970 to 9999";
    }

    private static final class MalformedField extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedField(String message) {
            super(message, null, false, false);
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null ? NullNode.getInstance() : value;
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull();
    }

    private static String text(JsonNode value) {
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static Long wholeNumber(JsonNode value) {
        return value != null && value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
    }

    private static OrderKind kind(JsonNode value) {
        if (absent(value)) {
            return null;
        }
        com.lockupguard.rules.OrderKind kind = com.lockupguard.rules.OrderKind.fromName(text(value));
        return kind == null ? OrderKind.UNKNOWN : OrderMapper.toAvro(kind);
    }

    private static ExecutionKind executionKind(JsonNode value) {
        if (absent(value)) {
            return null;
        }
        com.lockupguard.rules.ExecutionKind kind = com.lockupguard.rules.ExecutionKind.fromName(text(value));
        return kind == null ? ExecutionKind.UNKNOWN : ExecutionKind.valueOf(kind.name());
    }

    private static Optional<Instant> instant(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SupportedTime.toMillis(IsoInstant.parse(value.textValue())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String requiredText(JsonNode node, String name) throws MalformedField {
        String text = optionalText(node, name, null);
        if (text == null) {
            throw new MalformedField(name + " is required");
        }
        return text;
    }

    private static String optionalText(JsonNode node, String name, String fallback) throws MalformedField {
        JsonNode value = node.get(name);
        if (absent(value)) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new MalformedField(name + " must be a string, was " + ShownText.json(value));
        }
        return value.textValue();
    }

    private static long optionalLong(JsonNode node, String name, long fallback) throws MalformedField {
        JsonNode value = node.get(name);
        if (absent(value)) {
            return fallback;
        }
        if (WrittenNumbers.isWrittenInteger(value)) {
            throw new MalformedField(name + " is out of range (a number too long to read)");
        }
        if (!value.isIntegralNumber()) {
            throw new MalformedField(name + " must be a whole number, was " + ShownText.json(value));
        }
        if (!value.canConvertToLong()) {
            throw new MalformedField(name + " " + ShownText.json(value) + " is out of range");
        }
        return value.longValue();
    }

    private static LocalDate date(JsonNode node, String name) throws MalformedField {
        String text = requiredText(node, name);
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedField(name + " '" + ShownText.of(text) + "' is not a yyyy-MM-dd date");
        }
        if (!SupportedTime.contains(date)) {
            throw new MalformedField(name + " " + date + " is outside the years 1970 to 9999");
        }
        return date;
    }

    private static Instant optionalInstant(JsonNode node, String name) throws MalformedField {
        JsonNode value = node.get(name);
        if (absent(value)) {
            return null;
        }
        Optional<Instant> instant = instant(value);
        if (instant.isEmpty()) {
            throw new MalformedField(name + " " + ShownText.json(value) + " is not an ISO-8601 instant with an offset");
        }
        if (!SupportedTime.contains(instant.get())) {
            // as the guard refuses it, and beyond the year 292278994 no Avro timestamp-millis could carry it
            throw new MalformedField(outsideTheYears(name, value, instant.get()));
        }
        return instant.get();
    }

    private static TrancheMode trancheMode(JsonNode node) throws MalformedField {
        String text = optionalText(node, "trancheMode", LetterDefaults.TRANCHE_MODE.name());
        com.lockupguard.rules.TrancheMode mode = com.lockupguard.rules.TrancheMode.fromName(text);
        if (mode == null) {
            throw new MalformedField("trancheMode '" + ShownText.of(text)
                    + "' is unknown: use NON_CUMULATIVE or CUMULATIVE");
        }
        return TrancheMode.valueOf(mode.name());
    }
}
