package com.lockupguard.timeline;

import java.io.IOException;
import java.io.Reader;

/**
 * The lines of a JSON Lines text: each ends at a line feed, a carriage return just before it dropped (CRLF). A
 * carriage return anywhere else is JSON whitespace inside a line, not the end of one, as {@code readLine} would take
 * it: an order written {@code {"orderId":"a",\r"quantity":1}} is one line and one order, and every later line keeps
 * the number {@code grep -n} gives it.
 *
 * <p>A line longer than {@link #LONGEST} characters is not kept: it is read past to its end and returned empty,
 * {@link #tooLong()} saying so, so that a binary file or a file with no line feed cannot fill the heap.
 */
final class JsonLines {

    /**
     * The most characters a line may hold: 64 Mi, room for three strings as long as JSON parsing allows (20 million
     * characters each) written without escapes, and far more than any order, report or agreement needs (its ids hold
     * at most 256 characters).
     */
    static final int LONGEST = 64 * 1024 * 1024;

    private final Reader in;
    private final int longest;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean tooLong;

    JsonLines(Reader in) {
        this(in, LONGEST);
    }

    JsonLines(Reader in, int longest) {
        this.in = in;
        this.longest = longest;
    }

    /** Whether the line {@link #next()} returned last was longer than the longest kept, and returned empty. */
    boolean tooLong() {
        return tooLong;
    }

    /** The next line without its end, or null at the end of the text. A pipe's line is returned once it ends. */
    String next() throws IOException {
        tooLong = false;
        StringBuilder started = null;
        char[] chars = buffer;
        while (true) {
            int from = position;
            int end = limit;
            for (int i = from; i < end; i++) {
                if (chars[i] == '\n') {
                    position = i + 1;
                    int length = i > from && chars[i - 1] == '\r' ? i - 1 - from : i - from;
                    if (started == null) {
                        return length > longest ? refused() : new String(chars, from, length);
                    }
                    return kept(withoutCarriageReturn(started.append(chars, from, i - from).toString()));
                }
            }
            if (position < limit) {
                if (started == null) {
                    started = new StringBuilder(2 * (limit - position));
                }
                if (started.length() + (limit - position) > longest + 1) { // + 1: a CR before the LF is not kept
                    return skipTooLong();
                }
                started.append(buffer, position, limit - position);
            }
            position = 0;
            limit = Math.max(0, in.read(buffer, 0, buffer.length));
            if (limit == 0) {
                return started == null ? null : kept(withoutCarriageReturn(started.toString()));
            }
        }
    }

    private String kept(String line) {
        return line.length() > longest ? refused() : line;
    }

    private String refused() {
        tooLong = true;
        return "";
    }

    /** Reads past the rest of a line too long to keep, to its line feed or the end of the text; returns it empty. */
    private String skipTooLong() throws IOException {
        tooLong = true;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    position = i + 1;
                    return "";
                }
            }
            position = 0;
            limit = Math.max(0, in.read(buffer, 0, buffer.length));
            if (limit == 0) {
                return "";
            }
        }
    }

    private static String withoutCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
