package com.lockupguard.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Refuses a query string of the API's that would be read as something else than was sent. The web server drops a
 * parameter whose percent-encoding it cannot read ({@code investorId=abc%zz}), and the API would ignore one it does
 * not take ({@code investorID=abc}): a filter lost either way answers every investor's records as if none had been
 * asked for. And bytes that are not UTF-8 ({@code %ff}) would be read as U+FFFD: an id looked up that no one sent.
 */
final class QueryParameters {

    /** Every query parameter an endpoint of the API reads ({@code local}: another instance asking for its part). */
    static final List<String> KNOWN = List.of("investorId", "securityId", "limit", "local", "ticket");

    private QueryParameters() {
    }

    /**
     * Throws a 400 naming the first parameter of {@code rawQuery} (as sent, undecoded) that cannot be read or that
     * no endpoint takes.
     */
    static void requireReadableAndKnown(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String decodedName = decoded(name);
            if (decodedName == null) {
                throw unreadable(name, name, "its name");
            }
            if (equals >= 0 && decoded(pair.substring(equals + 1)) == null) {
                throw unreadable(decodedName, name, "its value");
            }
            if (!KNOWN.contains(decodedName) && !pair.isEmpty()) {
                throw ApiException.badRequest(decodedName, "the API takes no query parameter '" + decodedName
                        + "' (misspelt? a filter left out would answer every investor's records): it takes "
                        + String.join(", ", KNOWN) + ", where an endpoint reads them");
            }
        }
    }

    private static ApiException unreadable(String field, String sent, String part) {
        return ApiException.badRequest(field, "the query parameter '" + sent + "' cannot be read: " + part
                + " is not UTF-8 percent-encoded ('%' and two hex digits per byte; '%25' for '%' itself)");
    }

    /** {@code text} percent-decoded ('+' as a space, as forms send it), or null where it cannot be. */
    private static String decoded(String text) {
        if (text.indexOf('%') < 0) {
            return text.replace('+', ' ');
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '%') {
                int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 3;
            } else {
                // a run up to the next '%', whole, so that a character of two UTF-16 units stays one
                int next = text.indexOf('%', i);
                int end = next < 0 ? text.length() : next;
                bytes.writeBytes(text.substring(i, end).replace('+', ' ').getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
