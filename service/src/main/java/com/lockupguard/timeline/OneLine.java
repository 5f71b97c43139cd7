package com.lockupguard.timeline;

import java.util.regex.Pattern;

/**
 * A message about a timeline's line, written on one terminal line whatever it quotes of the line: a line break in a
 * quoted value is written {@code \n}, any other control character (C0 or C1: an ANSI escape, say) but the tab, and
 * the Unicode line and paragraph separators {@code ?}, as the commands' logging writes them (a tab breaks no line, and
 * stays). Whoever wrote the timeline cannot break a message, forge the next one a script reads from stderr, or drive
 * the terminal.
 */
public final class OneLine {

    private static final Pattern BREAKS = Pattern.compile("\r\n|\r|\n");
    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cc}\\u2028\\u2029&&[^\\t\\n]]");

    private OneLine() {
    }

    public static String of(String message) {
        return CONTROLS.matcher(BREAKS.matcher(message).replaceAll("\\\\n")).replaceAll("?");
    }

    /**
     * {@code message} with its line feeds (a CR LF as one), and no other control character: a lone carriage return is
     * {@code ?}. For a message of several lines that is the guard's own (a check's, before the commands that fix it).
     */
    public static String keepingLineBreaks(String message) {
        return CONTROLS.matcher(message.replace("\r\n", "\n")).replaceAll("?");
    }
}
