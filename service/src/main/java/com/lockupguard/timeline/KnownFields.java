package com.lockupguard.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.lockupguard.rules.QuotedText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The fields a timeline line of one type may hold. Any other is ignored, and named in a warning: a misspelt
 * {@code "totalshares"} would otherwise leave the letter's 675,675 in force without anyone noticing.
 */
final class KnownFields {

    static final KnownFields AGREEMENT = new KnownFields(" (a field left out takes the letter's value)", "type", "at",
            "investorId", "securityId", "executionDate", "timeZone", "totalShares", "lockupDays", "firstReleaseShares",
            "firstReleaseDays", "trancheShares", "trancheDays", "trancheMode", "rule144HoldingMonths", "effectiveAt");
    static final KnownFields ORDER = new KnownFields("", "type", "at", "orderId", "investorId", "securityId", "kind",
            "quantity");
    static final KnownFields EXECUTION = new KnownFields("", "type", "at", "executionId", "orderId", "investorId",
            "securityId", "kind", "quantity");

    private final Set<String> names;
    private final String consequence;

    private KnownFields(String consequence, String... names) {
        this.consequence = consequence;
        this.names = Set.of(names);
    }

    /** The warning for the fields of {@code line} that are not known, or null when it has none. */
    String unknownIn(JsonNode line) {
        List<String> unknown = null;
        for (Iterator<String> fields = line.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!names.contains(field)) {
                if (unknown == null) {
                    unknown = new ArrayList<>();
                }
                unknown.add(described(field));
            }
        }
        return unknown == null ? null : "unknown field(s) ignored: " + String.join(", ", unknown) + consequence;
    }

    private String described(String field) {
        // JSON escapes C0 controls, not C1 ones (an 8-bit escape sequence's start) nor Unicode's line separators
        // and a name of megabytes is cut as a value is, so that the warning stays one line
        String quoted = QuotedText.cut(OneLine.of(new TextNode(field).toString()),
                field.codePointCount(0, field.length()));
        for (String known : names) {
            if (known.equalsIgnoreCase(field)) {
                return quoted + " (did you mean \"" + known + "\"?)";
            }
        }
        return quoted;
    }
}
