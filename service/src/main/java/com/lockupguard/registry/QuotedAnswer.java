package com.lockupguard.registry;

import java.util.regex.Pattern;

/**
 * What a registry, or whatever answered in its place (a proxy, a gateway), said, as the guard's messages quote it: its
 * start only, credentials it echoes hidden, on one line. A proxy's error page that repeats the request's headers
 * would otherwise put the registry's password (its {@code Authorization}, Base64) in the log and in {@code cannot
 * start: ...}, and a page's line breaks or escape sequences would forge lines there.
 */
final class QuotedAnswer {

    /** How much of a page that is not the registry's answer is quoted. */
    static final int PAGE_CHARS = 200;
    /** How much of the registry's own message is quoted: all of any it writes (a schema's incompatibilities). */
    static final int MESSAGE_CHARS = 16 * 1024;
    /**
     * A header or parameter that carries a credential, as a page or JSON echoes it ({@code Authorization: ...},
     * {@code "authorization": "..."}, {@code ?api-key=...}), at the start of a line or after a space, quote or
     * delimiter (not {@code /properties/cookie}), and its value to the next space, quote or delimiter.
     */
    private static final Pattern CREDENTIAL_HEADER = Pattern.compile("(?i)(^|[\\s\"'{,;(<\\[?&])([\"']?)"
            + "((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key|apikey|password)\\2(\\s*[:=]\\s*[\"']?)"
            + "[^\\s\"'<>&,;}]+", Pattern.MULTILINE);
    /**
     * A credential after an authorization scheme's name, in any case, wherever it stands: a token of eight characters
     * or more, Base64 or a JWT, but a word of lowercase letters, so that a message's words ("Basic authentication",
     * "Digest algorithm=MD5") stay.
     */
    private static final Pattern SCHEME_CREDENTIAL = Pattern.compile("(?i:\\b(basic|bearer|digest|negotiate))\\s+"
            + "(?![a-z]+(?![A-Za-z0-9+/._~-]))[A-Za-z0-9+/._~-]{8,}={0,2}");
    private static final Pattern BREAKS = Pattern.compile("\r\n|\r|\n");
    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cc}\\u2028\\u2029&&[^\\t]]");

    private QuotedAnswer() {
    }

    /** The start of a page that is not the registry's answer (a proxy's, a gateway's), as {@link #of} quotes it. */
    static String page(String body) {
        return of(body, PAGE_CHARS);
    }

    /** The registry's own message, as {@link #of} quotes it. */
    static String message(String message) {
        return of(message, MESSAGE_CHARS);
    }

    /**
     * {@code text} cut to {@code chars} characters, a credential in it written {@code [hidden]}, a line break
     * {@code \n}, and any other control character but the tab {@code ?}, as the guard's log writes them.
     */
    static String of(String text, int chars) {
        if (text == null) {
            return "null";
        }
        // searched beyond the cut, so that a credential the cut would halve is hidden whole
        String searched = text.length() > chars + 1024 ? text.substring(0, chars + 1024) : text;
        // the scheme's token first: a header's value stops at the space after the scheme's name
        String masked = CREDENTIAL_HEADER.matcher(SCHEME_CREDENTIAL.matcher(searched)
                .replaceAll("$1 " + RegistryClientConfig.HIDDEN))
                .replaceAll("$1$2$3$2$4" + RegistryClientConfig.HIDDEN);
        String cut = masked.length() > chars ? masked.substring(0, chars) : masked;
        return CONTROLS.matcher(BREAKS.matcher(cut).replaceAll("\\\\n")).replaceAll("?");
    }
}
