package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import com.lockupguard.security.Principal;
import com.lockupguard.security.testing.TestIssuer;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.web.HttpsSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API's security settings: what they build, what they refuse together, and the refusal to start. */
class HttpSecurityTest {

    @TempDir
    Path dir;

    private static GuardConfig config(String... settings) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        return new GuardConfig(map);
    }

    @Test
    void shouldRefuseToStartBoundToANetworkAddressWithoutAuthentication() {
        // given a guard asked to serve every interface, with no credential configured
        GuardConfig open = config("http.host", "0.0.0.0", "http.port", "0", "bootstrap.servers", "127.0.0.1:1");

        // when / then: it stops before it connects to anything, naming what to set
        assertThatThrownBy(() -> GuardApplication.start(open)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.host=0.0.0.0").hasMessageContaining("no authentication is configured")
                .hasMessageContaining("api.auth.jwt.jwks.url").hasMessageContaining("api.auth.jwt.issuer")
                .hasMessageContaining("api.auth.jwt.audience").hasMessageContaining("api.token")
                .hasMessageContaining("http.port=-1");
    }

    @Test
    void shouldServeLoopbackWithoutAuthenticationAndTheNetworkOnlyWithIt() {
        for (String loopback : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"}) {
            assertThatCode(() -> HttpExposure.check(loopback, false)).as(loopback).doesNotThrowAnyException();
        }
        for (String network : new String[] {"0.0.0.0", "::", "10.1.2.3", "192.168.0.7", "no-such-host.invalid",
                "localhost.invalid", "build-localhost"}) {
            assertThatThrownBy(() -> HttpExposure.check(network, false)).as(network)
                    .isInstanceOf(ConfigException.class);
            assertThatCode(() -> HttpExposure.check(network, true)).as(network).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldNotTakeLocalhostForLoopbackWhereItResolvesToTheNetwork() throws Exception {
        // given a hosts file or DNS that sends localhost to a network address, or to loopback and the network
        InetAddress network = InetAddress.getByAddress("localhost", new byte[] {(byte) 192, 0, 2, 2});
        InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});

        // when / then the open API is not served there: the server would bind to the network address (seen: it
        // listened on 192.0.2.2 without authentication, and a Host: localhost header passed the host check)
        assertThat(HttpExposure.isLoopback("localhost", name -> new InetAddress[] {network})).isFalse();
        assertThat(HttpExposure.isLoopback("localhost", name -> new InetAddress[] {loopback, network})).isFalse();
        assertThat(HttpExposure.isLoopback("localhost", name -> new InetAddress[] {loopback})).isTrue();
        assertThat(HttpExposure.isLoopback("localhost", name -> {
            throw new java.net.UnknownHostException(name);
        })).isFalse();
    }

    @Test
    void shouldRefuseAShortStaticTokenForAnApiServedBeyondThisMachine() {
        // given tokens one character short of the minimum
        String shortToken = "s".repeat(HttpSecurity.MIN_STATIC_TOKEN_LENGTH - 1);
        for (String setting : new String[] {"api.token", "api.service.token"}) {
            HttpSecurity security = HttpSecurity.from(config("api.token", "t".repeat(16), setting, shortToken));
            // when served beyond this machine, then refused, naming the setting and never the token
            assertThatThrownBy(() -> security.checkExposure("0.0.0.0")).as(setting)
                    .isInstanceOf(ConfigException.class).hasMessageContaining(setting)
                    .hasMessageContaining("at least 16 characters").hasMessageNotContaining(shortToken);
            // and on loopback, for development, accepted
            assertThatCode(() -> security.checkExposure("127.0.0.1")).as(setting).doesNotThrowAnyException();
        }
        // and a token of the minimum length is accepted beyond this machine
        assertThatCode(() -> HttpSecurity.from(config("api.token", "t".repeat(16))).checkExposure("0.0.0.0"))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldCountAStaticTokenOrAJwksAsAuthentication() throws Exception {
        assertThat(HttpSecurity.from(config()).authentication().enabled()).isFalse();
        assertThat(HttpSecurity.from(config("api.token", "t")).authentication().enabled()).isTrue();
        Path jwks = TestIssuer.rsa("k").writeJwks(dir.resolve("jwks.json"));
        HttpSecurity jwt = HttpSecurity.from(config("api.auth.jwt.jwks.file", jwks.toString(),
                "api.auth.jwt.issuer", TestIssuer.ISSUER, "api.auth.jwt.audience", TestIssuer.AUDIENCE));
        assertThat(jwt.authentication().acceptsJwt()).isTrue();
        assertThatThrownBy(() -> jwt.authentication().authenticate("Bearer " + TestIssuer.rsa("k").token().sign()))
                .as("another key with the same id").isInstanceOf(com.lockupguard.security.AuthenticationException.class);
    }

    @Test
    void shouldTakeAnEmptyTokenForNoTokenAtAll() {
        // given tokens set empty, as a compose file's LOCKUP_GUARD_API_TOKEN: ${API_TOKEN:-} leaves them
        HttpSecurity security = HttpSecurity.from(config("api.token", "", "api.service.token", ""));

        // when / then authentication stays off (loopback only), rather than on with a token no one can send
        assertThat(security.authentication().enabled()).isFalse();
        assertThat(security.peers().serviceToken()).as("instances pass on the caller's token").isNull();
        try (CapturedLogs logged = CapturedLogs.of(HttpSecurity.class)) {
            assertThatCode(() -> security.checkExposure("127.0.0.1")).doesNotThrowAnyException();
            // and the start says so, at WARN: a token that came through empty is not what was meant
            assertThat(logged.messagesAt(Level.WARN)).containsExactly("api.token is set, but empty: the API and "
                    + "/metrics have no authentication, and answer any caller on this machine. Give it a token, or "
                    + "leave it out");
        }
        try (CapturedLogs logged = CapturedLogs.of(HttpSecurity.class)) {
            HttpSecurity.from(config()).checkExposure("127.0.0.1");
            HttpSecurity.from(config("api.token", "   ")).checkExposure("127.0.0.1");
            assertThat(logged.messagesAt(Level.WARN)).as("left out, then blank").hasSize(1);
        }
    }

    @Test
    void shouldRequireIssuerAndAudienceWithAJwks() throws Exception {
        Path jwks = TestIssuer.rsa("k").writeJwks(dir.resolve("jwks.json"));
        assertThatThrownBy(() -> HttpSecurity.from(config("api.auth.jwt.jwks.file", jwks.toString(),
                "api.auth.jwt.issuer", TestIssuer.ISSUER))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("api.auth.jwt.audience");
        assertThatThrownBy(() -> HttpSecurity.from(config("api.auth.jwt.jwks.url", "https://idp.test/jwks",
                "api.auth.jwt.audience", "guard"))).hasMessageContaining("api.auth.jwt.issuer");
        assertThatThrownBy(() -> HttpSecurity.from(config("api.auth.jwt.issuer", "i", "api.auth.jwt.audience",
                "a"))).hasMessageContaining("no JWKS");
        assertThatThrownBy(() -> HttpSecurity.from(config("api.auth.jwt.jwks.file", jwks.toString(),
                "api.auth.jwt.jwks.url", "https://idp.test/jwks", "api.auth.jwt.issuer", "i",
                "api.auth.jwt.audience", "a"))).hasMessageContaining("not both");
    }

    @Test
    void shouldSayATrustStoreIsNotThereWithoutBlamingItsPassword() {
        // given / when / then: a missing file is said to be missing, without "(check ...password...)"
        Path missing = dir.resolve("nope.p12");
        assertThatThrownBy(() -> HttpSecurity.from(config("http.ssl.truststore.location", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.ssl.truststore.location: the PKCS12 store " + missing + " does not exist");
    }

    @Test
    void shouldSayAJwksFileIsNotThereRatherThanNameItsPathAlone() {
        // given / when / then: the JDK's message for a missing file is its path, which said nothing of what was wrong
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> HttpSecurity.from(config("api.auth.jwt.jwks.file", missing.toString(),
                "api.auth.jwt.issuer", "i", "api.auth.jwt.audience", "a"))).isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value " + missing + " for configuration api.auth.jwt.jwks.file: does not exist");
    }

    @Test
    void shouldDescribeTheAuthenticationWithoutTheJwksUrlsQuery() {
        // given a JWKS fetched with a signature in its URL's query (credentials in its user-info are refused: they
        // would not be sent)
        HttpSecurity security = HttpSecurity.from(config("api.auth.jwt.jwks.url",
                "https://idp.example/jwks?sig=S3cretJwksPw", "api.auth.jwt.issuer", "https://idp.example",
                "api.auth.jwt.audience", "lockup-guard"));

        // when described, as the start-up log and config --check show it
        String described = security.authentication().describe();

        // then the URL is named without its query's values
        assertThat(described).contains("JWT from https://idp.example/jwks?").doesNotContain("S3cretJwksPw");
    }

    @Test
    void shouldRefuseAJwksFetchedInClearFromANameThatResolvesToLoopbackTodayOnly() throws Exception {
        // given a name, not an address, that this machine resolves to loopback now (its own host name, say)
        String name = Stream.of(InetAddress.getLocalHost().getHostName(), "vm", "ip6-localhost",
                "localhost.localdomain").filter(HttpSecurityTest::resolvesToLoopback).findFirst().orElse(null);
        assumeTrue(name != null, "no name other than localhost resolves to loopback here");

        // when / then its http JWKS URL is refused (the name is looked up again at every fetch, and a spoofed answer
        // would serve keys of someone else's), where the literal addresses and localhost are taken
        assertThatThrownBy(() -> config("api.auth.jwt.jwks.url", "http://" + name + ":8180/jwks"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("written so");
        for (String literal : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            assertThatCode(() -> config("api.auth.jwt.jwks.url", "http://" + literal + ":8180/jwks")).as(literal)
                    .doesNotThrowAnyException();
        }
    }

    private static boolean resolvesToLoopback(String name) {
        try {
            return !name.equalsIgnoreCase("localhost") && InetAddress.getByName(name).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Test
    void shouldRefuseAJwksFetchedInClearBeyondLoopbackAndAnyHmacAlgorithm() {
        assertThatThrownBy(() -> config("api.auth.jwt.jwks.url", "http://idp.example.com/jwks"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.jwks.url");
        assertThatCode(() -> config("api.auth.jwt.jwks.url", "http://127.0.0.1:8180/jwks"))
                .doesNotThrowAnyException();
        assertThatCode(() -> config("api.auth.jwt.jwks.url", "https://idp.example.com/jwks"))
                .doesNotThrowAnyException();
        for (String algorithm : new String[] {"none", "HS256", "RS256,HS512"}) {
            assertThatThrownBy(() -> config("api.auth.jwt.algorithms", algorithm)).as(algorithm)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.algorithms");
        }
    }

    @Test
    void shouldNameAWrongKeyStorePasswordButNeverThePassword() throws Exception {
        // given a PKCS12 key store with the password "right-pass"
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "right-pass", "right-pass",
                TestPki.create("ca").localhost());

        // when / then
        assertThatThrownBy(() -> HttpSecurity.from(config("http.ssl.keystore.location", store.toString(),
                "http.ssl.keystore.password", "wrong-pass-123"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.ssl.keystore.password").hasMessageNotContaining("wrong-pass-123")
                .hasMessageNotContaining("right-pass");
        assertThatThrownBy(() -> HttpSecurity.from(config("http.ssl.keystore.location", store.toString())))
                .hasMessageContaining("http.ssl.keystore.password is required");
        assertThatThrownBy(() -> HttpSecurity.from(config("http.ssl.keystore.location", dir.resolve("missing.p12")
                .toString(), "http.ssl.keystore.password", "x"))).hasMessageContaining("cannot be read");
        HttpSecurity tls = HttpSecurity.from(config("http.ssl.keystore.location", store.toString(),
                "http.ssl.keystore.password", "right-pass", "api.service.token", "peer-secret"));
        assertThat(tls.https()).isNotNull();
        assertThat(tls.peers().https()).isTrue();
        assertThat(tls.toString() + tls.peers() + tls.https()).doesNotContain("right-pass")
                .doesNotContain("peer-secret");
    }

    @Test
    void shouldCheckTheCertificateForTheOtherInstancesOnlyWhereTheyCanAskThisOne() throws Exception {
        // given a key store
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                TestPki.create("ca").localhost());
        String[] tls = {"http.ssl.keystore.location", store.toString(), "http.ssl.keystore.password", "store-pass"};

        // when served on loopback, advertised as such: one instance's alone, nothing to check for the others
        HttpsSettings loopback = HttpSecurity.from(config(tls)).https();
        // when advertised, or served beyond loopback: its name and the trust of the others are checked
        HttpsSettings advertised = HttpSecurity.from(config(with(tls, "http.advertised.host",
                "guard-1.example.com"))).https();
        HttpsSettings exposed = HttpSecurity.from(config(with(tls, "http.host", "10.11.12.13"))).https();
        // when served on every interface, not advertised: the trust is checked, not this machine's name
        HttpsSettings everywhere = HttpSecurity.from(config(with(tls, "http.host", "0.0.0.0"))).https();

        // then
        assertThat(loopback.advertisedHost()).isNull();
        assertThat(loopback.peersTrust()).isNull();
        assertThat(advertised.advertisedHost()).isEqualTo("guard-1.example.com");
        assertThat(advertised.peersTrust()).isNotNull();
        assertThat(exposed.advertisedHost()).isEqualTo("10.11.12.13");
        assertThat(exposed.peersTrust()).isNotNull();
        assertThat(everywhere.advertisedHost()).isNull();
        assertThat(everywhere.peersTrust()).isNotNull();
        assertThat(loopback.reloadInterval()).isEqualTo(HttpsSettings.RELOAD_INTERVAL);
    }

    private static String[] with(String[] settings, String name, String value) {
        String[] more = java.util.Arrays.copyOf(settings, settings.length + 2);
        more[settings.length] = name;
        more[settings.length + 1] = value;
        return more;
    }

    @Test
    void shouldRefuseAKeyStoreWithoutAPrivateKeyNamingIt() throws Exception {
        // given a trust store, holding only the CA's certificate, set as the key store by mistake
        Path trustStore = TestPki.create("ca").writeTrustStore(dir.resolve("trust.p12"), "PKCS12", "store-pass");

        // when / then start-up stops, saying what is wrong, rather than serving https with no key
        assertThatThrownBy(() -> HttpSecurity.from(config("http.ssl.keystore.location", trustStore.toString(),
                "http.ssl.keystore.password", "store-pass"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.ssl.keystore.location").hasMessageContaining("holds no private key");
    }

    @Test
    void shouldGiveTheServiceTokenThePeerRoleOnly() throws Exception {
        HttpSecurity security = HttpSecurity.from(config("api.service.token", "peer-secret", "api.token", "dev"));
        assertThat(security.authentication().authenticate("Bearer peer-secret").kind())
                .isEqualTo(Principal.Kind.PEER);
        assertThat(security.authentication().authenticate("Bearer dev").kind())
                .isEqualTo(Principal.Kind.STATIC_TOKEN);
    }

    @Test
    void shouldRefuseAServiceTokenThatIsTheApiToken() {
        // given the service token, which every instance sends the others, set to the user's token
        String secret = "SameTokenValue-0123456789abcdef";

        // when / then start-up stops: that secret would read and submit, not forward alone
        assertThatThrownBy(() -> HttpSecurity.from(config("api.token", secret, "api.service.token", secret)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("api.service.token is the same as "
                        + "api.token").hasMessageNotContaining(secret);
    }

    @Test
    void shouldWarnThatAServiceTokenAloneLetsNoUserIn() {
        // given the instances' secret set, and no credential of a user's
        HttpSecurity security = HttpSecurity.from(config("api.service.token", "peer-secret-0123456789"));

        // when the server is about to be exposed
        try (CapturedLogs logged = CapturedLogs.of(HttpSecurity.class)) {
            security.checkExposure("127.0.0.1");

            // then the start says so (seen: only that tokens cross in clear on 0.0.0.0)
            assertThat(logged.messagesAt(Level.WARN)).containsExactly("api.service.token is the only credential set: "
                    + "the API answers the other instances alone, and refuses every user and the dashboard. Set "
                    + "api.auth.jwt.jwks.url (or api.token for development) as well");
        }
    }
}
