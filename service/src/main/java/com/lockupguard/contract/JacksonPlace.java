package com.lockupguard.contract;

/**
 * Where in a text Jackson stopped reading it, from the line and column it names. Jackson ends a line at a LF, a CR,
 * or a CR and a LF together, whitespace to JSON, and counts columns in chars: a character outside the Basic
 * Multilingual Plane (an emoji) is two. Editors count it as one, which the callers count from the index this gives.
 */
public final class JacksonPlace {

    private JacksonPlace() {
    }

    /**
     * The index in {@code text} of Jackson's {@code line} and {@code column} (each from 1), which may be the text's
     * length (its end); -1 where the text has no such place.
     */
    public static int index(CharSequence text, long line, long column) {
        int start = 0;
        for (long breaks = line - 1; breaks > 0; breaks--) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end == text.length()) {
                return -1;
            }
            boolean crLf = text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n';
            start = end + (crLf ? 2 : 1);
        }
        long index = start + column - 1;
        return line < 1 || column < 1 || index > text.length() ? -1 : (int) index;
    }
}
