package com.lockupguard.timeline;

import java.io.IOException;
import java.io.Reader;

/**
 * The lines of a JSON Lines text: each ends at a line feed, a carriage return just before it dropped (CRLF). A
 * carriage return anywhere else is JSON whitespace inside a line, not the end of one, as {@code readLine} would take
 * it: an order written {@code {"orderId":"a",\r"quantity":1}} is one line and one order, and every later line keeps
 * the number {@code grep -n} gives it.
 */
final class JsonLines {

    private final Reader in;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;

    JsonLines(Reader in) {
        this.in = in;
    }

    /** The next line without its end, or null at the end of the text. A pipe's line is returned once it ends. */
    String next() throws IOException {
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
                        return new String(chars, from, length);
                    }
                    return withoutCarriageReturn(started.append(chars, from, i - from).toString());
                }
            }
            if (position < limit) {
                if (started == null) {
                    started = new StringBuilder(2 * (limit - position));
                }
                started.append(buffer, position, limit - position);
            }
            position = 0;
            limit = Math.max(0, in.read(buffer, 0, buffer.length));
            if (limit == 0) {
                return started == null ? null : withoutCarriageReturn(started.toString());
            }
        }
    }

    private static String withoutCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
