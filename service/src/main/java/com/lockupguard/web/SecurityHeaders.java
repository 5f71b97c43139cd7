package com.lockupguard.web;

import java.util.function.BiConsumer;

/**
 * The headers every answer carries, the web server's own error answers too: no sniffing of content types, no framing
 * by another page, no referrer, a content security policy that lets the dashboard load only its own files, and HSTS
 * when served over TLS.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private SecurityHeaders() {
    }

    /** Gives {@code header} each name and value. */
    static void apply(BiConsumer<String, String> header, boolean https) {
        header.accept("X-Content-Type-Options", "nosniff");
        header.accept("X-Frame-Options", "DENY");
        header.accept("Referrer-Policy", "no-referrer");
        header.accept("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        if (https) {
            header.accept("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
