package com.lockupguard.timeline;

/**
 * A value quoted in a message about a line: cut after {@value #SHOWN_CHARACTERS} characters, saying how long it was,
 * so that a field of megabytes makes a one-line message and not a screenful.
 */
public final class ShownText {

    static final int SHOWN_CHARACTERS = 60;

    private ShownText() {
    }

    /** {@code text}, cut after {@value #SHOWN_CHARACTERS} characters (code points, as the id rule counts them). */
    public static String of(String text) {
        return cut(text, text.codePointCount(0, text.length()));
    }

    /**
     * A JSON value as written, cut as {@link #cut} cuts it. The length said of a cut string is the string's own, as the
     * id rule counts it (code points), not that of its JSON text with quotes and escapes.
     */
    static String json(com.fasterxml.jackson.databind.JsonNode value) {
        String written = value.toString();
        String text = value.isTextual() ? value.textValue() : written;
        return cut(written, text.codePointCount(0, text.length()));
    }

    /**
     * {@code written} (a value as written, a JSON string with its quotes say), whole if it has at most
     * {@value #SHOWN_CHARACTERS} characters; otherwise cut there and followed by the {@code length} of the value it
     * stands for.
     */
    static String cut(String written, int length) {
        if (written.codePointCount(0, written.length()) <= SHOWN_CHARACTERS) {
            return written;
        }
        return written.substring(0, written.offsetByCodePoints(0, SHOWN_CHARACTERS)) + "... (" + length
                + " characters)";
    }
}
