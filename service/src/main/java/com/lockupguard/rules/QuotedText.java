package com.lockupguard.rules;

import java.util.Locale;

/**
 * A value quoted in a message (a refusal's reason, a line's problem): cut after {@value #SHOWN_CHARACTERS} characters,
 * saying how long it was, so that a field of megabytes makes a one-line message and not a screenful — in a
 * dead-letter header, a log line or a replay's stderr.
 */
public final class QuotedText {

    /** How many characters (code points) of a value a message quotes. */
    public static final int SHOWN_CHARACTERS = 60;

    private QuotedText() {
    }

    /** {@code text}, cut after {@value #SHOWN_CHARACTERS} characters (code points, as the id rule counts them). */
    public static String of(String text) {
        return cut(text, text.codePointCount(0, text.length()));
    }

    /**
     * {@code text} with each control character written as its escape ({@code \u000a}), so that a value from outside
     * makes one line of a message, and characters drawn as nothing are seen.
     */
    public static String controlsEscaped(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                escaped.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * {@code written} (a value as written, a JSON string with its quotes say), whole if it has at most
     * {@value #SHOWN_CHARACTERS} characters; otherwise cut there and followed by the {@code length} of the value it
     * stands for.
     */
    public static String cut(String written, int length) {
        if (written.codePointCount(0, written.length()) <= SHOWN_CHARACTERS) {
            return written;
        }
        return written.substring(0, written.offsetByCodePoints(0, SHOWN_CHARACTERS)) + "... (" + length
                + " characters)";
    }
}
