package com.lockupguard.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;

/** Why Jackson could not read some JSON, in words for whoever sent it: without its class and setting names. */
public final class JacksonMessages {

    private JacksonMessages() {
    }

    /**
     * {@code e}'s message without its location, and without what only a Java programmer could act on: a string, a
     * number or a nesting over Jackson's limits says "... exceeds the maximum allowed (1000, from
     * StreamReadConstraints.getMaxNumberLength())", a second value "(bound as `...JsonNode`): not allowed as per
     * `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`", a NaN "enable `JsonReadFeature...` to allow", an object
     * left open "(start marker at [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, ...])", a comment
     * "since Feature 'ALLOW_COMMENTS' not enabled", a record separator "(consider enabling `JsonReadFeature...`)".
     * A location is said in words, its column alone on the text's first line ("start marker at column 1"). A
     * character quoted that shows as nothing or as a blank (a byte order mark, a no-break space) is written as
     * JSON escapes it, a backslash, u and its four hex digits.
     */
    public static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        return reason == null ? e.getClass().getSimpleName()
                : visible(reason).replaceAll(", from `?StreamReadConstraints\\.\\w+\\(\\)`?\\)", ")")
                        .replaceAll(" \\(bound as `[^`]*`\\)", "")
                        .replaceAll(": not allowed as per `[^`]*`", ": only one JSON value is allowed")
                        .replaceAll(": enable `[^`]*` to allow", "")
                        .replaceAll("Source: REDACTED \\(`[^`]*` disabled\\); ", "")
                        .replaceAll(" \\(not recognized as one since Feature '[^']*' not enabled for parser\\)",
                                " (JSON has none)")
                        .replaceAll(" \\(consider enabling `[^`]*`[^()]*(\\([^()]*\\))?[^()]*\\)", "")
                        // a timeline's line is read alone: its own line 1 is the file's line 57, which says so
                        .replaceAll("\\[line: 1, column: (\\d+)\\]", "column $1")
                        .replaceAll("\\[line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
    }

    /**
     * {@code text} with each character that shows as nothing, or as a blank other than a space, escaped: a byte order
     * mark, a zero-width space pasted into a field's name, a lone surrogate.
     */
    public static String visible(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            boolean unseen = switch (Character.getType(c)) {
                // not UNASSIGNED: this JVM's Unicode is older than a newer emoji, which shows as itself
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                        Character.SURROGATE -> true;
                case Character.SPACE_SEPARATOR -> c != ' ';
                default -> false;
            };
            if (!unseen) {
                shown.appendCodePoint(c);
            } else if (Character.isBmpCodePoint(c)) {
                shown.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                shown.append(String.format(Locale.ROOT, "\\u%04X\\u%04X", (int) Character.highSurrogate(c),
                        (int) Character.lowSurrogate(c)));
            }
        });
        return shown.toString();
    }
}
