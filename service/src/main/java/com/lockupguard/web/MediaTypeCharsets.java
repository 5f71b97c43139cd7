package com.lockupguard.web;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code charset} parameters of a {@code Content-Type} as its client wrote it, read by RFC 9110's grammar (a
 * quoted value may hold {@code ;} and {@code \"}), and whether a body in each is UTF-8, as JSON is (RFC 8259). Read
 * from the raw header: the server's own reading of it fails on a charset the JVM does not know, which answered 500.
 */
final class MediaTypeCharsets {

    private MediaTypeCharsets() {
    }

    /** The values of every {@code charset} parameter of {@code contentType}, unquoted, in order. */
    static List<String> of(String contentType) {
        List<String> charsets = new ArrayList<>();
        int at = contentType.indexOf(';');
        while (at >= 0 && at < contentType.length()) {
            int nameEnd = contentType.indexOf('=', at + 1);
            int nextSemicolon = contentType.indexOf(';', at + 1);
            if (nameEnd < 0 || nextSemicolon >= 0 && nextSemicolon < nameEnd) {
                at = nextSemicolon; // a parameter without a value
                continue;
            }
            String name = contentType.substring(at + 1, nameEnd).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int i = nameEnd + 1;
            while (i < contentType.length() && contentType.charAt(i) == ' ') {
                i++;
            }
            if (i < contentType.length() && contentType.charAt(i) == '"') {
                for (i++; i < contentType.length() && contentType.charAt(i) != '"'; i++) {
                    if (contentType.charAt(i) == '\\' && i + 1 < contentType.length()) {
                        i++;
                    }
                    value.append(contentType.charAt(i));
                }
                at = contentType.indexOf(';', i);
            } else {
                int end = contentType.indexOf(';', i);
                value.append(contentType, i, end < 0 ? contentType.length() : end);
                at = end;
            }
            if (name.equals("charset")) {
                charsets.add(value.toString().trim());
            }
        }
        return charsets;
    }

    /** Whether a body in {@code charset} is read alike as UTF-8: UTF-8 by any of its names, or US-ASCII. */
    static boolean readsAsUtf8(String charset) {
        try {
            Charset named = Charset.forName(charset);
            return named.equals(StandardCharsets.UTF_8) || named.equals(StandardCharsets.US_ASCII);
        } catch (IllegalCharsetNameException | java.nio.charset.UnsupportedCharsetException e) {
            return false;
        }
    }
}
