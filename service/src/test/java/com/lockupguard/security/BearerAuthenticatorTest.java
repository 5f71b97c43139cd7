package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Static tokens, the service token, the Authorization header's shape, and the live feed's tickets. */
class BearerAuthenticatorTest {

    private final BearerAuthenticator tokens = new BearerAuthenticator(new StaticToken("dev-token"),
            new StaticToken("peer-secret"), null, null);

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
        assertThat(refusal(both, "Bearer not-a-jwt")).isEqualTo(AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseMissingWrongAndMisshapenCredentials() {
        assertThat(refusal(tokens, null)).isEqualTo(AuthFailure.MISSING);
        assertThat(refusal(tokens, "")).isEqualTo(AuthFailure.MISSING);
        assertThat(refusal(tokens, "Basic ZGV2OnRva2Vu")).isEqualTo(AuthFailure.MALFORMED);
        assertThat(refusal(tokens, "Bearer")).isEqualTo(AuthFailure.MALFORMED);
        assertThat(refusal(tokens, "Bearer dev-token2")).isEqualTo(AuthFailure.INVALID);
        assertThat(refusal(tokens, "Bearer dev-toke")).isEqualTo(AuthFailure.INVALID);
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
}
