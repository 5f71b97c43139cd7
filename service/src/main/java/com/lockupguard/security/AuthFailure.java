package com.lockupguard.security;

/**
 * Why a request was refused. The tag is the {@code reason} of the failed-login counter; the
 * description is what the caller is told (never the token, never what was expected).
 */
public enum AuthFailure {
    MISSING("missing", 401, null, "this endpoint needs 'Authorization: Bearer <token>'"),
    MALFORMED("malformed", 401, "invalid_token",
            "the credential is not a well-formed bearer token: send one 'Authorization: Bearer <token>' header"),
    /**
     * A token in a well-formed header that is not a JWT where only JWTs are accepted: counted as {@link #MALFORMED},
     * told what is wrong with the token, not with the header (seen: an opaque token was told to send a well-formed
     * 'Authorization: Bearer' header, which it had).
     */
    NOT_A_JWT("malformed", 401, "invalid_token",
            "the token is not a well-formed JWT (three base64url parts joined by dots, JSON in the first two), the "
                    + "kind this guard accepts"),
    INVALID("invalid", 401, "invalid_token", "the token's signature, algorithm or key is not accepted"),
    /**
     * A token that is no static token this guard is given, and not a JWT it would verify (none configured, or not of
     * a JWT's shape): counted as {@link #INVALID}, told without a JWT's terms (seen: a wrong api.token was told of its
     * "signature, algorithm or key").
     */
    NOT_ACCEPTED("invalid", 401, "invalid_token", "the token is not one this guard accepts"),
    EXPIRED("expired", 401, "invalid_token", "the token has expired"),
    TOO_LONG_LIVED("too_long_lived", 401, "invalid_token",
            "the token lives more than a day (its exp more than 24 hours ahead): the guard takes access tokens of a "
                    + "day at most"),
    NOT_YET_VALID("not_yet_valid", 401, "invalid_token", "the token is not valid yet"),
    CONTRADICTORY_TIMES("contradictory_times", 401, "invalid_token",
            "the token's times contradict each other: it expires before it was issued (iat) or becomes valid (nbf)"),
    WRONG_ISSUER("wrong_issuer", 401, "invalid_token", "the token was issued by another issuer"),
    WRONG_AUDIENCE("wrong_audience", 401, "invalid_token", "the token is meant for another audience"),
    WRONG_TYPE("wrong_type", 401, "invalid_token", "the token is not an access token (its typ header)"),
    MISSING_CLAIM("missing_claim", 401, "invalid_token", "the token lacks a required claim (exp, sub, iss, aud)"),
    TOKEN_IN_URL("token_in_url", 401, "invalid_request",
            "credentials are not accepted in the URL; send 'Authorization: Bearer <token>'"),
    TICKET("ticket", 401, "invalid_token",
            "the event-stream ticket is unknown, used or expired; ask POST /api/events/ticket for a new one"),
    FORBIDDEN("forbidden", 403, "insufficient_scope", "the token does not grant the role this endpoint needs");

    private final String tag;
    private final int status;
    private final String bearerError;
    private final String description;

    AuthFailure(String tag, int status, String bearerError, String description) {
        this.tag = tag;
        this.status = status;
        this.bearerError = bearerError;
        this.description = description;
    }

    /** The {@code reason} tag of {@code lockup_guard_api_auth_failures_total}. */
    public String tag() {
        return tag;
    }

    /** 401, or 403 for a valid credential without the role. */
    public int status() {
        return status;
    }

    /** RFC 6750's {@code error} attribute of {@code WWW-Authenticate}, or null when no credential was sent. */
    public String bearerError() {
        return bearerError;
    }

    public String description() {
        return description;
    }
}
