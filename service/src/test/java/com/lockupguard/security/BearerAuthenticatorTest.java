package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.security.testing.TestIssuer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static tokens, the service token, the Authorization header's shape, and the live feed's tickets. */
class BearerAuthenticatorTest {

    private final BearerAuthenticator tokens = new BearerAuthenticator(new StaticToken("dev-token"),
            new StaticToken("peer-secret"), null, null);

    @TempDir
    Path dir;

    private static AuthFailure refusal(BearerAuthenticator authenticator, String header) {
        try {
            authenticator.authenticate(header);
            return null;
        } catch (AuthenticationException e) {
            return e.failure();
        }
    }

    @Test
    void shouldLetEveryoneDoEverythingWhenNothingIsConfigured() throws Exception {
        BearerAuthenticator none = BearerAuthenticator.none();
        assertThat(none.enabled()).isFalse();
        assertThat(none.authenticate(null).roles()).containsExactlyInAnyOrder(Role.READ, Role.SUBMIT);
    }

    @Test
    void shouldGrantBothRolesToTheStaticToken() throws Exception {
        Principal principal = tokens.authenticate("Bearer dev-token");
        assertThat(principal.kind()).isEqualTo(Principal.Kind.STATIC_TOKEN);
        assertThat(principal.roles()).containsExactlyInAnyOrder(Role.READ, Role.SUBMIT);
        assertThat(tokens.authenticate("bearer dev-token").kind()).as("the scheme is case-insensitive")
                .isEqualTo(Principal.Kind.STATIC_TOKEN);
    }

    @Test
    void shouldGrantNoRoleButPeerToTheServiceToken() throws Exception {
        Principal peer = tokens.authenticate("Bearer peer-secret");
        assertThat(peer.kind()).isEqualTo(Principal.Kind.PEER);
        assertThat(peer.roles()).isEmpty();
    }

    @Test
    void shouldAskForACredentialWhenOnlyTheServiceTokenIsConfigured() {
        // given an instance that only shares a service token with its peers
        BearerAuthenticator peersOnly = new BearerAuthenticator(null, new StaticToken("peer-secret"), null, null);

        // when / then the API is not open: a request without a credential is refused
        assertThat(peersOnly.enabled()).isTrue();
        assertThat(refusal(peersOnly, null)).isEqualTo(AuthFailure.MISSING);
    }

    @Test
    void shouldStillAcceptTheStaticTokenBesideJwts() throws Exception {
        // given api.token set beside JWT authentication (the guard warns, but both are accepted)
        JwtVerifier jwt = new JwtVerifier((jws, nesting) -> null, new JwtSettings("https://issuer.test", "guard",
                java.util.List.of("RS256"), Duration.ofSeconds(30), java.util.List.of("scope"), java.util.Map.of()));
        BearerAuthenticator both = new BearerAuthenticator(new StaticToken("dev-token"), null, jwt, null);

        // when
        Principal principal = both.authenticate("Bearer dev-token");

        // then
        assertThat(principal.kind()).isEqualTo(Principal.Kind.STATIC_TOKEN);
    }

    @Test
    void shouldCallAWrongStaticTokenInvalidBesideJwtsAndACredentialWithoutAJwtsShapeMalformedWithout() {
        // given JWT authentication with api.token beside it, with api.service.token beside it, and alone
        JwtVerifier jwt = new JwtVerifier((jws, nesting) -> null, new JwtSettings("https://issuer.test", "guard",
                java.util.List.of("RS256"), Duration.ofSeconds(30), java.util.List.of("scope"), java.util.Map.of()));
        BearerAuthenticator withApiToken = new BearerAuthenticator(new StaticToken("dev-token"), null, jwt, null);
        BearerAuthenticator withServiceToken = new BearerAuthenticator(null, new StaticToken("peer-token"), jwt,
                null);
        BearerAuthenticator jwtOnly = new BearerAuthenticator(null, null, jwt, null);

        // when a static token with a typo is sent, then it is a wrong token (counted invalid), as without JWTs,
        // not a misshapen one whose caller is told to send a well-formed header
        assertThat(refusal(withApiToken, "Bearer dev-tokem")).isEqualTo(AuthFailure.NOT_ACCEPTED);
        assertThat(refusal(withServiceToken, "Bearer peer-tokem")).isEqualTo(AuthFailure.NOT_ACCEPTED);
        // and where only JWTs are taken, a credential without a JWT's shape is still malformed (counted so), and
        // told it is not a JWT, not that its header is wrong
        assertThat(refusal(jwtOnly, "Bearer dev-tokem")).isEqualTo(AuthFailure.NOT_A_JWT);
        assertThat(AuthFailure.NOT_A_JWT.tag()).isEqualTo(AuthFailure.MALFORMED.tag());
        // and a token of a JWT's shape still goes to the JWT verifier beside a static token (no key: invalid)
        assertThat(refusal(withApiToken, "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))
                .isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void shouldRefuseMissingWrongAndMisshapenCredentials() {
        assertThat(refusal(tokens, null)).isEqualTo(AuthFailure.MISSING);
        assertThat(refusal(tokens, "")).isEqualTo(AuthFailure.MISSING);
        assertThat(refusal(tokens, "Basic ZGV2OnRva2Vu")).isEqualTo(AuthFailure.MALFORMED);
        assertThat(refusal(tokens, "Bearer")).isEqualTo(AuthFailure.MALFORMED);
        assertThat(refusal(tokens, "Bearer dev-token2")).isEqualTo(AuthFailure.NOT_ACCEPTED);
        assertThat(refusal(tokens, "Bearer dev-toke")).isEqualTo(AuthFailure.NOT_ACCEPTED);
        // told without a JWT's terms, where none is configured, and counted as an invalid token
        assertThat(AuthFailure.NOT_ACCEPTED.description()).isEqualTo("the token is not one this guard accepts");
        assertThat(AuthFailure.NOT_ACCEPTED.tag()).isEqualTo(AuthFailure.INVALID.tag());
        assertThat(refusal(tokens, "dev-token")).isEqualTo(AuthFailure.MALFORMED);
    }

    /**
     * That the comparison takes the same time whatever the candidate (digests of one length, compared by
     * MessageDigest.isEqual) is a property of StaticToken's code, which no unit test can time reliably; this test
     * proves what a token matches, and that it never shows itself.
     */
    @Test
    void shouldMatchItsOwnTokenOnlyAndNeverShowIt() {
        StaticToken token = new StaticToken("s3cret");
        assertThat(token.matches("s3cret")).isTrue();
        assertThat(token.matches("s3cre")).isFalse();
        assertThat(token.matches("s3cret-and-more")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> new StaticToken("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameWhatItAcceptsWithoutTheSecrets() {
        assertThat(tokens.describe()).contains("api.token").doesNotContain("dev-token").doesNotContain("peer-secret");
    }

    @Test
    void shouldHandOnTheSubjectRolesAndExpiryOfAVerifiedBearerJwt() throws Exception {
        // given JWT authentication beside the service token, trusting the issuer's JWKS
        TestIssuer issuer = TestIssuer.rsa("key-1");
        JwtVerifier jwt = new JwtVerifier(JwksKeys.file(issuer.writeJwks(dir.resolve("jwks.json"))),
                new JwtSettings(TestIssuer.ISSUER, TestIssuer.AUDIENCE, List.of("RS256"), Duration.ofSeconds(30),
                        List.of("scope"), Map.of(Role.READ, Set.of(TestIssuer.READ))));
        BearerAuthenticator authenticator = new BearerAuthenticator(null, new StaticToken("peer-secret"), jwt, null);
        Instant exp = Instant.now().plusSeconds(300);

        // when a caller sends a token the issuer signed for bob, granting read only
        Principal principal = authenticator.authenticate("Bearer " + issuer.token().claim("sub", "bob")
                .scope(TestIssuer.READ).expiresAt(exp).sign());

        // then the request is bob's, with read and not submit, until the token expires
        assertThat(principal.subject()).isEqualTo("bob");
        assertThat(principal.kind()).isEqualTo(Principal.Kind.JWT);
        assertThat(principal.has(Role.READ)).isTrue();
        assertThat(principal.has(Role.SUBMIT)).isFalse();
        assertThat(principal.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp.getEpochSecond()));
    }

    @Test
    void shouldNameEachKindOfCredentialItAcceptsForTheLog() {
        // given an instance with JWTs (from a named issuer) and the service token, and one with JWTs alone
        JwtVerifier jwt = new JwtVerifier((jws, nesting) -> null, new JwtSettings("https://issuer.test", "guard",
                List.of("RS256"), Duration.ofSeconds(30), List.of("scope"), Map.of()));
        BearerAuthenticator jwtAndPeers = new BearerAuthenticator(null, new StaticToken("peer-secret"), jwt,
                "JWT from https://issuer.test/jwks");
        BearerAuthenticator jwtOnly = new BearerAuthenticator(null, null, jwt, null);

        // when / then each says what it takes, and what it does not
        assertThat(jwtAndPeers.describe())
                .isEqualTo("JWT from https://issuer.test/jwks, api.service.token (instances)");
        assertThat(jwtAndPeers.acceptsJwt()).isTrue();
        assertThat(jwtAndPeers.acceptsStaticToken()).isFalse();
        assertThat(jwtOnly.describe()).isEqualTo("JWT");
        assertThat(tokens.describe()).isEqualTo("api.token, api.service.token (instances)");
        assertThat(tokens.acceptsJwt()).isFalse();
        assertThat(tokens.acceptsStaticToken()).isTrue();
        assertThat(BearerAuthenticator.none().describe()).isEqualTo("none");
    }

    @Test
    void shouldTurnAuthenticationOnWithAnyStaticTokenAndOffOnlyWithoutOne() throws Exception {
        // given api.token unset, empty, and set
        BearerAuthenticator unset = BearerAuthenticator.staticToken(null);
        BearerAuthenticator empty = BearerAuthenticator.staticToken("");
        BearerAuthenticator set = BearerAuthenticator.staticToken("dev-token");

        // when / then without one everyone is anonymous; with one, only its holder gets in, with both roles
        assertThat(unset.enabled()).isFalse();
        assertThat(empty.enabled()).isFalse();
        assertThat(set.enabled()).isTrue();
        assertThat(set.authenticate("Bearer dev-token").has(Role.SUBMIT)).isTrue();
        assertThat(refusal(set, "Bearer other-token")).isEqualTo(AuthFailure.NOT_ACCEPTED);
        assertThat(refusal(set, null)).isEqualTo(AuthFailure.MISSING);
    }

    @Test
    void shouldCallTheBearerSchemeWithoutATokenMalformed() {
        // given headers that name the scheme and its space, but no token: only blanks
        for (String header : new String[] {"Bearer ", "Bearer    ", "Bearer \t"}) {
            // when
            AuthFailure refused = refusal(tokens, header);

            // then it is a misshapen credential, not a wrong token, as it is where JWTs are taken too
            assertThat(refused).as("'%s'", header).isEqualTo(AuthFailure.MALFORMED);
        }
    }

    @Test
    void shouldAnswerEachRefusalWithRfc6750sStatusAndErrorCode() {
        // given every reason a request is refused
        for (AuthFailure failure : AuthFailure.values()) {
            // when the caller is answered / then (RFC 6750 section 3.1): no error code when no credential was
            // sent, insufficient_scope with 403 for a valid one without the role, else 401 with invalid_token or,
            // for a credential sent in the URL, invalid_request
            String expected = switch (failure) {
                case MISSING -> null;
                case FORBIDDEN -> "insufficient_scope";
                case TOKEN_IN_URL -> "invalid_request";
                default -> "invalid_token";
            };
            assertThat(failure.bearerError()).as(failure.name()).isEqualTo(expected);
            assertThat(failure.status()).as(failure.name()).isEqualTo(failure == AuthFailure.FORBIDDEN ? 403 : 401);
            assertThat(new AuthenticationException(failure).getMessage()).as(failure.name())
                    .isEqualTo(failure.description()).isNotBlank();
        }
        // and the failed-login counter's reason label takes the values docs/API.md and the dashboards name
        assertThat(Stream.of(AuthFailure.values()).map(AuthFailure::tag).distinct()).containsExactly("missing", "malformed",
                "invalid", "expired", "too_long_lived", "not_yet_valid", "contradictory_times", "wrong_issuer",
                "wrong_audience", "wrong_type", "missing_claim", "token_in_url", "ticket", "forbidden");
        assertThat(AuthFailure.EXPIRED.description()).contains("expired");
    }

    // ---- tickets

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-05T15:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final Principal ALICE = new Principal("alice", Set.of(Role.READ), Principal.Kind.JWT, null);
    private static final Principal BOB = new Principal("bob", Set.of(Role.READ), Principal.Kind.JWT, null);

    @Test
    void shouldRedeemATicketOnceOnly() throws Exception {
        SseTickets tickets = new SseTickets(new MutableClock());
        SseTickets.Ticket ticket = tickets.issue(ALICE);
        assertThat(tickets.redeem(ticket.value())).isEqualTo(ALICE);
        assertThatThrownBy(() -> tickets.redeem(ticket.value())).isInstanceOf(AuthenticationException.class);
        assertThat(tickets.outstanding()).isZero();
    }

    @Test
    void shouldRefuseAnExpiredTicket() {
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock);
        SseTickets.Ticket ticket = tickets.issue(ALICE);
        clock.now = clock.now.plus(SseTickets.TTL);
        assertThatThrownBy(() -> tickets.redeem(ticket.value())).isInstanceOf(AuthenticationException.class)
                .extracting(e -> ((AuthenticationException) e).failure()).isEqualTo(AuthFailure.TICKET);
    }

    @Test
    void shouldNotOutliveTheTokenItWasIssuedFor() {
        MutableClock clock = new MutableClock();
        Principal expiring = new Principal("bob", Set.of(Role.READ), Principal.Kind.JWT, clock.now.plusSeconds(5));
        assertThat(new SseTickets(clock).issue(expiring).expiresAt()).isEqualTo(clock.now.plusSeconds(5));
    }

    @Test
    void shouldRefuseUnknownTicketsAndBoundHowManyAreOutstanding() {
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 2, 2);
        assertThatThrownBy(() -> tickets.redeem("made-up")).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> tickets.redeem(null)).isInstanceOf(AuthenticationException.class);
        assertThat(tickets.issue(ALICE)).isNotNull();
        assertThat(tickets.issue(ALICE)).isNotNull();
        assertThat(tickets.issue(ALICE)).as("a third while two are outstanding").isNull();
        clock.now = clock.now.plusSeconds(31);
        assertThat(tickets.issue(ALICE)).as("expired ones make room").isNotNull();
        assertThat(tickets.issue(ALICE).value()).hasSizeGreaterThanOrEqualTo(43).doesNotContain("=");
    }

    @Test
    void shouldSayHowLongUntilACallerWithAllItsPlacesTakenCanHaveATicket() {
        // given a caller holding its three places, tickets issued at 0, 10 and 20 s, and another caller holding one
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 5, 3);
        tickets.issue(ALICE);
        clock.now = clock.now.plusSeconds(10);
        tickets.issue(ALICE);
        clock.now = clock.now.plusSeconds(10);
        tickets.issue(ALICE);
        tickets.issue(BOB);

        // when asked at 25 s
        clock.now = clock.now.plusSeconds(5);

        // then the first caller's first ticket expires in 5 s; the other caller has a place now
        assertThat(tickets.untilAPlace(ALICE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(tickets.untilAPlace(BOB)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldNotCountAJwtNamedAsTheStaticTokenAgainstTheStaticTokensPlaces() {
        // given a JWT whose issuer named its subject api.token, holding every place a caller may hold
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 10, 2);
        Principal namedLikeTheToken = new Principal("api.token", Set.of(Role.READ), Principal.Kind.JWT, null);
        tickets.issue(namedLikeTheToken);
        tickets.issue(namedLikeTheToken);
        Principal staticToken = new Principal("api.token", Set.of(Role.values()), Principal.Kind.STATIC_TOKEN, null);

        // when / then the static token's holder still has its own places, and the JWT none left
        assertThat(tickets.issue(staticToken)).isNotNull();
        assertThat(tickets.issue(namedLikeTheToken)).isNull();
        assertThat(staticToken.caller()).isNotEqualTo(namedLikeTheToken.caller());
    }

    @Test
    void shouldSayHowLongUntilAnyPlaceFreesWhenEveryPlaceOfTheInstanceIsTaken() {
        // given an instance whose two places are taken by one caller, at 0 and 12 s
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 2, 3);
        tickets.issue(BOB);
        clock.now = clock.now.plusSeconds(12);
        tickets.issue(BOB);

        // when / then another caller, with places of its own, waits for the first of anyone's to expire
        assertThat(tickets.untilAPlace(ALICE)).isEqualTo(Duration.ofSeconds(18));
    }

    @Test
    void shouldNotLetOneCallerFloodingTicketsTakeTheLiveFeedFromOthers() throws AuthenticationException {
        // given a caller who holds as many outstanding tickets as one subject may
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 10, 3);
        SseTickets.Ticket first = tickets.issue(ALICE);
        tickets.issue(ALICE);
        tickets.issue(ALICE);

        // when they ask for more, and someone else asks for one
        SseTickets.Ticket flood = tickets.issue(ALICE);
        SseTickets.Ticket other = tickets.issue(BOB);

        // then only the flooding caller is refused, and a redeemed ticket gives them room again
        assertThat(flood).isNull();
        assertThat(other).isNotNull();
        assertThat(tickets.redeem(first.value())).isEqualTo(ALICE);
        assertThat(tickets.issue(ALICE)).isNotNull();
    }

    @Test
    void shouldTellWhoHoldsALiveTicketWithoutSpendingItAndNobodyForADeadOne() throws Exception {
        // given a ticket issued to alice
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock);
        SseTickets.Ticket ticket = tickets.issue(ALICE);

        // when the live feed looks at whom it names, twice
        // then it is alice both times, and the ticket can still be redeemed once
        assertThat(tickets.holder(ticket.value())).contains(ALICE);
        assertThat(tickets.holder(ticket.value())).contains(ALICE);
        assertThat(tickets.redeem(ticket.value())).isEqualTo(ALICE);
        // and a spent, a made-up, a missing and an expired ticket name nobody
        assertThat(tickets.holder(ticket.value())).isEmpty();
        assertThat(tickets.holder("made-up")).isEmpty();
        assertThat(tickets.holder(null)).isEmpty();
        SseTickets.Ticket expiring = tickets.issue(ALICE);
        clock.now = clock.now.plus(SseTickets.TTL);
        assertThat(tickets.holder(expiring.value())).isEmpty();
    }

    @Test
    void shouldTellACallerWithItsPlacesTakenToWaitForItsOwnFirstTicketNotAnothersEarlierOne() {
        // given bob's ticket issued at 0 s, and alice's two places taken at 10 and 15 s
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 10, 2);
        tickets.issue(BOB);
        clock.now = clock.now.plusSeconds(10);
        tickets.issue(ALICE);
        clock.now = clock.now.plusSeconds(5);
        tickets.issue(ALICE);

        // when alice asks at 20 s how long until she can have another
        clock.now = clock.now.plusSeconds(5);
        Duration wait = tickets.untilAPlace(ALICE);

        // then she waits for her own first ticket (expiring at 40 s), not bob's (at 30 s): she would be refused then
        assertThat(wait).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void shouldLetACallerWhoseTicketsHaveAllExpiredHaveOneWithoutWaiting() {
        // given a caller who took both its places, and whose tickets then expired unused
        MutableClock clock = new MutableClock();
        SseTickets tickets = new SseTickets(clock, Duration.ofSeconds(30), 10, 2);
        tickets.issue(ALICE);
        tickets.issue(ALICE);
        clock.now = clock.now.plusSeconds(31);

        // when it asks how long until it can have a ticket
        Duration wait = tickets.untilAPlace(ALICE);

        // then it can have one now
        assertThat(wait).isEqualTo(Duration.ZERO);
        assertThat(tickets.issue(ALICE)).isNotNull();
    }

    @Test
    void shouldBoundTheTicketsOutstandingOnTheInstanceWhateverTheNumberOfCallers() {
        // given an instance that keeps two tickets at most, each caller up to five
        SseTickets tickets = new SseTickets(new MutableClock(), Duration.ofSeconds(30), 2, 5);
        Principal carol = new Principal("carol", Set.of(Role.READ), Principal.Kind.JWT, null);

        // when three callers ask for one each
        SseTickets.Ticket first = tickets.issue(ALICE);
        SseTickets.Ticket second = tickets.issue(BOB);
        SseTickets.Ticket third = tickets.issue(carol);

        // then the third is refused: many subjects cannot fill the memory either
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(third).isNull();
        assertThat(tickets.outstanding()).isEqualTo(2);
    }

    @Test
    void shouldStillHoldAFloodingCallerToItsBoundAfterItRedeemsOneTicket() throws AuthenticationException {
        // given a caller holding its three places
        SseTickets tickets = new SseTickets(new MutableClock(), Duration.ofSeconds(30), 10, 3);
        SseTickets.Ticket first = tickets.issue(ALICE);
        tickets.issue(ALICE);
        tickets.issue(ALICE);

        // when it redeems one, and asks for two more
        tickets.redeem(first.value());
        SseTickets.Ticket again = tickets.issue(ALICE);
        SseTickets.Ticket beyond = tickets.issue(ALICE);

        // then it gets the place it freed, and no more: three are outstanding again
        assertThat(again).isNotNull();
        assertThat(beyond).isNull();
        assertThat(tickets.outstanding()).isEqualTo(3);
    }

    @Test
    void shouldNotShowATicketsValueWhenItIsPrinted() {
        // given a ticket, as a log line or an error message might print it
        SseTickets.Ticket ticket = new SseTickets(new MutableClock()).issue(ALICE);

        // when
        String printed = ticket.toString();

        // then it says when the ticket lapses, and never the value that opens the live feed
        assertThat(printed).contains(ticket.expiresAt().toString()).doesNotContain(ticket.value());
    }
}
