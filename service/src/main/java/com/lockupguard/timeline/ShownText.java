package com.lockupguard.timeline;

import com.lockupguard.rules.QuotedText;

/**
 * A value quoted in a message about a line, as {@link QuotedText} quotes it: cut after
 * {@value QuotedText#SHOWN_CHARACTERS} characters, saying how long it was.
 */
public final class ShownText {

    private ShownText() {
    }

    /** {@code text}, cut as {@link QuotedText#of} cuts it. */
    public static String of(String text) {
        return QuotedText.of(text);
    }

    /**
     * A JSON value as written, cut as {@link QuotedText#cut} cuts it. The length said of a cut string is the string's
     * own, as the id rule counts it (code points), not that of its JSON text with quotes and escapes.
     */
    static String json(com.fasterxml.jackson.databind.JsonNode value) {
        String written = value.toString();
        String text = value.isTextual() ? value.textValue() : written;
        return QuotedText.cut(written, text.codePointCount(0, text.length()));
    }
}
