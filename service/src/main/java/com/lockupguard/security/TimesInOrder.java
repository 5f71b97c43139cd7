package com.lockupguard.security;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.JwtContext;

/**
 * A token's times in their order: its {@code exp} not before its {@code iat} nor its {@code nbf}. jose4j refuses
 * such a token too, but under its catch-all error code, which a refusal cannot be told by from a bad signature;
 * this check names it, so that the caller and the failed-login counter say what is wrong: the issuer's times.
 * Like every claim check, it runs only on a token whose signature was verified.
 */
final class TimesInOrder implements ErrorCodeValidator {

    /** Outside jose4j's own error codes (1 to 24). */
    static final int OUT_OF_ORDER = 1_001;

    @Override
    public Error validate(JwtContext context) throws MalformedClaimException {
        JwtClaims claims = context.getJwtClaims();
        NumericDate expiration = claims.getExpirationTime();
        if (expiration == null) {
            return null; // jose4j's own check names it missing
        }
        if (before(expiration, claims.getIssuedAt()) || before(expiration, claims.getNotBefore())) {
            return new Error(OUT_OF_ORDER, "exp is before iat or nbf");
        }
        return null;
    }

    private static boolean before(NumericDate expiration, NumericDate other) {
        return other != null && expiration.isBefore(other);
    }
}
