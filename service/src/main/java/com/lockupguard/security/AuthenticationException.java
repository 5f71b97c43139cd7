package com.lockupguard.security;

/**
 * A refused credential. Its message is the failure's description only: never the token, nor the
 * verifying library's message (jose4j's messages quote the token).
 */
public final class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final AuthFailure failure;

    public AuthenticationException(AuthFailure failure) {
        super(failure.description(), null, false, false);
        this.failure = failure;
    }

    public AuthFailure failure() {
        return failure;
    }
}
