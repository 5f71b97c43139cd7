package com.lockupguard.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who sent a request, from its {@code Authorization: Bearer} header: the static development token
 * ({@code api.token}: both roles), the service token other instances send ({@code api.service.token}),
 * or a JWT verified against the issuer's keys. With none of them configured, authentication is off
 * and everyone is {@link Principal#anonymous()} (the guard then only listens on loopback).
 */
public final class BearerAuthenticator {

    private static final String BEARER = "bearer ";

    private final StaticToken apiToken;
    private final StaticToken serviceToken;
    private final JwtVerifier jwt;
    private final String description;

    /** Each of the three may be null. */
    public BearerAuthenticator(StaticToken apiToken, StaticToken serviceToken, JwtVerifier jwt, String jwtDescription) {
        this.apiToken = apiToken;
        this.serviceToken = serviceToken;
        this.jwt = jwt;
        List<String> parts = new ArrayList<>();
        if (jwt != null) {
            parts.add(jwtDescription == null ? "JWT" : jwtDescription);
        }
        if (apiToken != null) {
            parts.add("api.token");
        }
        if (serviceToken != null) {
            parts.add("api.service.token (instances)");
        }
        this.description = parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** No authentication: every request is anonymous and may do everything. */
    public static BearerAuthenticator none() {
        return new BearerAuthenticator(null, null, null, null);
    }

    /** Only the static token: what {@code api.token} alone configures. */
    public static BearerAuthenticator staticToken(String token) {
        return token == null || token.isEmpty() ? none() : new BearerAuthenticator(new StaticToken(token), null, null,
                null);
    }

    /** Whether requests must carry a credential. */
    public boolean enabled() {
        return apiToken != null || serviceToken != null || jwt != null;
    }

    public boolean acceptsJwt() {
        return jwt != null;
    }

    public boolean acceptsStaticToken() {
        return apiToken != null;
    }

    /** What is accepted, for the log: never a secret. */
    public String describe() {
        return description;
    }

    /** The caller an {@code Authorization} header value names; refused with the reason only. */
    public Principal authenticate(String authorization) throws AuthenticationException {
        if (!enabled()) {
            return Principal.anonymous();
        }
        if (authorization == null || authorization.isBlank()) {
            throw new AuthenticationException(AuthFailure.MISSING);
        }
        if (authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw new AuthenticationException(AuthFailure.MALFORMED);
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            // as the JWT verifier calls it: blanks are no token, not a wrong one (the metric's reason says which)
            throw new AuthenticationException(AuthFailure.MALFORMED);
        }
        if (apiToken != null && apiToken.matches(token)) {
            return new Principal("api.token", Set.of(Role.values()), Principal.Kind.STATIC_TOKEN, null);
        }
        if (serviceToken != null && serviceToken.matches(token)) {
            return new Principal("api.service.token", Set.of(), Principal.Kind.PEER, null);
        }
        // beside a static token, a credential without a JWT's shape is a wrong static token, not a misshapen JWT
        boolean staticTokenBeside = apiToken != null || serviceToken != null;
        if (jwt != null && (!staticTokenBeside || JwtVerifier.isCompactJws(token))) {
            return jwt.verify(token);
        }
        throw new AuthenticationException(AuthFailure.NOT_ACCEPTED);
    }
}
