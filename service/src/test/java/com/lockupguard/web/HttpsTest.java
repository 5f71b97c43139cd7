package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.StaticToken;
import com.lockupguard.security.TlsStores;
import com.lockupguard.security.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server over TLS with a certificate made in the test: verified by Java's HttpClient and by
 * curl against the test CA, refused without it, never served in clear; and one instance asking
 * another over https with the service token.
 */
class HttpsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "dev-token-for-https";
    private static final String PEER = "peer-token-for-https";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static TestPki.Issued certificate;

    private final GuardMetrics metrics = new GuardMetrics();
    private GuardWebServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create("lockup-guard-test-ca");
        certificate = pki.localhost();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private int start(HttpsSettings https) {
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, Duration.ofSeconds(1),
                new BearerAuthenticator(new StaticToken(TOKEN), new StaticToken(PEER), null, null), https), metrics,
                JSON);
        int port = server.start();
        server.attach(new GuardWebServer.Backend(order -> new java.util.concurrent.CompletableFuture<>(),
                new StubBackend.Holdings(), new StubBackend.NoHistory(), new StubBackend.Up()));
        return port;
    }

    private static HttpsSettings pkcs12() throws Exception {
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                certificate);
        return new HttpsSettings(store, "store-pass", null, "PKCS12", List.of("TLSv1.3", "TLSv1.2"));
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeHttpsVerifiedAgainstTheTestCaAndNothingInClear() throws Exception {
        // given
        int port = start(pkcs12());
        HttpClient trusting = HttpClient.newBuilder().sslContext(pki.clientContext()).build();

        // when / then: by name and by address, the certificate names both
        for (String host : List.of("localhost", "127.0.0.1")) {
            HttpResponse<String> holdings = get(trusting, "https://" + host + ":" + port + "/api/holdings");
            assertThat(holdings.statusCode()).isEqualTo(200);
            assertThat(holdings.headers().firstValue("Strict-Transport-Security")).isPresent();
        }
        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "https://localhost:" + port + "/health/live"))
                .as("a client that does not trust the test CA").isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/health/live"))
                .as("plain http on the TLS port").isInstanceOf(IOException.class);
    }

    @Test
    void shouldServeAJksKeyStoreWhoseKeyHasItsOwnPassword() throws Exception {
        // given
        Path store = TestPki.writeKeyStore(dir.resolve("server.jks"), "JKS", "store-pass", "key-pass", certificate);
        int port = start(new HttpsSettings(store, "store-pass", "key-pass", "JKS", List.of("TLSv1.3")));

        // when / then
        HttpClient trusting = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        assertThat(get(trusting, "https://localhost:" + port + "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAProtocolVersionTheSettingsLeaveOut() throws Exception {
        // given a server told to speak TLS 1.3 only (http.ssl.enabled.protocols=TLSv1.3)
        Path store = TestPki.writeKeyStore(dir.resolve("tls13.p12"), "PKCS12", "store-pass", "store-pass",
                certificate);
        int port = start(new HttpsSettings(store, "store-pass", null, "PKCS12", List.of("TLSv1.3")));
        javax.net.ssl.SSLParameters tls12 = new javax.net.ssl.SSLParameters();
        tls12.setProtocols(new String[] {"TLSv1.2"});

        // when / then: a client that speaks TLS 1.2 only is refused, one that speaks 1.3 is served
        HttpClient old = HttpClient.newBuilder().sslContext(pki.clientContext()).sslParameters(tls12).build();
        assertThatThrownBy(() -> get(old, "https://localhost:" + port + "/health/live"))
                .isInstanceOf(SSLHandshakeException.class);
        HttpClient current = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        assertThat(get(current, "https://localhost:" + port + "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldOfferTls12OnlyWithAuthenticatedEncryption() throws Exception {
        // given a server with the default protocols (TLS 1.3 and 1.2)
        int port = start(pkcs12());
        // when a TLS 1.2 client offers only a CBC suite, then it is refused; offering GCM, it is served
        assertThatThrownBy(() -> get(tls12Client("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
                "https://localhost:" + port + "/health/live")).isInstanceOf(SSLHandshakeException.class);
        assertThat(get(tls12Client("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "https://localhost:" + port
                + "/health/live").statusCode()).isEqualTo(200);
    }

    private HttpClient tls12Client(String cipherSuite) throws Exception {
        javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.2"});
        parameters.setCipherSuites(new String[] {cipherSuite});
        return HttpClient.newBuilder().sslContext(pki.clientContext()).sslParameters(parameters).build();
    }

    @Test
    void shouldBeVerifiedByCurlAgainstTheTestCa() throws Exception {
        Assumptions.assumeTrue(curlInstalled(), "curl is not installed here: the https check with curl is skipped "
                + "(HttpClient checks the same certificate in the other tests)");
        // given
        int port = start(pkcs12());
        Path ca = pki.writeCaPem(dir.resolve("ca.pem"));

        // when / then: curl verifies the chain and the name against the test CA
        Curl verified = curl("--cacert", ca.toString(), "-H", "Authorization: Bearer " + TOKEN,
                "https://localhost:" + port + "/api/holdings/dutchess/CBYI");
        assertThat(verified.exit()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("\"investorId\":\"dutchess\"");
        Curl unauthenticated = curl("--cacert", ca.toString(), "-o", "/dev/null", "-w", "%{http_code}",
                "https://localhost:" + port + "/api/holdings");
        assertThat(unauthenticated.output()).isEqualTo("401");
        Curl untrusted = curl("https://localhost:" + port + "/health/live");
        assertThat(untrusted.exit()).as("curl without the CA: certificate problem").isEqualTo(60);
    }

    private record Curl(int exit, String output) {
    }

    private static boolean curlInstalled() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Curl curl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Curl(process.exitValue(), output.trim());
    }

    // ---- one instance asking another

    @Test
    void shouldAskAnotherInstanceOverHttpsWithTheServiceToken() throws Exception {
        // given an instance serving https, and a peer that trusts the test CA and holds the service token
        int port = start(pkcs12());
        java.security.KeyStore trust = TlsStores.load(pki.writeTrustStore(dir.resolve("trust.p12"), "PKCS12", "t"),
                "t", "PKCS12");
        RemoteGuards peer = new RemoteGuards(JSON, new PeerAccess(true, TlsStores.trusting(trust, true), PEER));

        // when
        var holding = peer.get(new HostInfo("localhost", port), "/api/holdings/dutchess/CBYI?local=true", null);

        // then
        assertThat(holding.get("investorId").asText()).isEqualTo("dutchess");
    }

    @Test
    void shouldPassOnTheCallersTokenWithoutAServiceTokenAndNameAMismatchedCredential() throws Exception {
        // given
        int port = start(pkcs12());
        java.security.KeyStore trust = TlsStores.load(pki.writeTrustStore(dir.resolve("trust2.p12"), "PKCS12", "t"),
                "t", "PKCS12");
        RemoteGuards relaying = new RemoteGuards(JSON, new PeerAccess(true, TlsStores.trusting(trust, true), null));
        RemoteGuards misconfigured = new RemoteGuards(JSON, new PeerAccess(true, TlsStores.trusting(trust, true),
                "another-peer-token"));
        HostInfo owner = new HostInfo("localhost", port);

        // when / then: the caller's own token is carried on; a peer with another service token is told so
        assertThat(relaying.get(owner, "/api/holdings?local=true", "Bearer " + TOKEN).isArray()).isTrue();
        assertThatThrownBy(() -> misconfigured.get(owner, "/api/holdings?local=true", "Bearer " + TOKEN))
                .isInstanceOf(ApiException.class).hasMessageContaining("api.service.token")
                .hasMessageNotContaining("another-peer-token");
    }
}
