package com.lockupguard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A configured secret token, compared in constant time: the digests of equal-length SHA-256 are
 * compared, so that neither the content nor the length leaks through timing.
 */
public final class StaticToken {

    private final byte[] digest;

    public StaticToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a token must not be empty");
        }
        this.digest = sha256(token);
    }

    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "[hidden]";
    }
}
