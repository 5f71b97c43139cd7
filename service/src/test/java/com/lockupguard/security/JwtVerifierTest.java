package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.lockupguard.security.testing.JwksEndpoint;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.testing.CapturedLogs;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JWT verifier: every refusal named by its reason, and the role claims mapped to the guard's roles. */
class JwtVerifierTest {

    private static TestIssuer issuer;
    private static TestIssuer other;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        issuer = TestIssuer.rsa("key-1");
        other = TestIssuer.rsa("key-1"); // same key id, another key: a forger's
    }

    private static JwtSettings settings(List<String> roleClaims) {
        return new JwtSettings(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of("RS256", "ES256"),
                Duration.ofSeconds(30), roleClaims, Map.of(Role.READ, Set.of(TestIssuer.READ, "compliance-officer"),
                        Role.SUBMIT, Set.of(TestIssuer.SUBMIT)));
    }

    private JwtVerifier verifier(TestIssuer... trusted) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks-" + System.nanoTime() + ".json"), TestIssuer.jwks(trusted));
        return new JwtVerifier(JwksKeys.file(jwks), settings(List.of("scope")));
    }

    private static AuthFailure refusal(JwtVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return null;
        } catch (AuthenticationException e) {
            if (token.length() > 8) {
                assertThat(e.getMessage()).as("never the token").doesNotContain(token);
            }
            return e.failure();
        }
    }

    @Test
    void shouldAcceptAValidTokenWithItsSubjectRolesAndExpiry() throws Exception {
        // given
        JwtVerifier verifier = verifier(issuer);
        Instant exp = Instant.now().plusSeconds(300);

        // when
        Principal principal = verifier.verify(issuer.token().expiresAt(exp).sign());

        // then
        assertThat(principal.subject()).isEqualTo("alice");
        assertThat(principal.roles()).containsExactlyInAnyOrder(Role.READ, Role.SUBMIT);
        assertThat(principal.kind()).isEqualTo(Principal.Kind.JWT);
        assertThat(principal.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp.getEpochSecond()));
    }

    @Test
    void shouldAcceptAnEs256Token() throws Exception {
        TestIssuer ec = TestIssuer.ec("ec-1");
        assertThat(verifier(ec).verify(ec.token().sign()).roles()).contains(Role.READ);
    }

    @Test
    void shouldRejectExpiredToken() throws Exception {
        String token = issuer.token().expiresAt(Instant.now().minusSeconds(120)).sign();
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.EXPIRED);
    }

    @Test
    void shouldAcceptATokenJustExpiredWithinTheClockSkew() throws Exception {
        String token = issuer.token().expiresAt(Instant.now().minusSeconds(5)).sign();
        assertThat(verifier(issuer).verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldAllowAtLeastTheConfiguredSkewWhenItIsNotWholeSeconds() throws Exception {
        // given a verifier allowing 1,500 ms of skew (the issuer's exp is in whole seconds)
        Path jwks = Files.writeString(dir.resolve("jwks-skew.json"), TestIssuer.jwks(issuer));
        JwtSettings skew = settings(List.of("scope"));
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(jwks), new JwtSettings(skew.issuer(), skew.audience(),
                skew.algorithms(), Duration.ofMillis(1_500), skew.roleClaims(), skew.roleValues()));
        // when a token arrives that expired a second ago, within the 1,500 ms allowed: signed and verified within one
        // second of the clock, as the check reads it in whole seconds (started just after a second begins: seen
        // refused, once in a hundred runs, when a second ended between the signing and the check)
        Thread.sleep(1_000 - System.currentTimeMillis() % 1_000 + 5);
        String token = issuer.token().expiresAt(Instant.now().minusSeconds(1)).sign();
        // then it is accepted: the skew is rounded up to whole seconds, never down (1 s would refuse it)
        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldRejectTokenNotYetValid() throws Exception {
        String token = issuer.token().notBefore(Instant.now().plusSeconds(120)).sign();
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.NOT_YET_VALID);
    }

    @Test
    void shouldRejectATokenIssuedInTheFutureAsNotYetValid() throws Exception {
        // given a token whose iat is two minutes ahead of the guard's clock, beyond the 30 s skew
        String token = issuer.token().claim("iat", Instant.now().plusSeconds(120).getEpochSecond()).sign();
        // when / then it is refused as a token not valid yet, as one with that nbf would be
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.NOT_YET_VALID);
    }

    @Test
    void shouldAcceptATokenIssuedAheadWithinTheClockSkew() throws Exception {
        // given an issuer whose clock runs 10 s ahead of the guard's (30 s allowed)
        String token = issuer.token().claim("iat", Instant.now().plusSeconds(10).getEpochSecond()).sign();
        // when / then its token is accepted
        assertThat(verifier(issuer).verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldAcceptATokenIssuedLongAgoThatHasNotExpired() throws Exception {
        // given a token issued three days ago that expires in an hour: only exp bounds a token's life ahead
        String token = issuer.token().claim("iat", Instant.now().minusSeconds(3 * 86_400).getEpochSecond()).sign();
        // when / then it is accepted
        assertThat(verifier(issuer).verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldNameAnExpiryBeforeTheIssueTimeAsContradictoryTimes() throws Exception {
        // given a token that expires in ten minutes but says it was issued in twenty (a broken issuer)
        Instant now = Instant.now();
        String token = issuer.token().expiresAt(now.plusSeconds(600))
                .claim("iat", now.plusSeconds(1_200).getEpochSecond()).sign();
        // when / then the refusal names its times, not its signature or key
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.CONTRADICTORY_TIMES);
    }

    @Test
    void shouldNameAnExpiryBeforeNotBeforeAsContradictoryTimes() throws Exception {
        // given a token valid from an hour ahead that expires in ten minutes
        Instant now = Instant.now();
        String token = issuer.token().expiresAt(now.plusSeconds(600)).notBefore(now.plusSeconds(3_600)).sign();
        // when / then
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.CONTRADICTORY_TIMES);
    }

    @Test
    void shouldRefuseAForgedTokenWithContradictoryTimesAsInvalid() throws Exception {
        // given a token with contradictory times signed by a key the guard does not trust
        Instant now = Instant.now();
        String token = other.token().expiresAt(now.plusSeconds(600))
                .claim("iat", now.plusSeconds(1_200).getEpochSecond()).sign();
        // when / then its signature is what is refused: nothing is said about the claims of an unverified token
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectTokenOfAnotherIssuer() throws Exception {
        String token = issuer.token().claim("iss", "https://evil.test").sign();
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.WRONG_ISSUER);
    }

    @Test
    void shouldRejectTokenForAnotherAudience() throws Exception {
        String token = issuer.token().claim("aud", "payments-api").sign();
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.WRONG_AUDIENCE);
    }

    @Test
    void shouldAcceptAnAudienceListThatNamesTheGuard() throws Exception {
        String token = issuer.token().claim("aud", List.of("payments-api", TestIssuer.AUDIENCE)).sign();
        assertThat(verifier(issuer).verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldRejectTokenSignedByAnotherKey() throws Exception {
        assertThat(refusal(verifier(issuer), other.token().sign())).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectTokenWithoutSignatureAlgNone() throws Exception {
        assertThat(refusal(verifier(issuer), issuer.token().unsigned())).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectHs256TokenSignedWithThePublicKeyKeyConfusion() throws Exception {
        // given a forgery signed HS256 with the issuer's public key as its secret
        String forged = issuer.token().hmacWithPublicKey();
        // and a key resolver that would hand the HMAC check those very bytes (as a careless one does): then only the
        // verifier's allow-list of algorithms stands between the forgery and a login
        VerificationKeyResolver careless = (jws, nesting) -> new HmacKey(issuer.publicKey().getEncoded());

        // when / then it is refused, through that resolver and through the guard's own
        assertThat(refusal(new JwtVerifier(careless, settings(List.of("scope"))), forged))
                .isEqualTo(AuthFailure.INVALID);
        assertThat(refusal(verifier(issuer), forged)).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectTokenWithAnUnknownKeyId() throws Exception {
        assertThat(refusal(verifier(issuer), issuer.token().keyId("key-9").sign())).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectTokensMissingExpirySubjectIssuerOrAudience() throws Exception {
        JwtVerifier verifier = verifier(issuer);
        for (String claim : List.of("exp", "sub", "iss", "aud")) {
            assertThat(refusal(verifier, issuer.token().claim(claim, null).sign())).as(claim)
                    .isIn(AuthFailure.MISSING_CLAIM, AuthFailure.WRONG_ISSUER, AuthFailure.WRONG_AUDIENCE);
        }
        assertThat(refusal(verifier, issuer.token().claim("exp", null).sign())).isEqualTo(AuthFailure.MISSING_CLAIM);
        assertThat(refusal(verifier, issuer.token().claim("sub", null).sign())).isEqualTo(AuthFailure.MISSING_CLAIM);
        // a subject that names nobody is no subject: logs, and the per-caller limits, need one
        assertThat(refusal(verifier, issuer.token().claim("sub", "").sign())).isEqualTo(AuthFailure.MISSING_CLAIM);
        assertThat(refusal(verifier, issuer.token().claim("sub", " ").sign())).isEqualTo(AuthFailure.MISSING_CLAIM);
    }

    @Test
    void shouldAcceptAnAccessTokenTypedJwtOrAtJwtOrNotTypedAtAll() throws Exception {
        // given the types an OIDC access token carries: none, JWT (RFC 7519), at+jwt (RFC 9068), as media types too
        JwtVerifier verifier = verifier(issuer);
        List<String> accepted = java.util.Arrays.asList(null, "JWT", "jwt", "at+jwt", "AT+JWT", "application/jwt",
                "application/at+jwt", "Application/AT+JWT");

        for (String typ : accepted) {
            // when
            AuthFailure refused = refusal(verifier, issuer.token().type(typ).sign());

            // then
            assertThat(refused).as("typ " + typ).isNull();
        }
    }

    @Test
    void shouldRejectATokenOfAnotherTypeSignedByTheIssuer() throws Exception {
        // given tokens the issuer signed for other purposes (RFC 8725 section 3.11: explicit typing)
        JwtVerifier verifier = verifier(issuer);
        for (String typ : List.of("JWS", "secevent+jwt", "application/secevent+jwt", "logout+jwt", "dpop+jwt",
                "", "text/jwt", "application/jwt; charset=utf-8", "at+jwt+jwt")) {
            // when
            AuthFailure refused = refusal(verifier, issuer.token().type(typ).sign());

            // then
            assertThat(refused).as("typ '" + typ + "'").isEqualTo(AuthFailure.WRONG_TYPE);
        }
    }

    @Test
    void shouldRejectTokenLivingLongerThanADaySayingSoRatherThanBlameItsSignature() throws Exception {
        String token = issuer.token().expiresAt(Instant.now().plus(Duration.ofDays(30))).sign();
        assertThat(refusal(verifier(issuer), token)).isEqualTo(AuthFailure.TOO_LONG_LIVED);
    }

    @Test
    void shouldSayALongLivedTokenOfAnotherIssuerOrSignedByAnotherKeyIsThatFirst() throws Exception {
        Instant month = Instant.now().plus(Duration.ofDays(30));
        assertThat(refusal(verifier(issuer), issuer.token().expiresAt(month).claim("iss", "https://evil.test")
                .sign())).isEqualTo(AuthFailure.WRONG_ISSUER);
        assertThat(refusal(verifier(issuer), other.token().expiresAt(month).sign())).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRejectMalformedTokens() throws Exception {
        JwtVerifier verifier = verifier(issuer);
        for (String token : List.of("", "not-a-jwt", "a.b", "a.b.c.d.e", "eyJ!.eyJ.sig", "e30.e30.")) {
            assertThat(refusal(verifier, token)).as(token).isIn(AuthFailure.NOT_A_JWT, AuthFailure.INVALID);
        }
        assertThat(refusal(verifier, "not-a-jwt")).isEqualTo(AuthFailure.NOT_A_JWT);
    }

    @Test
    void shouldCallATokenWhoseClaimsAreNotAJsonObjectMalformed() throws Exception {
        // given compact JWSs whose payload is not a JSON object: text, and an array
        JwtVerifier verifier = verifier(issuer);
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        String header = base64url.encodeToString("{\"alg\":\"RS256\",\"kid\":\"key-1\"}"
                .getBytes(StandardCharsets.UTF_8));
        for (String payload : List.of("not json", "[\"alice\"]")) {
            String token = header + "." + base64url.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                    + ".c2ln";

            // when
            AuthFailure refused = refusal(verifier, token);

            // then the caller is told its token is malformed, not that a signature or claim is wrong
            assertThat(refused).as(payload).isEqualTo(AuthFailure.NOT_A_JWT);
        }
    }

    @Test
    void shouldNotAllowHmacOrNoneInTheAlgorithmList() {
        for (String algorithm : List.of("none", "HS256", "HS512")) {
            assertThatThrownBy(() -> new JwtVerifier((jws, nesting) -> null, new JwtSettings("i", "a",
                    List.of(algorithm), Duration.ZERO, List.of("scope"), Map.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(algorithm);
        }
    }

    @Test
    void shouldRejectAnEs256TokenWhenOnlyRs256IsAllowed() throws Exception {
        TestIssuer ec = TestIssuer.ec("ec-1");
        JwtVerifier rsOnly = new JwtVerifier(JwksKeys.file(ec.writeJwks(dir.resolve("ec.json"))),
                new JwtSettings(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of("RS256"), Duration.ofSeconds(30),
                        List.of("scope"), Map.of()));
        assertThat(refusal(rsOnly, ec.token().sign())).isEqualTo(AuthFailure.INVALID);
    }

    // ---- roles

    @Test
    void shouldMapSpaceSeparatedScopesToRoles() throws Exception {
        JwtVerifier verifier = verifier(issuer);
        assertThat(verifier.verify(issuer.token().scope("openid " + TestIssuer.READ).sign()).roles())
                .containsExactly(Role.READ);
        assertThat(verifier.verify(issuer.token().scope(TestIssuer.SUBMIT).sign()).roles())
                .containsExactly(Role.SUBMIT);
        assertThat(verifier.verify(issuer.token().scope("openid profile").sign()).roles()).isEmpty();
        assertThat(verifier.verify(issuer.token().scope(null).sign()).roles()).isEmpty();
    }

    @Test
    void shouldMapAJsonArrayClaimAndANestedOneToRoles() throws Exception {
        // given roles in Keycloak's realm_access.roles and in a plain roles array
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(issuer.writeJwks(dir.resolve("k.json"))),
                settings(List.of("roles", "realm_access.roles")));

        // when / then
        assertThat(verifier.verify(issuer.token().claim("roles", List.of("compliance-officer")).sign()).roles())
                .containsExactly(Role.READ);
        assertThat(verifier.verify(issuer.token().claim("realm_access", Map.of("roles",
                List.of(TestIssuer.SUBMIT, "offline_access"))).sign()).roles()).containsExactly(Role.SUBMIT);
        assertThat(verifier.verify(issuer.token().claim("roles", "compliance-officer " + TestIssuer.SUBMIT).sign())
                .roles()).containsExactlyInAnyOrder(Role.READ, Role.SUBMIT);
        assertThat(verifier.verify(issuer.token().claim("roles", List.of(7, true)).sign()).roles())
                .as("only strings count").isEmpty();
    }

    @Test
    void shouldReadClaimValuesFromStringsArraysAndPaths() {
        Map<String, Object> claims = Map.of("scope", " a  b ", "groups", List.of("g1", 2, "", " ", "g2"),
                "resource_access", Map.of("guard", Map.of("roles", List.of("r1"))), "odd.name", "dotted");
        assertThat(JwtVerifier.claimValues(claims, List.of("scope", "groups", "resource_access.guard.roles",
                "odd.name", "missing", "scope.deeper"))).containsExactly("a", "b", "g1", "g2", "r1", "dotted");
    }

    // ---- where the keys come from

    @Test
    void shouldReadAJwksFileAgainWhenItChanges() throws Exception {
        // given a JWKS file with key-1 only
        TestIssuer rotated = TestIssuer.rsa("key-2");
        Path file = issuer.writeJwks(dir.resolve("rotating.json"));
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(file), settings(List.of("scope")));
        assertThat(refusal(verifier, rotated.token().sign())).isEqualTo(AuthFailure.INVALID);

        // when the issuer rotates to key-2 and the file is replaced
        Files.writeString(file, TestIssuer.jwks(issuer, rotated));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));

        // then within the file check interval tokens of key-2 pass, and key-1's still do
        org.awaitility.Awaitility.await().atMost(JwksKeys.FILE_CHECK_INTERVAL.plusSeconds(5))
                .until(() -> refusal(verifier, rotated.token().sign()) == null);
        assertThat(verifier.verify(issuer.token().sign()).subject()).isEqualTo("alice");
    }

    @Test
    void shouldKeepTheKeysReadBeforeWhileTheJwksFileIsHalfWritten() throws Exception {
        // given a JWKS file read at start, and JwksKeys' log recorded
        Path file = issuer.writeJwks(dir.resolve("rewritten.json"));
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(file), settings(List.of("scope")));
        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class)) {
            // when an operator's copy has only begun to replace it when the guard looks again
            Files.writeString(file, "{\"keys\":[{\"kty\":");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
            org.awaitility.Awaitility.await().atMost(JwksKeys.FILE_CHECK_INTERVAL.plusSeconds(5)).until(() -> {
                verifier.verify(issuer.token().sign());
                return logged.messages().stream().anyMatch(message -> message.contains("cannot be read again"));
            });

            // then tokens of the keys read before are still accepted
            assertThat(verifier.verify(issuer.token().sign()).subject()).isEqualTo("alice");

            // and the same broken version is not read, nor warned of, again at the next looks (seen: a warning
            // every 5 s while tokens came)
            Thread.sleep(JwksKeys.FILE_CHECK_INTERVAL.toMillis() + 500);
            verifier.verify(issuer.token().sign());
            assertThat(logged.messages()).filteredOn(message -> message.contains("cannot be read again")).hasSize(1);
        }
    }

    @Test
    void shouldReadAJwksFileAgainThatWasMendedWithoutItsModificationTimeChanging() throws Exception {
        // given a JWKS file read at start, then caught half-written by a look
        TestIssuer rotated = TestIssuer.rsa("key-2");
        Path file = issuer.writeJwks(dir.resolve("mended.json"));
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(file), settings(List.of("scope")));
        FileTime written = FileTime.from(Instant.now().plusSeconds(10));
        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class)) {
            Files.writeString(file, "{\"keys\":[{\"kty\":");
            Files.setLastModifiedTime(file, written);
            org.awaitility.Awaitility.await().atMost(JwksKeys.FILE_CHECK_INTERVAL.plusSeconds(5)).until(() -> {
                verifier.verify(issuer.token().sign());
                return logged.messages().stream().anyMatch(message -> message.contains("cannot be read again"));
            });
        }

        // when the copy ends within the same tick of the modification time (a chmod mends a file so too)
        Files.writeString(file, TestIssuer.jwks(issuer, rotated));
        Files.setLastModifiedTime(file, written);

        // then the next look reads it: tokens of the new key pass
        org.awaitility.Awaitility.await().atMost(JwksKeys.FILE_CHECK_INTERVAL.plusSeconds(5))
                .until(() -> refusal(verifier, rotated.token().sign()) == null);
    }

    @Test
    void shouldSayHowManyKeysAJwksFileHoldsAndWarnWhenNoneOrSomeWithoutAKidCanCheckATokenNamingOne(
            @TempDir Path dir) throws Exception {
        // given JWKS files: two keys with ids, none at all, and one key without an id
        TestIssuer second = TestIssuer.rsa("key-2");
        Path two = Files.writeString(dir.resolve("two.json"), TestIssuer.jwks(issuer, second));
        Path none = Files.writeString(dir.resolve("none.json"), "{\"keys\":[]}");
        Path unnamed = Files.writeString(dir.resolve("unnamed.json"), TestIssuer.jwks(TestIssuer.rsa(null)));

        try (CapturedLogs logged = CapturedLogs.of(JwksKeys.class)) {
            // when each is read
            JwksKeys.file(two);
            JwksKeys.file(none);
            JwksKeys.file(unnamed);

            // then what a token can be checked with is said, and a file that would refuse them is warned of
            assertThat(logged.messages()).containsExactly(
                    "JWKS file " + two + ": read, 2 key(s)",
                    "JWKS file " + none + ": read, and holds no RSA or EC key: every bearer JWT is refused until it "
                            + "does",
                    "JWKS file " + unnamed + ": read, 1 key(s), 1 of them without a kid: a token that names a kid is "
                            + "not checked against those");
        }
    }

    @Test
    void shouldVerifyATokenNamingNoKeyWithWhicheverKeyOfTheSetSignedIt(@TempDir Path dir) throws Exception {
        // given an issuer's JWKS of two keys without ids, and a token naming no key signed by the second
        TestIssuer first = TestIssuer.rsa(null);
        TestIssuer second = TestIssuer.rsa(null);
        Path file = Files.writeString(dir.resolve("two-keys.json"), TestIssuer.jwks(first, second));
        JwtVerifier verifier = new JwtVerifier(JwksKeys.file(file), settings(List.of("scope")));

        // when / then it is accepted, as one signed by the first (a key rotation may list the new key first)
        assertThat(verifier.verify(second.token().sign()).subject()).isEqualTo("alice");
        assertThat(verifier.verify(first.token().sign()).subject()).isEqualTo("alice");
    }

    @Test
    void shouldFetchAJwksUrlOnceAndServeTokensFromItsCache() throws Exception {
        // given an issuer serving its JWKS over http on loopback, counting requests
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 200,
                issuer::jwks, fetches);
        try {
            JwksKeys.Remote keys = JwksKeys.url(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/jwks"), Duration.ofMinutes(5), null);
            JwtVerifier verifier = new JwtVerifier(keys, settings(List.of("scope")));

            // when twenty tokens are verified, and one with an unknown key id twice
            for (int i = 0; i < 20; i++) {
                verifier.verify(issuer.token().claim("sub", "user-" + i).sign());
            }
            refusal(verifier, issuer.token().keyId("unknown").sign());
            refusal(verifier, issuer.token().keyId("unknown").sign());

            // then the JWKS was fetched once, and once more for the unknown key at most
            assertThat(fetches.get()).isBetween(1, 2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldFetchTheKeysAgainOnceTheirAnswersCacheControlRunsOutThoughTheSettingSaysLonger() throws Exception {
        // given an issuer whose JWKS answer says max-age=1, and keys the guard would otherwise keep five minutes (and
        // ask for at most once a second, not every 30 s, so that the test does not wait that long)
        AtomicReference<String> served = new AtomicReference<>(issuer.jwks());
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), 200,
                served::get, Map.of("Cache-Control", "max-age=1"), new AtomicInteger());
        try {
            JwtVerifier verifier = new JwtVerifier(JwksKeys.url(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks"), Duration.ofMinutes(5), null, System::nanoTime,
                    Duration.ofSeconds(1)), settings(List.of("scope")));
            assertThat(refusal(verifier, issuer.token().sign())).isNull();

            // when the issuer withdraws that key (key-1 is another key now)
            served.set(other.jwks());

            // then, within seconds, not minutes, a token it signed is refused
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> refusal(verifier, issuer.token().sign()) != null);
        } finally {
            server.stop(0);
        }
    }

    @Test
    @Timeout(60) // a client without a read timeout would wait for ever: fail, not hang the build
    void shouldGiveUpOnAnIssuerThatDoesNotAnswerWithinFiveSeconds() throws Exception {
        // given an issuer whose JWKS endpoint takes the connection and never answers
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            JwksKeys.Remote keys = JwksKeys.url(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/jwks"),
                    Duration.ofMinutes(5), null);

            // when the guard asks it for its keys
            long started = System.nanoTime();
            boolean read = keys.prefetch();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            // then it gives up after about five seconds (it waited for the answer, and not jose4j's 20 s), not
            // holding every request that needs the keys any longer; the upper bound leaves room for a busy machine
            assertThat(read).isFalse();
            assertThat(waited).isBetween(Duration.ofMillis(4_500), Duration.ofSeconds(12));
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseAtOnceTheTokensOfUnknownKeysBeyondThoseThatMayWaitForAFetchUnderWay() throws Exception {
        // given an issuer whose JWKS endpoint takes the connection and never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            JwtVerifier verifier = new JwtVerifier(JwksKeys.url(URI.create("http://127.0.0.1:" + silent.getLocalPort()
                    + "/jwks"), Duration.ofMinutes(5), null), settings(List.of("scope")));
            String madeUp = issuer.token().keyId("made-up").sign();
            int requests = JwksKeys.MOST_WAITING_FOR_A_FETCH * 3;

            // when many requests at once bring tokens with a key id it has not served (any caller can make one up)
            ExecutorService threads = Executors.newFixedThreadPool(requests);
            try {
                List<Future<AuthFailure>> answers = new ArrayList<>();
                long sending = System.nanoTime(); // before the fetch begins
                for (int i = 0; i < requests; i++) {
                    answers.add(threads.submit(() -> refusal(verifier, madeUp)));
                }

                // then all but the one fetching and those that may wait for it are refused before the fetch gives up
                // (5 s from its start, which is after the sending began), rather than each take a thread of the web
                // server for as long as the issuer takes
                await().atMost(Duration.ofSeconds(20)).until(() -> answers.stream().filter(Future::isDone).count()
                        >= requests - 1 - JwksKeys.MOST_WAITING_FOR_A_FETCH);
                assertThat(Duration.ofNanos(System.nanoTime() - sending)).isLessThan(Duration.ofMillis(4_500));
                for (Future<AuthFailure> answer : answers) {
                    assertThat(answer.get(20, TimeUnit.SECONDS)).isNotNull();
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseAtOnceForgeriesNamingNoKeyWhileAFetchIsUnderWay() throws Exception {
        // given an issuer of two keys (a rotation under way), whose every answer after the first hangs until released
        TestIssuer second = TestIssuer.rsa("key-2");
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch released = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/jwks", exchange -> {
            if (fetches.incrementAndGet() > 1) {
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = TestIssuer.jwks(issuer, second).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        int requests = JwksKeys.MOST_WAITING_FOR_A_FETCH * 5;
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        try {
            // (asked at most every second rather than every 30 s, which jose4j times by the system clock)
            JwtVerifier verifier = new JwtVerifier(JwksKeys.url(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks"), Duration.ofMinutes(5), null, System::nanoTime,
                    Duration.ofSeconds(1)), settings(List.of("scope")));
            assertThat(verifier.verify(issuer.token().sign()).subject()).isEqualTo("alice");
            Thread.sleep(1_500);
            // and a fetch under way: a made-up key id has one asked for
            Future<AuthFailure> fetching = threads.submit(() -> refusal(verifier,
                    issuer.token().keyId("made-up").sign()));
            await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() == 2);

            // when many requests bring a forgery that names no key (anyone can sign one with a key of their own)
            String forged = TestIssuer.rsa(null).token().sign();
            List<Future<AuthFailure>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(threads.submit(() -> refusal(verifier, forged)));
            }

            // then each is refused with the keys in hand, none waiting for the fetch (seen: all 40 waited for it, and
            // each asked for another)
            for (Future<AuthFailure> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(AuthFailure.INVALID);
            }
            assertThat(fetches.get()).isEqualTo(2);
            released.countDown();
            assertThat(fetching.get(20, TimeUnit.SECONDS)).isNotNull();
        } finally {
            released.countDown();
            threads.shutdownNow();
            server.stop(0);
        }
    }

    @Test
    void shouldAskAnIssuerThatFailsForItsKeysAtMostOnceEveryThirtySeconds() throws Exception {
        assertIssuerAskedAtMostEveryInterval(503, "unavailable");
    }

    @Test
    void shouldAskAnIssuerThatServesNoKeysForThemAtMostOnceEveryThirtySeconds() throws Exception {
        assertIssuerAskedAtMostEveryInterval(200, "{\"keys\":[]}");
    }

    /** Without keys, jose4j would fetch for every token; forged key ids must not make the guard hammer the issuer. */
    private static void assertIssuerAskedAtMostEveryInterval(int status, String answer) throws Exception {
        // given an issuer that answers every request for its JWKS so, and a guard that found no keys at start
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = JwksEndpoint.serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), status,
                () -> answer, fetches);
        try {
            AtomicReference<Duration> clock = new AtomicReference<>(Duration.ofHours(1));
            JwksKeys.Remote keys = JwksKeys.url(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/jwks"), Duration.ofMinutes(5), null, () -> clock.get().toNanos());
            keys.prefetch();
            JwtVerifier verifier = new JwtVerifier(keys, settings(List.of("scope")));
            assertThat(fetches.get()).isEqualTo(1);

            // when fifty tokens with made-up key ids come within the interval
            for (int i = 0; i < 50; i++) {
                clock.set(clock.get().plusMillis(100));
                assertThat(refusal(verifier, issuer.token().keyId("made-up-" + i).sign()))
                        .isEqualTo(AuthFailure.INVALID);
            }
            // then the issuer was not asked again
            assertThat(fetches.get()).isEqualTo(1);

            // and once the interval has passed since it was last asked, one token makes the guard ask again
            clock.set(clock.get().plus(JwksKeys.UNKNOWN_KEY_REFETCH_INTERVAL));
            refusal(verifier, issuer.token().sign());
            refusal(verifier, issuer.token().sign());
            assertThat(fetches.get()).isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    @Timeout(120)
    void shouldAskAnIssuerThatFailedAgainSoonAndStopTrustingAKeyItWithdrewMeanwhile() throws Exception {
        // given an issuer serving key-1 on a URL with a password and a signature, its keys cached for a second, asked
        // at most every second rather than every 30 s (jose4j's cache reads the system clock, which a test cannot
        // move): its keys are kept 2 s after a failure, as the guard keeps them 31 s
        TestIssuer rotated = TestIssuer.rsa("key-2");
        AtomicReference<String> served = new AtomicReference<>(issuer.jwks());
        AtomicInteger status = new AtomicInteger(200);
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (CapturedLogs logged = CapturedLogs.of(org.slf4j.Logger.ROOT_LOGGER_NAME).at(Level.ALL)) {
            AtomicReference<Duration> clock = new AtomicReference<>(Duration.ofHours(1));
            Duration interval = Duration.ofSeconds(1);
            JwksKeys.Remote keys = JwksKeys.url(URI.create("http://idp:jwks-secret@127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks?sig=s3cr3t"), Duration.ofSeconds(1), null,
                    () -> clock.get().toNanos(), interval);
            JwtVerifier verifier = new JwtVerifier(keys, settings(List.of("scope")));
            assertThat(keys.prefetch()).isTrue();
            // and which fails when next asked: its keys are kept through the failure
            status.set(503);
            clock.set(clock.get().plus(interval)); // the throttle is not the test's
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        keys.prefetch();
                        return fetches.get() == 2;
                    });
            assertThat(verifier.verify(issuer.token().sign()).subject()).isEqualTo("alice");

            // when the issuer answers again, having withdrawn key-1 for key-2
            served.set(rotated.jwks());
            status.set(200);
            clock.set(clock.get().plus(interval));

            // then the guard asks it again once the 2 s it keeps keys after a failure are up (not an hour later;
            // the bound leaves room for a busy machine), asked by tokens of the key it knows alone, and from then on
            // refuses key-1's tokens
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        refusal(verifier, issuer.token().sign());
                        return fetches.get() == 3;
                    });
            assertThat(refusal(verifier, issuer.token().sign())).isEqualTo(AuthFailure.INVALID);
            assertThat(verifier.verify(rotated.token().sign()).subject()).isEqualTo("alice");
            // and jose4j's line about the failed refresh names the URL as shown, without the password or the query
            assertThat(logged.messages()).filteredOn(message -> message.contains("unable to refresh JWKS"))
                    .isNotEmpty().allSatisfy(message -> assertThat(message).doesNotContain("jwks-secret")
                            .doesNotContain("s3cr3t").contains("/jwks?[hidden]"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldFetchAnHttpsJwksTrustingTheConfiguredCaAndRefuseAnUntrustedOne() throws Exception {
        // given an issuer serving its JWKS over https with a certificate of the test CA
        TestPki pki = TestPki.create("jwks-test-ca");
        HttpsServer server = httpsJwks(pki);
        try {
            URI url = URI.create("https://localhost:" + server.getAddress().getPort() + "/jwks");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", pki.caCertificate());

            // when the guard trusts the CA (beside the JVM's), the keys are fetched; with the JVM's CAs only, not
            JwksKeys.Remote trusting = JwksKeys.url(url, Duration.ofMinutes(5), TlsStores.trusting(trust, true));
            JwksKeys.Remote jvmOnly = JwksKeys.url(url, Duration.ofMinutes(5), TlsStores.trusting(null, true));

            // then
            assertThat(trusting.prefetch()).isTrue();
            assertThat(new JwtVerifier(trusting, settings(List.of("scope"))).verify(issuer.token().sign()).subject())
                    .isEqualTo("alice");
            assertThat(jvmOnly.prefetch()).isFalse();
            assertThat(refusal(new JwtVerifier(jvmOnly, settings(List.of("scope"))), issuer.token().sign()))
                    .isEqualTo(AuthFailure.INVALID);
        } finally {
            server.stop(0);
        }
    }

    private static HttpsServer httpsJwks(TestPki pki) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(pki.localhostServerContext()));
        return JwksEndpoint.serve(server, 200, issuer::jwks, new AtomicInteger());
    }

    @Test
    void shouldRefuseToStartOnAJwksFileThatIsNotOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"not\":\"keys\"");
        assertThatThrownBy(() -> JwksKeys.file(file)).hasMessageContaining("bad.json");
    }
}
