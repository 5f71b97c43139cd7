package com.lockupguard.security;

import java.util.Locale;
import java.util.Set;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Explicit typing (RFC 8725 section 3.11): a bearer JWT's {@code typ} header, when it has one, must say it is an
 * access token — {@code JWT} (RFC 7519) or {@code at+jwt} (RFC 9068) — so that another token the same issuer
 * signs (a security event, a logout token, a DPoP proof, ...) with the guard's audience is not taken for one.
 * As RFC 7515 section 4.1.9 reads a {@code typ}: case-insensitive, with or without the {@code application/}
 * prefix; no media type parameters. A token without a {@code typ} is accepted: many issuers' access tokens have
 * none.
 */
final class AccessTokenType implements ErrorCodeValidator {

    private static final String APPLICATION = "application/";
    private static final Set<String> ACCEPTED = Set.of("jwt", "at+jwt");

    /** Whether a token with this {@code typ} header (null: none) may be an access token. */
    static boolean accepted(String typ) {
        if (typ == null) {
            return true;
        }
        String type = typ.toLowerCase(Locale.ROOT);
        if (type.startsWith(APPLICATION)) {
            type = type.substring(APPLICATION.length());
        }
        return ACCEPTED.contains(type);
    }

    @Override
    public Error validate(JwtContext context) {
        // the innermost structure is the one signed with the claims: a JWS, as JwtVerifier takes no other
        JsonWebStructure signed = context.getJoseObjects().get(0);
        return accepted(signed.getHeader("typ")) ? null
                : new Error(ErrorCodes.TYPE_INVALID, "the typ header names no access token");
    }
}
