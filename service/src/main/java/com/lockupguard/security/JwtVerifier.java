package com.lockupguard.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies bearer JWTs (OIDC access tokens) with jose4j: the signature against the issuer's keys
 * (a JWKS), with an asymmetric algorithm from the allow-list only — so neither {@code alg: none}
 * nor an HMAC "signed" with the public key is ever accepted —, the issuer, the audience,
 * {@code exp} (required, and at most a day ahead), {@code nbf} and {@code iat} (neither ahead of the clock,
 * nor after {@code exp}: {@link TimesInOrder}), a subject, within a bounded clock skew, and that its
 * {@code typ}, if any, is an access token's ({@link AccessTokenType}); then maps the role claims to the
 * guard's roles.
 *
 * <p>jose4j's exception messages quote the token: they are never logged nor passed on. A refusal
 * is an {@link AuthenticationException} that names the reason only.
 */
public final class JwtVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);

    /** The algorithms that may be allowed: signatures with a public key, never HMAC or none. */
    public static final Set<String> ASYMMETRIC = Set.of(
            AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);

    /** A token whose {@code exp} is further ahead is refused: no issuer hands out day-long access tokens by mistake. */
    static final int MAX_LIFETIME_MINUTES = 24 * 60;

    /** Three base64url parts: a JWS in compact form (an encrypted JWT, five parts, is not accepted). */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final JwtConsumer consumer;
    private final JwtSettings settings;

    public JwtVerifier(VerificationKeyResolver keys, JwtSettings settings) {
        for (String algorithm : settings.algorithms()) {
            if (!ASYMMETRIC.contains(algorithm)) {
                throw new IllegalArgumentException("JWT algorithm " + algorithm + " is not allowed; use one of "
                        + ASYMMETRIC);
            }
        }
        this.settings = settings;
        this.consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT,
                        settings.algorithms().toArray(new String[0])))
                .setJweAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT))
                .setRequireExpirationTime()
                .setMaxFutureValidityInMinutes(MAX_LIFETIME_MINUTES)
                // an iat ahead of the clock (beyond the skew) is a token not valid yet; one long past, not refused
                .setIssuedAtRestrictions(0, Integer.MAX_VALUE)
                // jose4j counts whole seconds: round up, so that the skew allowed is never less than configured
                .setAllowedClockSkewInSeconds((int) ((settings.clockSkew().toMillis() + 999) / 1000))
                .setRequireSubject()
                .setExpectedIssuer(settings.issuer())
                .setExpectedAudience(settings.audience())
                .registerValidator(new AccessTokenType())
                .registerValidator(new TimesInOrder())
                .build();
    }

    /** Whether {@code token} has a JWT's shape: three base64url parts, the last (the signature) possibly empty. */
    static boolean isCompactJws(String token) {
        return token != null && COMPACT_JWS.matcher(token).matches();
    }

    /** The caller the token names, with the roles its claims grant; refused with the reason only. */
    public Principal verify(String token) throws AuthenticationException {
        if (!isCompactJws(token)) {
            throw refused(AuthFailure.NOT_A_JWT, List.of());
        }
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw refused(classify(e), codes(e));
        }
        try {
            if (claims.getSubject().isBlank()) {
                // jose4j asks only that it be there: a blank one names nobody in the log or the per-caller limits
                throw refused(AuthFailure.MISSING_CLAIM, List.of(ErrorCodes.SUBJECT_MISSING));
            }
            NumericDate expiration = claims.getExpirationTime();
            return new Principal(claims.getSubject(), roles(claims), Principal.Kind.JWT,
                    Instant.ofEpochSecond(expiration.getValue()));
        } catch (MalformedClaimException e) {
            throw refused(AuthFailure.MISSING_CLAIM, List.of(ErrorCodes.MALFORMED_CLAIM));
        }
    }

    private static AuthenticationException refused(AuthFailure failure, List<Integer> codes) {
        // the reason and jose4j's error codes only: its messages quote the token
        LOG.debug("refused a bearer JWT: {} (jose4j error codes {})", failure, codes);
        return new AuthenticationException(failure);
    }

    private static List<Integer> codes(InvalidJwtException e) {
        List<Integer> codes = new ArrayList<>();
        for (ErrorCodeValidator.Error error : e.getErrorDetails()) {
            codes.add(error.getErrorCode());
        }
        return codes;
    }

    static AuthFailure classify(InvalidJwtException e) {
        if (e.hasExpired()) {
            return AuthFailure.EXPIRED;
        }
        if (e.hasErrorCode(TimesInOrder.OUT_OF_ORDER)) {
            return AuthFailure.CONTRADICTORY_TIMES;
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return AuthFailure.NOT_YET_VALID;
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            return AuthFailure.WRONG_ISSUER;
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return AuthFailure.WRONG_AUDIENCE;
        }
        if (e.hasErrorCode(ErrorCodes.TYPE_INVALID)) {
            return AuthFailure.WRONG_TYPE;
        }
        // after issuer, audience and type: a token of another issuer is that first, whatever its lifetime
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE)) {
            return AuthFailure.TOO_LONG_LIVED;
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)
                || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING) || e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)
                || e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return AuthFailure.MISSING_CLAIM;
        }
        if (e.hasErrorCode(ErrorCodes.JSON_INVALID)) {
            return AuthFailure.NOT_A_JWT;
        }
        // a bad signature, an algorithm not allowed (none, HS256, ...), an unknown key
        return AuthFailure.INVALID;
    }

    /** The guard's roles the token's role claims grant. */
    Set<Role> roles(JwtClaims claims) {
        Set<String> values = claimValues(claims.getClaimsMap(), settings.roleClaims());
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Map.Entry<Role, Set<String>> grant : settings.roleValues().entrySet()) {
            if (grant.getValue().stream().anyMatch(values::contains)) {
                roles.add(grant.getKey());
            }
        }
        return roles;
    }

    /**
     * Every value of the named claims: a string is split at whitespace (OAuth's {@code scope}), an array
     * gives its strings; neither gives an empty one, which no role is granted by. A name not found as such, with
     * dots, is looked up as a path into nested objects.
     */
    static Set<String> claimValues(Map<String, Object> claims, List<String> names) {
        Set<String> values = new LinkedHashSet<>();
        for (String name : names) {
            Object value = claims.containsKey(name) ? claims.get(name) : path(claims, name);
            if (value instanceof String text) {
                for (String part : text.trim().split("\\s+")) {
                    if (!part.isEmpty()) {
                        values.add(part);
                    }
                }
            } else if (value instanceof List<?> list) {
                list.stream().filter(String.class::isInstance).map(String.class::cast)
                        .filter(part -> !part.isBlank()).forEach(values::add);
            }
        }
        return values;
    }

    private static Object path(Map<String, Object> claims, String dotted) {
        Object node = claims;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }
}
