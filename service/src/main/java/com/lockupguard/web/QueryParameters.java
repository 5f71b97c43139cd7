package com.lockupguard.web;

import io.javalin.security.RouteRole;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters a route of the API reads, declared beside its roles; and the refusal of a query string that
 * would be read as something else than was sent. The web server drops a parameter whose percent-encoding it cannot
 * read ({@code investorId=abc%zz}) and keeps the first of two of one name, and a route would ignore one it does not
 * read ({@code investorID=abc}, or {@code investorId} on {@code /api/holdings}): a filter lost any of these ways
 * answers every investor's records as if none had been asked for. And bytes that are not UTF-8 ({@code %ff}) would
 * be read as U+FFFD: an id looked up that no one sent.
 *
 * @param names the parameters the route reads
 */
record QueryParameters(Set<String> names) implements RouteRole {

    /** A token in the URL: refused by the authentication (401, {@code token_in_url}). */
    static final String ACCESS_TOKEN = "access_token";
    /** The live feed's single-use ticket: taken by the authentication on the feed, refused (401) elsewhere. */
    static final String TICKET = "ticket";
    /**
     * Another instance asking for its own part of an answer, with the service token (or the caller's own where none
     * is set): judged by the authentication, with the route's roles.
     */
    static final String LOCAL = "local";
    /** The authentication's own, on every route: left to it. */
    private static final Set<String> AUTHENTICATIONS = Set.of(ACCESS_TOKEN, TICKET, LOCAL);

    static QueryParameters of(String... names) {
        return new QueryParameters(Set.of(names));
    }

    /**
     * Throws a 400 naming the first parameter of {@code rawQuery} (as sent, undecoded) that cannot be read, that is
     * given twice, or, if {@code checkRead}, that none of the {@link QueryParameters} among {@code roles} reads (the
     * authentication's own excepted).
     */
    static void requireReadableAndRead(String rawQuery, Set<RouteRole> roles, boolean checkRead) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        Set<String> read = new TreeSet<>();
        roles.stream().filter(QueryParameters.class::isInstance)
                .forEach(role -> read.addAll(((QueryParameters) role).names()));
        Set<String> given = new HashSet<>();
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (name.isEmpty()) {
                continue; // '&&', a trailing '&', '=x': no parameter, as the web server reads it
            }
            String decodedName = decoded(name);
            if (decodedName == null) {
                throw unreadable(name, name, "its name");
            }
            String value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
            if (value == null) {
                throw unreadable(decodedName, name, "its value");
            }
            if (decodedName.equals(LOCAL) && !value.equals("true") && !value.equals("false")) {
                // taken on every route, read by those another instance answers: a misspelt true asks them all
                throw ApiException.badRequest(LOCAL, LOCAL + " must be true or false, was '" + value + "'");
            }
            if (checkRead && !read.contains(decodedName) && !AUTHENTICATIONS.contains(decodedName)) {
                throw ApiException.badRequest(decodedName, "this endpoint reads no query parameter '" + decodedName
                        + "' (misspelt? a filter left out would answer every investor's records)"
                        + (read.isEmpty() ? ": it reads none" : ": it reads " + String.join(", ", read)));
            }
            if (!given.add(decodedName)) {
                throw ApiException.badRequest(decodedName, "the query parameter '" + decodedName + "' is given "
                        + "twice: only the first would be read");
            }
        }
    }

    private static ApiException unreadable(String field, String sent, String part) {
        return ApiException.badRequest(field, "the query parameter '" + sent + "' cannot be read: " + part
                + " is not UTF-8 percent-encoded ('%' and two hex digits per byte; '%25' for '%' itself)");
    }

    /**
     * {@code text} percent-decoded ('+' as a space, as forms send it), or null where it cannot be: a '%' without
     * two hex digits, bytes that are not UTF-8, or a character outside printable ASCII not percent-encoded.
     */
    private static String decoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 3;
            } else if (c <= ' ' || c > '~') {
                return null; // a URL carries these percent-encoded; sent raw, the server has guessed their bytes
            } else {
                bytes.write(c == '+' ? ' ' : c);
                i++;
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
