package com.lockupguard.security.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;

/**
 * An OIDC issuer for tests: a signing key (RS256 or ES256) with a key id, its public JWKS, and
 * access tokens with the claims a test wants — good ones, and every kind of forgery.
 */
public final class TestIssuer {

    public static final String ISSUER = "https://issuer.test/realms/trading";
    public static final String AUDIENCE = "lockup-guard";
    public static final String READ = "lockup-guard:read";
    public static final String SUBMIT = "lockup-guard:submit";

    private final PublicJsonWebKey key;
    private final String algorithm;

    private TestIssuer(PublicJsonWebKey key, String algorithm) {
        this.key = key;
        this.algorithm = algorithm;
    }

    public static TestIssuer rsa(String keyId) throws Exception {
        PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(keyId);
        return new TestIssuer(key, AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static TestIssuer ec(String keyId) throws Exception {
        PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId(keyId);
        return new TestIssuer(key, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    }

    /** The public JWKS of {@code issuers}, as an issuer publishes it. */
    public static String jwks(TestIssuer... issuers) {
        List<JsonWebKey> keys = new ArrayList<>();
        for (TestIssuer issuer : issuers) {
            keys.add(issuer.key);
        }
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    public String jwks() {
        return jwks(this);
    }

    /** The issuer's public key, as a verifier holds it. */
    public java.security.PublicKey publicKey() {
        return key.getPublicKey();
    }

    public Path writeJwks(Path file) throws Exception {
        return Files.writeString(file, jwks());
    }

    /** A token with good defaults: this issuer, the guard's audience, subject alice, both roles, 10 minutes. */
    public Token token() {
        return new Token();
    }

    /** Claims of a token, changed by a test, then signed (or forged). */
    public final class Token {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String keyId = key.getKeyId();
        private String type;

        Token() {
            Instant now = Instant.now();
            claims.put("iss", ISSUER);
            claims.put("aud", AUDIENCE);
            claims.put("sub", "alice");
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(Duration.ofMinutes(10)).getEpochSecond());
            claims.put("scope", READ + " " + SUBMIT);
        }

        public Token claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Token scope(String scope) {
            return claim("scope", scope);
        }

        /** Expiring at {@code at}, issued ten minutes before (an issuer never issues a token already expired). */
        public Token expiresAt(Instant at) {
            claim("iat", Math.min((Long) claims.get("iat"), at.minusSeconds(600).getEpochSecond()));
            return claim("exp", at.getEpochSecond());
        }

        public Token notBefore(Instant at) {
            return claim("nbf", at.getEpochSecond());
        }

        public Token keyId(String id) {
            this.keyId = id;
            return this;
        }

        /** The {@code typ} header: none unless set (as many issuers' access tokens). */
        public Token type(String typ) {
            this.type = typ;
            return this;
        }

        private JwtClaims jwtClaims() throws Exception {
            return JwtClaims.parse(org.jose4j.json.JsonUtil.toJson(claims));
        }

        /** Signed with the issuer's private key. */
        public String sign() throws Exception {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(jwtClaims().toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(algorithm);
            if (type != null) {
                jws.setHeader("typ", type);
            }
            return jws.getCompactSerialization();
        }

        /** {@code alg: none}: no signature at all. */
        public String unsigned() throws Exception {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(jwtClaims().toJson());
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
            jws.setKeyIdHeaderValue(keyId);
            return jws.getCompactSerialization();
        }

        /** HS256 with the issuer's public key as the HMAC secret: the classic key-confusion forgery. */
        public String hmacWithPublicKey() throws Exception {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(jwtClaims().toJson());
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(key.getPublicKey().getEncoded()));
            jws.setDoKeyValidation(false);
            jws.setKeyIdHeaderValue(keyId);
            return jws.getCompactSerialization();
        }
    }
}
