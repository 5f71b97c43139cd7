package com.lockupguard.contract;

import java.util.Locale;

/**
 * Whether a string is Unicode text, which the guard's topics can carry: they hold strings as UTF-8, and UTF-8 has
 * no encoding for a surrogate without its pair. JSON can still write one (the escape of U+D800 alone); Java's UTF-8
 * encoder then puts {@code ?} in its place, so that two such ids, "a" then U+D800 and "a" then U+D801, would reach
 * the guard as one id, {@code "a?"}, and be answered under an id their sender never used. The JSON the guard reads
 * (timelines, the API's orders) is therefore refused where it holds one.
 */
public final class UnicodeText {

    private UnicodeText() {
    }

    /** The index of the first surrogate in {@code text} that is not half of a pair, or -1 when there is none. */
    public static int loneSurrogateIndex(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why {@code text}, which has a lone surrogate at {@code index} (a char index), cannot be carried: for a message
     * that counts characters as code points, a pair being one.
     */
    public static String loneSurrogateAt(CharSequence text, int index) {
        return String.format(Locale.ROOT,
                "a lone surrogate (\\u%04x, character %d), which UTF-8 cannot carry", (int) text.charAt(
                index), Character.codePointCount(text, 0, index) + 1);
    }
}
